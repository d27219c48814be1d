package render

import (
	"regexp"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
)

// at returns a citation of url covering the first occurrence of sub in s.
func at(t *testing.T, s, sub string, index int, url, title string) job.Citation {
	t.Helper()
	start, end := span(t, s, sub)
	return job.Citation{Index: index, URL: url, Title: title, Start: start, End: end}
}

func TestMarkdown(t *testing.T) {
	const tea = "Tea is old. It came from China."
	ownList := "Tea is old. It came from China.\n\n## Sources\n\n1. [Tea history](https://a.example/tea)\n2. [Silk road](https://b.example/silk) - a second source\n"
	tests := []struct {
		name  string
		md    string
		cites func(t *testing.T, md string) []job.Citation
		want  string
	}{
		{"no citations", tea, nil, tea + "\n"},
		{"empty", "", nil, ""},
		{"marker after the span", tea,
			func(t *testing.T, md string) []job.Citation {
				return []job.Citation{at(t, md, "Tea is old.", 1, "https://a.example/tea", "Tea history")}
			},
			"Tea is old.[\\[1\\]](<https://a.example/tea>) It came from China.\n\n## Sources\n\n1. [Tea history](<https://a.example/tea>)\n"},
		{"a cited link is replaced by its marker", "Tea is old ([a.example](https://a.example/tea)).",
			func(t *testing.T, md string) []job.Citation {
				return []job.Citation{at(t, md, "([a.example](https://a.example/tea))", 1, "https://a.example/tea", "Tea history")}
			},
			"Tea is old[\\[1\\]](<https://a.example/tea>).\n\n## Sources\n\n1. [Tea history](<https://a.example/tea>)\n"},
		{"one number per URL, dense from 1", tea,
			func(t *testing.T, md string) []job.Citation {
				return []job.Citation{
					at(t, md, "Tea is old.", 1, "https://a.example/tea", "A"),
					at(t, md, "It came", 2, "https://a.example/tea", "A"),
					at(t, md, "from China.", 3, "https://b.example/china", "B"),
				}
			},
			"Tea is old.[\\[1\\]](<https://a.example/tea>) It came[\\[1\\]](<https://a.example/tea>) from China.[\\[2\\]](<https://b.example/china>)\n\n## Sources\n\n1. [A](<https://a.example/tea>)\n2. [B](<https://b.example/china>)\n"},
		{"the provider's own list merges into one", ownList,
			func(t *testing.T, md string) []job.Citation {
				return []job.Citation{at(t, md, "Tea is old.", 1, "https://a.example/tea/", "Tea history")}
			},
			"Tea is old.[\\[1\\]](<https://a.example/tea/>) It came from China.\n\n## Sources\n\n1. [Tea history](<https://a.example/tea/>)\n2. [Silk road](<https://b.example/silk>)\n"},
		{"a bold References list with reference definitions", tea + "\n\n**References:**\n[1]: https://a.example/tea\n[2]: https://c.example/x \"C\"\n",
			func(t *testing.T, md string) []job.Citation {
				return []job.Citation{at(t, md, "Tea is old.", 1, "https://a.example/tea", "Tea history")}
			},
			"Tea is old.[\\[1\\]](<https://a.example/tea>) It came from China.\n\n## Sources\n\n1. [Tea history](<https://a.example/tea>)\n2. [C](<https://c.example/x>)\n"},
		{"a setext Bibliography with bare URLs and a text entry", tea + "\n\nBibliography\n------------\n\n- https://d.example/doc Dynasty notes\n- A printed book, 1999\n",
			func(t *testing.T, md string) []job.Citation {
				return []job.Citation{at(t, md, "China.", 1, "https://b.example/china", "B")}
			},
			"Tea is old. It came from China.[\\[1\\]](<https://b.example/china>)\n\n## Sources\n\n1. [B](<https://b.example/china>)\n2. [Dynasty notes](<https://d.example/doc>)\n3. A printed book, 1999\n"},
		{"without citations the provider's list stays, alone", ownList, nil, strings.TrimRight(ownList, "\n") + "\n"},
		{"a Sources list followed by prose is not the end of the report", "Intro.\n\n## Sources\n\n- https://x.example\n\nMore text.",
			func(t *testing.T, md string) []job.Citation {
				return []job.Citation{at(t, md, "Intro.", 1, "https://a.example", "A")}
			},
			"Intro.[\\[1\\]](<https://a.example>)\n\n## Sources\n\n- https://x.example\n\nMore text.\n\n## Sources\n\n1. [A](<https://a.example>)\n"},
		{"hostile titles and URLs stay text", tea,
			func(t *testing.T, md string) []job.Citation {
				return []job.Citation{
					at(t, md, "Tea", 1, "javascript:alert(1)", "x](javascript:alert(1)) <b>"),
					at(t, md, "China", 2, "https://e.example/a b>c", "*bold* `code`"),
				}
			},
			"Tea\\[1\\] is old. It came from China[\\[2\\]](<https://e.example/abc>).\n\n## Sources\n\n1. x\\](javascript:alert(1)) \\<b\\> (not a web link: `javascript:alert(1)`)\n2. [\\*bold\\* \\`code\\`](<https://e.example/abc>)\n"},
		{"out-of-range offsets are listed without a marker", tea,
			func(t *testing.T, md string) []job.Citation {
				return []job.Citation{{Index: 1, URL: "https://a.example", Title: "A", Start: 5, End: 500}}
			},
			tea + "\n\n## Sources\n\n1. [A](<https://a.example>)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cites []job.Citation
			if tt.cites != nil {
				cites = tt.cites(t, tt.md)
			}
			got := Markdown(tt.md, cites)
			if got != tt.want {
				t.Errorf("Markdown(%q) =\n%s\nwant\n%s", tt.md, got, tt.want)
			}
			if len(cites) > 0 {
				if n := strings.Count(strings.ToLower(got), "## sources"); n != 1 && !strings.Contains(tt.name, "not the end") {
					t.Errorf("Markdown has %d Sources lists, want 1:\n%s", n, got)
				}
			}
			checkAgreement(t, tt.md, cites)
		})
	}
}

