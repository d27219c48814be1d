package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func export(t *testing.T, format string, r Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := Export(&b, format, r); err != nil {
		t.Fatalf("Export(%s): %v", format, err)
	}
	return b.Bytes()
}

// golden compares got with testdata/name (rewritten with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking the change):\n%s", name, got)
	}
}

func TestMarkdownGolden(t *testing.T) {
	golden(t, "sample.md", export(t, Markdown, sampleReport()))
}

func TestHTMLGolden(t *testing.T) {
	out := export(t, HTML, sampleReport())
	golden(t, "sample.html", out)
	s := string(out)
	for _, bad := range []string{"<script", "javascript:", "onerror", "<b>html</b>", "<img", "http-equiv=\"refresh\""} {
		if strings.Contains(s, bad) {
			t.Errorf("HTML export contains %q", bad)
		}
	}
	for _, want := range []string{"<style>", "default-src 'none'", `<sup class="cite"><a href="https://www.example.jp/hp"`,
		`<section class="sources">`, "&lt;script&gt;", "Леса и фьорды", "東京タワー", "🍵"} {
		if !strings.Contains(s, want) {
			t.Errorf("HTML export lacks %q", want)
		}
	}
}

// TestNoSecrets: the header is the prompt, model, dates and cost; nothing
// else about the job leaves the app.
func TestNoSecrets(t *testing.T) {
	r := sampleReport()
	for _, f := range []string{Markdown, HTML, DOCX} {
		out := string(export(t, f, r))
		if f == DOCX {
			out = docxText(t, []byte(out))
		}
		for _, secret := range []string{r.Job.ProviderJobID, r.Job.ReportPath, r.Job.Error} {
			if strings.Contains(out, secret) {
				t.Errorf("%s export contains %q", f, secret)
			}
		}
		for _, want := range []string{"o3-deep-research", "2025-05-01 10:00 UTC", "2025-05-01 10:25 UTC", "$1.50", "Compare Norway and Japan", "k3j9x0qa7z"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s export lacks the header's %q", f, want)
			}
		}
	}
}

// docxText is the text of word/document.xml, after checking the package.
func docxText(t *testing.T, b []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the docx is not a zip: %v", err)
	}
	files := map[string]string{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(data)
		// Every part is well-formed XML.
		d := xml.NewDecoder(bytes.NewReader(data))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
			}
		}
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels", "docProps/core.xml"} {
		if _, ok := files[name]; !ok {
			t.Fatalf("the docx lacks %s", name)
		}
	}
	// The text of every w:t, in order.
	var text strings.Builder
	d := xml.NewDecoder(strings.NewReader(files["word/document.xml"]))
	in := false
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			in = tok.Name.Local == "t"
		case xml.EndElement:
			if tok.Name.Local == "p" {
				text.WriteString("\n")
			}
			in = false
		case xml.CharData:
			if in {
				text.Write(tok)
			}
		}
	}
	return text.String() + "\n" + files["word/_rels/document.xml.rels"]
}

// reportTexts must survive every format.
var reportTexts = []string{
	"Heat pumps in cold climates", "work at -25 °C and below", "Efficiency rises with", "[1]", "[2]", "[3]",
	"Леса и фьорды", "東京の研究", "Русский текст: теплонасосы работают зимой.", "東京タワーの高さは333メートルです。",
	"中文研究显示，氢能源很重要。", "한국어 문장입니다.", `fmt.Println("hello")`, "installation", "running costs",
	"Sources", "Cold-climate heat pump study", "Compressor [review]", "東京タワー公式", "Hostile source",
	"<script>alert(\"x\")</script> raw <b>html</b> stays text.",
}

