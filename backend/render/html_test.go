package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// cite is the HTML HTML produces for the marker [n] linking to url.
func cite(n int, url string) string {
	return fmt.Sprintf(`<sup class="cite"><a href="%s" rel="nofollow noreferrer noopener" target="_blank">[%d]</a></sup>`, url, n)
}

// span returns the rune offsets of the first occurrence of sub in s.
func span(t *testing.T, s, sub string) (start, end int) {
	t.Helper()
	i := strings.Index(s, sub)
	if i < 0 {
		t.Fatalf("test setup: %q not in %q", sub, s)
	}
	start = len([]rune(s[:i]))
	return start, start + len([]rune(sub))
}

// checkSafe parses out as HTML and reports every element, attribute or URL
// that must never reach the webview.
func checkSafe(t *testing.T, in, out string) {
	t.Helper()
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Errorf("HTML(%q) contains <script:\n%s", in, out)
	}
	nodes, err := xhtml.ParseFragment(strings.NewReader(out), &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatalf("HTML(%q) output does not parse: %v", in, err)
	}
	forbidden := map[string]bool{"script": true, "iframe": true, "object": true, "embed": true,
		"form": true, "input": true, "button": true, "style": true, "svg": true, "math": true,
		"img": true, "link": true, "meta": true, "base": true, "frame": true, "video": true, "audio": true}
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			if forbidden[n.Data] {
				t.Errorf("HTML(%q) has a <%s> element:\n%s", in, n.Data, out)
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				val := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(key, "on") || key == "style" || key == "src" || key == "srcset" {
					t.Errorf("HTML(%q) has attribute %s=%q on <%s>", in, a.Key, a.Val, n.Data)
				}
				if key == "href" && !(strings.HasPrefix(val, "http://") || strings.HasPrefix(val, "https://") || strings.HasPrefix(val, "mailto:")) {
					t.Errorf("HTML(%q) has href %q, want only http, https or mailto", in, a.Val)
				}
			}
			if n.Data == "a" && hasAttr(n, "href") && !strings.HasPrefix(attr(n, "href"), "mailto:") {
				if rel := attr(n, "rel"); !strings.Contains(rel, "noopener") || !strings.Contains(rel, "noreferrer") || !strings.Contains(rel, "nofollow") {
					t.Errorf("HTML(%q): link rel=%q, want noopener noreferrer nofollow", in, rel)
				}
				if attr(n, "target") != "_blank" {
					t.Errorf("HTML(%q): link target=%q, want _blank", in, attr(n, "target"))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func hasAttr(n *xhtml.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

var hostile = []string{
	`<script>alert(1)</script>`,
	"<script>\nalert(1)\n</script>",
	`text <script>alert(1)</script> inline`,
	`<img src=x onerror=alert(1)>`,
	`inline <img src=x onerror="alert(1)"> image`,
	`[x](javascript:alert(1))`,
	`[x](JaVaScRiPt:alert(1))`,
	`[x]( javascript:alert(1) )`,
	`[x](<javascript:alert(1)>)`,
	`[x](java&#x09;script:alert(1))`,
	`[x](data:text/html,<script>alert(1)</script>)`,
	`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`[x](vbscript:msgbox(1))`,
	`<iframe src="https://evil.example"></iframe>`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<a href="vbscript:msgbox(1)">x</a>`,
	`<a href="javascript:alert(1)" onclick="alert(1)">x</a>`,
	`<javascript:alert(1)>`,
	`<JAVASCRIPT:alert(1)>`,
	`![x](https://evil.example/x.png)`,
	`![x](javascript:alert(1))`,
	`![x][ref]` + "\n\n[ref]: https://evil.example/y.png",
	`<style>body{display:none}</style>`,
	`<form action="https://evil.example"><input name=q><button>go</button></form>`,
	`<object data="x.swf"></object><embed src="x.swf">`,
	`[x](&#106;avascript:alert(1))`,
	`[x](&#x6A;avascript&#58;alert(1))`,
	`<a href="&#106;avascript:alert(1)">x</a>`,
	`[x][r]` + "\n\n[r]: javascript:alert(1)",
	`<div onmouseover="alert(1)">hover</div>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<!-- comment --><scr<script>ipt>alert(1)</script>`,
	"```html\n<script>alert(1)</script>\n```",
	"`<script>alert(1)</script>`",
	`<meta http-equiv="refresh" content="0;url=https://evil.example">`,
	`<base href="https://evil.example/">`,
	`[x](https://ok.example "title\" onmouseover=\"alert(1)")`,
	"\uE0000\uE001 forged marker \uE000",
}

func TestHTMLHostileCorpus(t *testing.T) {
	for _, in := range hostile {
		checkSafe(t, in, HTML(in, nil))
		// The same text, cited, with hostile citation URLs and titles.
		n := len([]rune(in))
		cites := []job.Citation{
			{Index: 1, URL: "javascript:alert(1)", Title: "<script>alert(1)</script>", Start: 0, End: n},
			{Index: 2, URL: "https://ok.example/\"><script>alert(1)</script>", Title: `"><img src=x onerror=alert(1)>`, Start: 0, End: n / 2},
			{Index: 3, URL: "data:text/html,<script>alert(1)</script>", Start: n, End: n},
		}
		checkSafe(t, in, HTML(in, cites))
	}
}

func TestHTMLRawHTMLIsShownAsText(t *testing.T) {
	cases := []struct{ in, want string }{
		{`<script>alert(1)</script>`, `&lt;script&gt;alert(1)&lt;/script&gt;`},
		{`a <b onclick=x>bold</b> c`, `a &lt;b onclick=x&gt;bold&lt;/b&gt; c`},
		{`![the alt](https://evil.example/x.png)`, `<p>the alt</p>`},
		{"- [x] done\n- [ ] todo", "<li>☑ done</li>\n<li>☐ todo</li>"},
	}
	for _, c := range cases {
		if got := HTML(c.in, nil); !strings.Contains(got, c.want) {
			t.Errorf("HTML(%q) = %q, want it to contain %q", c.in, got, c.want)
		}
	}
}

func TestHTMLKeepsReportStructure(t *testing.T) {
	in := "# Report\n\n## Findings\n\nSome **bold**, *italic* and ~~old~~ text, see https://example.com/a.\n\n" +
		"1. first\n2. second\n\n- item\n  - nested\n\n> quoted\n\n| Name | Value |\n|:-----|------:|\n| a | 1 |\n\n" +
		"```go\nfunc main() {}\n```\n\nInline `code` and [a link](https://example.org/x \"Title\").\n\n---\n"
	got := HTML(in, nil)
	for _, want := range []string{
		"<h1>Report</h1>", "<h2>Findings</h2>", "<strong>bold</strong>", "<em>italic</em>", "<del>old</del>",
		`<a href="https://example.com/a" rel="nofollow noreferrer noopener" target="_blank">https://example.com/a</a>`,
		"<ol>\n<li>first</li>", "<ul>\n<li>item\n<ul>\n<li>nested</li>", "<blockquote>\n<p>quoted</p>\n</blockquote>",
		"<table>", `<th align="left">Name</th>`, `<td align="right">1</td>`,
		`<pre><code class="language-go">func main() {}`, "<code>code</code>",
		`<a href="https://example.org/x" title="Title" rel="nofollow noreferrer noopener" target="_blank">a link</a>`,
		"<hr>",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("HTML(report) lost %q; got:\n%s", want, got)
		}
	}
	if strings.Contains(got, "sources") {
		t.Errorf("HTML(report) without citations has a Sources section:\n%s", got)
	}
	checkSafe(t, in, got)
}

func TestHTMLCitationMarkers(t *testing.T) {
	const u1, u2 = "https://example.com/x", "https://other.org/y"
	cases := []struct {
		name  string
		md    string
		cites func(t *testing.T, md string) []job.Citation
		want  []string // substrings of the output, in order
		not   []string
	}{
		{
			name: "marker after a plain span, multi-byte text before it",
			md:   "Café 中文 😀 prices rose. Then fell.",
			cites: func(t *testing.T, md string) []job.Citation {
				s, e := span(t, md, "prices rose.")
				return []job.Citation{{Index: 1, URL: u1, Title: "Ex", Start: s, End: e}}
			},
			want: []string{"Café 中文 😀 prices rose." + cite(1, u1) + " Then fell."},
		},
		{
			name: "parenthesised link to the same URL is replaced",
			md:   "Prices rose ([example.com](https://example.com/x?utm_source=openai)). Next.",
			cites: func(t *testing.T, md string) []job.Citation {
				s, e := span(t, md, "([example.com](https://example.com/x?utm_source=openai))")
				return []job.Citation{{Index: 1, URL: u1 + "?utm_source=openai", Start: s, End: e}}
			},
			want: []string{"Prices rose" + cite(1, u1+"?utm_source=openai") + ". Next."},
			not:  []string{"example.com</a>", "(", ")"},
		},
		{
			name: "bare link to the same URL (ignoring utm and trailing slash) is replaced",
			md:   "See [the source](https://example.com/x/) for more.",
			cites: func(t *testing.T, md string) []job.Citation {
				s, e := span(t, md, "[the source](https://example.com/x/)")
				return []job.Citation{{Index: 1, URL: u1 + "?utm_source=openai", Start: s, End: e}}
			},
			want: []string{"See" + cite(1, u1+"?utm_source=openai") + " for more."},
			not:  []string{"the source"},
		},
		{
			name: "link to a different URL is kept and the marker follows it",
			md:   "See [the source](https://elsewhere.net/) now.",
			cites: func(t *testing.T, md string) []job.Citation {
				s, e := span(t, md, "[the source](https://elsewhere.net/)")
				return []job.Citation{{Index: 1, URL: u1, Start: s, End: e}}
			},
			want: []string{">the source</a>" + cite(1, u1) + " now."},
		},
		{
			name: "the same URL cited twice gets the same number",
			md:   "First claim. Second claim. Third claim.",
			cites: func(t *testing.T, md string) []job.Citation {
				s1, e1 := span(t, md, "First claim.")
				s2, e2 := span(t, md, "Second claim.")
				s3, e3 := span(t, md, "Third claim.")
				return []job.Citation{
					{Index: 1, URL: u1, Start: s1, End: e1},
					{Index: 2, URL: u2, Start: s2, End: e2},
					{Index: 3, URL: u1, Start: s3, End: e3},
				}
			},
			want: []string{"First claim." + cite(1, u1), "Second claim." + cite(2, u2), "Third claim." + cite(1, u1),
				`<li id="source-1" value="1">`, `<li id="source-2" value="2">`},
			not: []string{"[3]", "source-3"},
		},
		{
			name: "two sources for one span read in order",
			md:   "A claim. Rest.",
			cites: func(t *testing.T, md string) []job.Citation {
				s, e := span(t, md, "A claim.")
				return []job.Citation{{Index: 2, URL: u2, Start: s, End: e}, {Index: 1, URL: u1, Start: s, End: e}}
			},
			want: []string{"A claim." + cite(1, u1) + cite(2, u2) + " Rest."},
		},
		{
			name: "trailing whitespace and line break stay after the marker",
			md:   "Line one.\n\n# Heading",
			cites: func(t *testing.T, md string) []job.Citation {
				s, e := span(t, md, "Line one.\n\n")
				return []job.Citation{{Index: 1, URL: u1, Start: s, End: e}}
			},
			want: []string{"<p>Line one." + cite(1, u1) + "</p>", "<h1>Heading</h1>"},
		},
		{
			name: "non-http URL gets a plain number",
			md:   "Claim.",
			cites: func(t *testing.T, md string) []job.Citation {
				return []job.Citation{{Index: 1, URL: "ftp://files.example/x", Title: "FTP <x>", Start: 0, End: 6}}
			},
			want: []string{`Claim.<sup class="cite">[1]</sup>`, `<li id="source-1" value="1">FTP &lt;x&gt;</li>`},
			not:  []string{"ftp://"},
		},
		{
			name: "invalid offsets are ignored but the source is listed",
			md:   "Short.",
			cites: func(t *testing.T, md string) []job.Citation {
				return []job.Citation{
					{Index: 1, URL: u1, Start: -1, End: 3},
					{Index: 2, URL: u2, Start: 4, End: 2},
					{Index: 3, URL: "https://third.example/", Start: 0, End: 99},
				}
			},
			want: []string{"<p>Short.</p>", `<li id="source-1" value="1">`, `<li id="source-3" value="3">`},
			not:  []string{"<sup"},
		},
		{
			name: "sources show the escaped title, else the URL",
			md:   "A. B.",
			cites: func(t *testing.T, md string) []job.Citation {
				return []job.Citation{{Index: 1, URL: u1, Title: `Tom & "Jerry" <b>`, Start: 0, End: 2}, {Index: 2, URL: u2, Start: 3, End: 5}}
			},
			want: []string{`<section class="sources"><h2>Sources</h2><ol>`,
				`<li id="source-1" value="1"><a href="` + u1 + `" rel="nofollow noreferrer noopener" target="_blank">Tom &amp; &#34;Jerry&#34; &lt;b&gt;</a></li>`,
				`<li id="source-2" value="2"><a href="` + u2 + `" rel="nofollow noreferrer noopener" target="_blank">` + u2 + `</a></li>`},
		},
		{
			name: "a marker inside a table cell",
			md:   "| k | v |\n|---|---|\n| a | fact |\n",
			cites: func(t *testing.T, md string) []job.Citation {
				s, e := span(t, md, "fact")
				return []job.Citation{{Index: 1, URL: u1, Start: s, End: e}}
			},
			want: []string{"<td>fact" + cite(1, u1) + "</td>"},
		},
		{
			name: "overlapping spans still get both markers",
			md:   "One two three four.",
			cites: func(t *testing.T, md string) []job.Citation {
				s1, e1 := span(t, md, "One two three four.")
				s2, e2 := span(t, md, "two three")
				return []job.Citation{{Index: 1, URL: u1, Start: s1, End: e1}, {Index: 2, URL: u2, Start: s2, End: e2}}
			},
			want: []string{"One two three" + cite(2, u2) + " four." + cite(1, u1)},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := HTML(c.md, c.cites(t, c.md))
			rest := got
			for _, w := range c.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("HTML(%q) =\n%s\nwant it to contain (in order) %q", c.md, got, w)
				}
				rest = rest[i+len(w):]
			}
			body, _, _ := strings.Cut(got, `<section class="sources">`)
			for _, n := range c.not {
				if strings.Contains(body, n) {
					t.Errorf("HTML(%q) body =\n%s\nwant no %q", c.md, body, n)
				}
			}
			checkSafe(t, c.md, got)
		})
	}
}

