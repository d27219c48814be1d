package export

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Every script: a report in many languages is readable in the PDF (its
// words come back out of pdftotext, in fonts embedded as subsets) and in
// the DOCX as LibreOffice opens it.

// scriptWords are words of each script the export must keep.
var scriptWords = map[string][]string{
	"English":  {"Heat", "pumps", "work"},
	"French":   {"été", "garçon", "où", "Élève"},
	"Russian":  {"Русский", "текст"},
	"Chinese":  {"中文研究显示"},
	"Japanese": {"日本語の文章です"},
	"Arabic":   {"العربية", "لغة", "جميلة"},
	"Hebrew":   {"עברית", "היא", "שפה"},
	"Hindi":    {"हिन्दी", "भाषा", "सुंदर"},
	"Thai":     {"ภาษาไทย", "สวัสดี"},
	"Emoji":    {"🍵", "🔥", "👍"},
}

func multilingualReport() Report {
	r := sampleReport()
	r.Citations, r.Questions = nil, nil
	r.Markdown = "Heat pumps work. Français : été, garçon, où. Élève.\n\nРусский текст.\n\n中文研究显示。日本語の文章です。\n\n" +
		"العربية لغة جميلة\n\nעברית היא שפה\n\nहिन्दी भाषा सुंदर है\n\nภาษาไทย สวัสดี\n\nEmoji 🍵 🔥 👍\n\n" +
		"| Language | Sample |\n|---|---|\n| Arabic | العربية لغة جميلة |\n| Hindi | हिन्दी भाषा |\n"
	return r
}

// lacks lists the words of scriptWords not in text.
func lacks(text string) []string {
	var out []string
	for script, ws := range scriptWords {
		for _, w := range ws {
			if !strings.Contains(text, w) {
				out = append(out, script+": "+w)
			}
		}
	}
	return out
}

func TestPDFEveryScript(t *testing.T) {
	var pdf strings.Builder
	res, err := Export(&pdf, PDF, multilingualReport())
	if err != nil {
		t.Fatal(err)
	}
	if res.Missing != "" {
		t.Errorf("characters reported missing: %q", res.Missing)
	}
	text := pdfText(t, []byte(pdf.String()))
	if miss := lacks(text); len(miss) > 0 {
		t.Errorf("pdftotext lacks %v:\n%s", miss, text)
	}
	inPageBoxes(t, pdfWords(t, []byte(pdf.String())))

	needTool(t, "pdffonts", "poppler-utils")
	out, err := exec.Command("pdffonts", writeTemp(t, "f.pdf", []byte(pdf.String()))).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")[2:]
	for _, l := range lines {
		f := strings.Fields(l)
		// name type... encoding emb sub uni object ID
		if len(f) < 7 || !strings.Contains(f[0], "+") || f[len(f)-5] != "yes" || f[len(f)-4] != "yes" {
			t.Errorf("pdffonts: not an embedded subset: %s", l)
		}
	}
	for _, want := range []string{"NotoSans-Regular", "NotoSansArabic", "NotoSansHebrew", "NotoSansDevanagari", "NotoSansThai", "DroidSansFallback", "NotoEmoji"} {
		if !strings.Contains(string(out), "+"+want) {
			t.Errorf("pdffonts lacks a subset of %s:\n%s", want, out)
		}
	}
	if n := pdf.Len(); n > 400<<10 {
		t.Errorf("the PDF is %d KB: fonts not subset?", n>>10)
	}
}

// A character no embedded font has: the PDF still comes out, and the
// result names the character and the formats that keep it.
func TestPDFMissingCharacters(t *testing.T) {
	r := sampleReport()
	r.Markdown, r.Citations = "Hieroglyph 𓀀 and 𓀁 here, 𓀀 again.", nil
	var pdf strings.Builder
	res, err := Export(&pdf, PDF, r)
	if err != nil {
		t.Fatal(err)
	}
	if res.Missing != "𓀀𓀁" || !strings.Contains(res.Warning(), "𓀀𓀁") || !strings.Contains(res.Warning(), "HTML or DOCX") {
		t.Errorf("Result = %+v, warning %q", res, res.Warning())
	}
	if text := pdfText(t, []byte(pdf.String())); !strings.Contains(text, "Hieroglyph □ and □ here") {
		t.Errorf("the PDF text: %q", text)
	}
	for _, f := range []string{Markdown, HTML, DOCX} {
		if res, err := Export(&strings.Builder{}, f, r); err != nil || res.Missing != "" || res.Warning() != "" {
			t.Errorf("%s: %+v, %v; want no warning", f, res, err)
		}
	}
}

func TestDOCXRightToLeft(t *testing.T) {
	doc := docxPart(t, export(t, DOCX, multilingualReport()), "word/document.xml")
	for _, want := range []string{`<w:bidi/></w:pPr><w:r><w:rPr><w:rtl/></w:rPr><w:t xml:space="preserve">العربية لغة جميلة`,
		`<w:bidi/></w:pPr><w:r><w:rPr><w:rtl/></w:rPr><w:t xml:space="preserve">עברית היא שפה`} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	if strings.Count(doc, "<w:bidi/>") != 3 { // Arabic, Hebrew, the Arabic cell
		t.Errorf("%d paragraphs marked right to left, want 3", strings.Count(doc, "<w:bidi/>"))
	}
}

// LibreOffice opens the DOCX and every word survives its conversion to PDF.
func TestDOCXInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice is not installed: apt-get install libreoffice-writer-nogui (make test installs it)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "report.docx")
	if err := os.WriteFile(in, export(t, DOCX, multilingualReport()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--convert-to", "pdf", "--outdir", dir, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to pdf: %v\n%s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "report.pdf"))
	if err != nil {
		t.Fatalf("soffice wrote no PDF: %v", err)
	}
	if miss := lacks(pdfText(t, pdf)); len(miss) > 0 {
		t.Errorf("LibreOffice's PDF of the DOCX lacks %v", miss)
	}
}