func TestDOCX(t *testing.T) {
	text := docxText(t, export(t, DOCX, sampleReport()))
	for _, want := range append(reportTexts, "🍵🔥", "Model: openai / o3-deep-research") {
		if !strings.Contains(text, want) {
			t.Errorf("word/document.xml lacks %q", want)
		}
	}
	for _, link := range []string{`Target="https://www.example.jp/hp" TargetMode="External"`, `Target="https://b.example/compressors"`} {
		if !strings.Contains(text, link) {
			t.Errorf("document.xml.rels lacks %s", link)
		}
	}
	if strings.Contains(text, "javascript:") {
		t.Error("the docx links to javascript:")
	}
	// A report with characters XML cannot hold still gives a valid file.
	r := sampleReport()
	r.Markdown = "bell \x07 and NUL \x00 and \uFFFE end"
	if text := docxText(t, export(t, DOCX, r)); !strings.Contains(text, "end") {
		t.Errorf("docx of a report with control characters lacks its text: %q", text)
	}
}

func TestPDF(t *testing.T) {
	out := export(t, PDF, sampleReport())
	if !bytes.HasPrefix(out, []byte("%PDF-")) || !bytes.Contains(out[len(out)-1024:], []byte("%%EOF")) {
		t.Fatalf("not a complete PDF (%d bytes)", len(out))
	}
	text := pdfText(t, out)
	flat := squash(text)
	for _, want := range append(reportTexts, "Model: openai / o3-deep-research", "$1.50", "1 / 2", "2 / 2") {
		if !strings.Contains(flat, squash(want)) {
			t.Errorf("the PDF text lacks %q", want)
		}
	}
	// Emoji are drawn with the monochrome emoji font.
	if !strings.Contains(flat, "Emoji:🍵🔥") {
		t.Errorf("emoji in the PDF: want 🍵🔥, text is %q", text)
	}
	for _, link := range []string{"/URI (https://www.example.jp/hp)", "/URI (https://b.example/compressors)"} {
		if !bytes.Contains(out, []byte(link)) {
			t.Errorf("the PDF lacks the link %s", link)
		}
	}
	if bytes.Contains(out, []byte("javascript:")) {
		t.Error("the PDF links to javascript:")
	}
}

// squash drops whitespace: the PDF places words one by one.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// TestPDFLong: a long report of long lines, a huge table and a long code
// block paginates without error and keeps its last words.
func TestPDFLong(t *testing.T) {
	var md strings.Builder
	for i := range 300 {
		md.WriteString("Paragraph with enough words to wrap across more than one line of the page, number ")
		md.WriteString(strings.Repeat("x", i%90))
		md.WriteString(".\n\n")
	}
	md.WriteString("| a | b |\n|---|---|\n")
	for range 80 {
		md.WriteString("| " + strings.Repeat("wide ", 40) + " | " + strings.Repeat("長い", 60) + " |\n")
	}
	md.WriteString("\n```\n" + strings.Repeat("code line\n", 200) + "```\n\nThe final words.")
	r := sampleReport()
	r.Markdown, r.Citations = md.String(), nil
	text := squash(pdfText(t, export(t, PDF, r)))
	if !strings.Contains(text, "Thefinalwords.") || !strings.Contains(text, "長い長い") {
		t.Errorf("the long PDF lost text")
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]string{"md": "md", "MD": "md", "markdown": "md", ".pdf": "pdf", " docx ": "docx", "htm": "html", "HTML": "html"} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "txt", "odt"} {
		if _, err := ParseFormat(in); err == nil || !strings.Contains(err.Error(), "use md, html, pdf or docx") {
			t.Errorf("ParseFormat(%q) = %v, want an error naming the formats", in, err)
		}
	}
	if _, err := Export(io.Discard, "rtf", sampleReport()); err == nil {
		t.Error("Export(rtf): no error")
	}
	if got := FileName(sampleReport().Job, PDF); got != "2025-05-01_heat-pumps-in-cold-climates_k3j9x0qa7z.pdf" {
		t.Errorf("FileName = %q", got)
	}
}

// TestEmptyReport: a report with no text and no sources still exports.
func TestEmptyReport(t *testing.T) {
	r := Report{Job: sampleReport().Job}
	for _, f := range Formats() {
		if out := export(t, f, r); len(out) == 0 {
			t.Errorf("%s export of an empty report is empty", f)
		}
	}
}
