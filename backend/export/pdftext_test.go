package export

import (
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The PDF tests read the PDF with the programs people use: poppler's
// pdftotext (text, and each word's box with -bbox) and pdffonts. `make
// test` installs them (tools/install-deps.sh test, poppler-utils).

// needTool skips the test when a program is missing, saying how to get it.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed: apt-get install %s (make test installs it)", name, pkg)
	}
	return path
}

// writeTemp writes a PDF to a temporary file.
func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// pdfText is the text pdftotext reads from a PDF, in reading order.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	needTool(t, "pdftotext", "poppler-utils")
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", writeTemp(t, "t.pdf", pdf), "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// bboxPage is one page of pdftotext -bbox: its size and its words' boxes.
type bboxPage struct {
	W, H  float64
	Words []bboxWord
}

type bboxWord struct {
	XMin, YMin, XMax, YMax float64
	Text                   string
}

var (
	pageLine = regexp.MustCompile(`<page width="([0-9.]+)" height="([0-9.]+)">`)
	wordLine = regexp.MustCompile(`<word xMin="([-0-9.]+)" yMin="([-0-9.]+)" xMax="([-0-9.]+)" yMax="([-0-9.]+)">(.*)</word>`)
)

// pdfWords is every page of a PDF with its words' boxes, as pdftotext
// -bbox gives them (one element a line, which is read line by line: a
// 5 MB report has half a million words).
func pdfWords(t *testing.T, pdf []byte) []bboxPage {
	t.Helper()
	needTool(t, "pdftotext", "poppler-utils")
	out, err := exec.Command("pdftotext", "-bbox", writeTemp(t, "b.pdf", pdf), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	f := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("pdftotext -bbox: %q is not a number", s)
		}
		return v
	}
	var pages []bboxPage
	for _, l := range strings.Split(string(out), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "<page "):
			m := pageLine.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("pdftotext -bbox: unexpected page line %q", l)
			}
			pages = append(pages, bboxPage{W: f(m[1]), H: f(m[2])})
		case strings.HasPrefix(l, "<word "):
			m := wordLine.FindStringSubmatch(l)
			if m == nil || len(pages) == 0 {
				t.Fatalf("pdftotext -bbox: unexpected word line %q", l)
			}
			p := &pages[len(pages)-1]
			p.Words = append(p.Words, bboxWord{f(m[1]), f(m[2]), f(m[3]), f(m[4]), html.UnescapeString(m[5])})
		}
	}
	return pages
}

// inPageBoxes fails the test for every word drawn outside its page.
func inPageBoxes(t *testing.T, pages []bboxPage) {
	t.Helper()
	bad := 0
	for i, p := range pages {
		for _, w := range p.Words {
			if w.XMin < 0 || w.YMin < 0 || w.XMax > p.W+0.5 || w.YMax > p.H+0.5 {
				if bad++; bad <= 5 {
					t.Errorf("page %d: %q at (%.0f,%.0f)-(%.0f,%.0f) is outside the %.0f×%.0f page", i+1, w.Text, w.XMin, w.YMin, w.XMax, w.YMax, p.W, p.H)
				}
			}
		}
	}
	if bad > 5 {
		t.Errorf("... %d words outside their page in all", bad)
	}
}

// inOrder reports the first of words that is not found in text after the
// ones before it ("" when all are).
func inOrder(text string, words []string) string {
	at := 0
	for _, w := range words {
		i := strings.Index(text[at:], w)
		if i < 0 {
			return w
		}
		at += i + len(w)
	}
	return ""
}