var (
	mdMarkerRe   = regexp.MustCompile(`\\\[(\d+)\\\]`)
	htmlMarkerRe = regexp.MustCompile(`<sup class="cite">(?:<a [^>]*>)?\[(\d+)\]`)
	mdSourceRe   = regexp.MustCompile(`(?m)^(\d+)\. `)
	htmlSourceRe = regexp.MustCompile(`<li id="source-(\d+)"`)
)

// checkAgreement checks that HTML and Markdown show the same markers, in
// the same order, and the same numbered Sources list.
func checkAgreement(t *testing.T, md string, cites []job.Citation) {
	t.Helper()
	m, h := Markdown(md, cites), HTML(md, cites)
	nums := func(re *regexp.Regexp, s string) []string {
		var out []string
		for _, g := range re.FindAllStringSubmatch(s, -1) {
			out = append(out, g[1])
		}
		return out
	}
	body, list := m, ""
	if i := strings.LastIndex(m, "## Sources\n"); i >= 0 && len(cites) > 0 {
		body, list = m[:i], m[i:]
	}
	if a, b := strings.Join(nums(mdMarkerRe, body), ","), strings.Join(nums(htmlMarkerRe, h), ","); a != b {
		t.Errorf("markers disagree: Markdown %s, HTML %s\n%s\n%s", a, b, m, h)
	}
	if a, b := strings.Join(nums(mdSourceRe, list), ","), strings.Join(nums(htmlSourceRe, h), ","); a != b {
		t.Errorf("Sources lists disagree: Markdown %s, HTML %s\n%s\n%s", a, b, m, h)
	}
	if n := strings.Count(h, `<section class="sources">`); len(cites) > 0 && n != 1 {
		t.Errorf("HTML has %d Sources lists of its own, want 1:\n%s", n, h)
	}
}

func TestSplitOwnSources(t *testing.T) {
	tests := []struct {
		md       string
		wantBody string
		want     []ownSource
	}{
		{"Text.", "Text.", nil},
		{"Text.\n\n## References\n\n* [A](https://a.example) \n* <https://b.example>\n", "Text.",
			[]ownSource{{"A", "https://a.example"}, {"https://b.example", "https://b.example"}}},
		{"Text.\n\n### Sources:\n1. First source, https://a.example/x.\n   continued here\n", "Text.",
			[]ownSource{{"First source, continued here", "https://a.example/x"}}},
		{"Text.\n\nSources\n", "Text.\n\nSources\n", nil},                                                 // a heading with no entries
		{"## Sources\n\nSome prose about sources.\n", "## Sources\n\nSome prose about sources.\n", nil},   // prose, not a list
		{"Text.\n\n## Sources of caffeine\n\n- tea\n", "Text.\n\n## Sources of caffeine\n\n- tea\n", nil}, // another heading
	}
	for _, tt := range tests {
		body, got := splitOwnSources(tt.md)
		if body != tt.wantBody || len(got) != len(tt.want) {
			t.Errorf("splitOwnSources(%q) = %q, %+v; want %q, %+v", tt.md, body, got, tt.wantBody, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("splitOwnSources(%q) entry %d = %+v, want %+v", tt.md, i, got[i], tt.want[i])
			}
		}
	}
}

func TestHTMLShowsOneSourcesList(t *testing.T) {
	md := "Tea is old.\n\n## References\n\n1. [Tea history](https://a.example/tea)\n2. [Silk road](https://b.example/silk)\n"
	cites := []job.Citation{at(t, md, "Tea is old.", 1, "https://a.example/tea", "Tea history")}
	h := HTML(md, cites)
	checkSafe(t, md, h)
	if n := strings.Count(h, "<h2>"); n != 1 {
		t.Errorf("HTML has %d headings, want one (the merged Sources list):\n%s", n, h)
	}
	for _, want := range []string{`<li id="source-1" value="1"><a href="https://a.example/tea"`, `<li id="source-2" value="2"><a href="https://b.example/silk"`} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %s:\n%s", want, h)
		}
	}
}

// TestNumberedText: markers are a plain [n], placed as Markdown places
// them, and no Sources list follows.
func TestNumberedText(t *testing.T) {
	md := "Gyokuro is shade-grown."
	got := NumberedText(md, []job.Citation{{Index: 1, URL: "https://tea.example/g", Start: 0, End: 7}})
	if got != "Gyokuro[1] is shade-grown." {
		t.Errorf("NumberedText = %q, want %q", got, "Gyokuro[1] is shade-grown.")
	}
}