func TestSources(t *testing.T) {
	a := job.Citation{Index: 1, URL: "https://a.example", Title: "A"}
	a2 := job.Citation{Index: 1, URL: "https://a.example", Title: "A again", Start: 9}
	b := job.Citation{Index: 2, URL: "https://b.example"}
	c := job.Citation{Index: 3, URL: "https://c.example"}
	bad := job.Citation{Index: 0, URL: "https://bad.example"}
	cases := []struct {
		name string
		in   []job.Citation
		want []job.Citation
	}{
		{"nil", nil, []job.Citation{}},
		{"sorted by index", []job.Citation{c, a, b}, []job.Citation{a, b, c}},
		{"first of a duplicate index wins", []job.Citation{a, b, a2}, []job.Citation{a, b}},
		{"index below 1 left out", []job.Citation{bad, b}, []job.Citation{b}},
	}
	for _, tc := range cases {
		got := Sources(tc.in)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: Sources(%v) = %v, want %v", tc.name, tc.in, got, tc.want)
		}
	}
}

func FuzzHTML(f *testing.F) {
	for _, s := range hostile {
		f.Add(s, 0, len([]rune(s)), "https://example.com/x")
	}
	f.Add("Café 中文 😀 claim ([a](https://a.example)).", 12, 40, "https://a.example")
	f.Add("x", -5, 100, "javascript:alert(1)")
	f.Fuzz(func(t *testing.T, md string, start, end int, url string) {
		cites := []job.Citation{{Index: 1, URL: url, Title: md, Start: start, End: end}, {Index: 2, URL: url, Start: end, End: start}}
		out := HTML(md, cites)
		if strings.Contains(strings.ToLower(out), "<script") {
			t.Fatalf("HTML(%q) contains <script: %s", md, out)
		}
	})
}
