package export

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The layout tests: whatever the report, every word of it is in the PDF,
// in order, and inside its page.

// words are n distinct words ("w000001x", ...) and their text, sep between.
func words(n int, sep string) ([]string, string) {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = fmt.Sprintf("w%06dx", i)
	}
	return ws, strings.Join(ws, sep)
}

// keepsEveryWord exports md as PDF and checks that each of ws is in its
// text in order and that no word is drawn outside its page.
func keepsEveryWord(t *testing.T, md string, ws []string) []bboxPage {
	t.Helper()
	r := sampleReport()
	r.Markdown, r.Citations, r.Questions = md, nil, nil
	pages := pdfWords(t, export(t, PDF, r))
	var text strings.Builder
	for _, p := range pages {
		for _, w := range p.Words {
			text.WriteString(w.Text)
			text.WriteByte(' ')
		}
	}
	if w := inOrder(text.String(), ws); w != "" {
		t.Fatalf("the PDF lacks %q (or has it out of order)", w)
	}
	inPageBoxes(t, pages)
	return pages
}

// A table row taller than a page continues on the next pages, each under
// the header row.
func TestPDFTableLongRow(t *testing.T) {
	ws, long := words(3000, " ")
	md := "| Name | Notes | Kind | Size |\n|---|---|---|---|\n| first | " + long + " | x | 1 |\n| last | short | y | 2 |\n"
	pages := keepsEveryWord(t, md, append(append([]string{"first"}, ws...), "last"))
	if len(pages) < 3 {
		t.Fatalf("%d pages; the long row should take several", len(pages))
	}
	for i, p := range pages[1:] {
		header := false
		for _, w := range p.Words {
			header = header || w.Text == "Notes"
		}
		if !header {
			t.Errorf("page %d does not repeat the header row", i+2)
		}
	}
}

func TestPDFTable10000Rows(t *testing.T) {
	ws, _ := words(10000, "")
	var md strings.Builder
	md.WriteString("| n | word |\n|---|---|\n")
	for i, w := range ws {
		fmt.Fprintf(&md, "| %d | %s |\n", i, w)
	}
	keepsEveryWord(t, md.String(), ws)
}

// Lists and quotes nested 50 deep stay on the page.
func TestPDFNested50(t *testing.T) {
	ws, _ := words(100, "")
	var md strings.Builder
	for i := range 50 {
		fmt.Fprintf(&md, "%s- %s %s\n", strings.Repeat("  ", i), ws[2*i], ws[2*i+1])
	}
	md.WriteString("\n")
	qs, _ := words(50, "")
	for i := range qs {
		qs[i] = "q" + qs[i]
	}
	md.WriteString(strings.Repeat("> ", 50) + strings.Join(qs, " ") + "\n")
	keepsEveryWord(t, md.String(), append(ws, qs...))
}

// Long URLs and words with no space wrap inside the page, in a paragraph
// and in a table cell.
func TestPDFUnbrokenStrings(t *testing.T) {
	url := "https://example.org/" + strings.Repeat("a", 600) + "/end"
	word := strings.Repeat("Z", 900)
	md := url + "\n\n" + word + "\n\n| a | b |\n|---|---|\n| " + word + " | " + url + " |\n"
	pages := keepsEveryWord(t, md, []string{"https://example.org/", "/end"})
	n := 0
	for _, p := range pages {
		for _, w := range p.Words {
			n += strings.Count(w.Text, "Z")
		}
	}
	if n != 2*len(word) {
		t.Errorf("%d of %d Z's drawn", n, 2*len(word))
	}
}

// A report that is one 5 MB line (1 MB under the race detector, which
// makes it twenty times slower; make bench exports the whole 5 MB).
func TestPDFHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("a 5 MB PDF: not in -short")
	}
	size := 5 << 20
	if raceEnabled {
		size = 1 << 20
		t.Logf("race detector: a %d MB line", size>>20)
	}
	ws, line := words(size/9, " ")
	keepsEveryWord(t, line, ws)
}

// A word of a million characters with no space (a pasted blob) wraps,
// whole, in linear time.
func TestPDFHugeWord(t *testing.T) {
	n := 1 << 20
	if raceEnabled {
		n = 1 << 18
	}
	r := sampleReport()
	r.Markdown, r.Citations = "start "+strings.Repeat("Z", n)+" end", nil
	start := time.Now()
	pdf := export(t, PDF, r)
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("a %d-character word took %v", n, d)
	}
	pages := pdfWords(t, pdf)
	inPageBoxes(t, pages)
	z := 0
	for _, p := range pages {
		for _, w := range p.Words {
			z += strings.Count(w.Text, "Z")
		}
	}
	if z != n {
		t.Errorf("%d of %d Z's drawn", z, n)
	}
}
