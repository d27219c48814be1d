package export

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
)

// docxPart is one part of a docx file, as text.
func docxPart(t *testing.T, docx []byte, name string) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := z.Open(name)
	if err != nil {
		t.Fatalf("the docx lacks %s", name)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	return string(b)
}

// cellBreakReport has <br> in table cells, as models write them, and raw
// HTML elsewhere that must stay text.
func cellBreakReport() Report {
	r := sampleReport()
	r.Markdown = "| Plan | Notes |\n|---|---|\n| alpha | one<br>two<br/>three |\n\nOutside<br>stays.\n"
	r.Citations, r.Questions = nil, nil
	return r
}

func TestCellBreakPDF(t *testing.T) {
	text := pdfText(t, export(t, PDF, cellBreakReport()))
	if strings.Contains(text, "one<br>") || strings.Contains(text, "two<br/>") {
		t.Errorf("the PDF prints <br> in a cell:\n%s", text)
	}
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		lines = append(lines, strings.TrimSpace(l))
	}
	joined := "\n" + strings.Join(lines, "\n") + "\n"
	for _, want := range []string{"\ntwo\n", "\nthree\n", "Outside<br>stays."} {
		if !strings.Contains(joined, want) {
			t.Errorf("the PDF text lacks %q on a line of its own:\n%s", want, text)
		}
	}
}

func TestCellBreakDOCX(t *testing.T) {
	out := export(t, DOCX, cellBreakReport())
	docxText(t, out) // a well-formed docx
	text := docxPart(t, out, "word/document.xml")
	for _, want := range []string{`one</w:t><w:br/><w:t xml:space="preserve">two</w:t><w:br/><w:t xml:space="preserve">three`, "Outside&lt;br&gt;stays."} {
		if !strings.Contains(text, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
}

func TestCellBreakHTML(t *testing.T) {
	out := string(export(t, HTML, cellBreakReport()))
	if !strings.Contains(out, "one<br>two<br>three") || !strings.Contains(out, "Outside&lt;br&gt;stays.") {
		t.Errorf("the HTML export: want line breaks in the cell only:\n%s", out)
	}
}
