package render

import (
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
)

// A <br> in a table cell is a line break; everywhere else, and every other
// tag, raw HTML stays text.
func TestHTMLBreakInTableCell(t *testing.T) {
	md := "| a | b |\n|---|---|\n| one<br>two | three<br/>four<BR />five |\n| <b>x</b> | <br onclick=\"x\"> |\n\nOutside<br>a table.\n"
	out := HTML(md, nil)
	for _, want := range []string{"<td>one<br>two</td>", "<td>three<br>four<br>five</td>", "<td>&lt;b&gt;x&lt;/b&gt;</td>",
		"&lt;br onclick=&#34;x&#34;&gt;", "Outside&lt;br&gt;a table."} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q:\n%s", want, out)
		}
	}
	checkSafe(t, md, out)
}

// The same source cited under spellings of one URL (a tracking parameter,
// a trailing slash, the host's case, a fragment) is one entry of Sources.
func TestSourcesListEachSourceOnce(t *testing.T) {
	md := "Alpha claim. Beta claim. Gamma claim."
	cs := []job.Citation{
		{Index: 1, URL: "https://a.example/x?utm_source=openai", Title: "Alpha", Start: 0, End: 5},
		{Index: 2, URL: "https://a.example/x", Title: "Alpha", Start: 13, End: 17},
		{Index: 3, URL: "https://A.example/x/#part", Title: "Alpha page", Start: 25, End: 30},
		{Index: 4, URL: "https://b.example/", Title: "Beta", Start: 31, End: 36},
	}
	out := HTML(md, cs)
	if n := strings.Count(out, "<li "); n != 2 {
		t.Errorf("Sources has %d entries, want 2 (a.example once, b.example):\n%s", n, out)
	}
	m := Markdown(md, cs)
	if i := strings.Index(m, "## Sources"); i < 0 || strings.Count(m[i:], "\n1. ")+strings.Count(m[i:], "\n2. ")+strings.Count(m[i:], "\n3. ") != 2 {
		t.Errorf("markdown Sources: want 2 entries:\n%s", m)
	}
}
