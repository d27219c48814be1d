// Package render turns untrusted report text into safe HTML. It is the only
// markdown renderer in Deepr: the CLI (`show --format html`) and the desktop
// UI both call HTML, so a report looks, and is sanitized, the same way
// everywhere.
//
// Reports are assembled from arbitrary web pages and may carry
// prompt-injected markup, so the output is built to be harmless in a webview
// whose scripts can call Go: raw HTML in the markdown is shown as text, the
// result is passed through an allow-list sanitizer, links are limited to
// http, https and mailto and open in a new window without referrer, and
// images are replaced by their alt text (no remote images).
package render

import (
	"bytes"
	"html"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Markers are carried through the markdown renderer as a private-use
// placeholder, markOpen + marker number + markClose, and turned into HTML
// afterwards. Any of these characters already in the report is replaced by
// U+FFFD first (which keeps every rune offset), so a report cannot forge one.
const (
	markOpen  = '\uE000'
	markClose = '\uE001'
)

var (
	markerRe = regexp.MustCompile("\uE000([0-9]+)\uE001")
	// linkRe matches a whole inline markdown link: [text](url) or
	// [text](<url> "title"). Group 1 is the destination.
	linkRe = regexp.MustCompile(`^\[[^\[\]]*\]\(\s*<?([^\s<>]+?)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)$`)
)

// HTML renders report markdown as a sanitized HTML fragment, with every
// citation shown as a numbered superscript link and, when there is at least
// one citation, a Sources list appended.
//
// Citation offsets are rune indexes into markdown (End exclusive). When the
// cited span is itself an inline link, or a parenthesised one like
// "([example.com](https://example.com/x))", to the same URL, the span is
// replaced by the marker; otherwise the marker goes right after the span.
// Citations of the same URL share one number. Citations with offsets out of
// range or Start > End get no marker but are still listed under Sources.
// Only http and https citation URLs become links. HTML never panics, whatever
// the input.
func HTML(markdown string, citations []job.Citation) string {
	cites := numbered(citations)
	text, markers := insertMarkers(markdown, cites)

	var buf bytes.Buffer
	if err := md().Convert([]byte(text), &buf); err != nil {
		// goldmark only fails when the writer fails; a bytes.Buffer does not.
		buf.Reset()
		buf.WriteString("<pre>" + html.EscapeString(text) + "</pre>")
	}
	out := markerRe.ReplaceAllStringFunc(buf.String(), func(tok string) string {
		k, err := strconv.Atoi(tok[len(string(markOpen)) : len(tok)-len(string(markClose))])
		if err != nil || k < 0 || k >= len(markers) {
			return ""
		}
		return markerHTML(markers[k])
	})
	out = strings.NewReplacer(string(markOpen), "", string(markClose), "").Replace(out)
	out += sourcesHTML(cites)
	return policy().Sanitize(out)
}

// Sources returns the citations de-duplicated by Index (the first one seen
// for an Index wins) and sorted by Index. Citations with an Index below 1
// break the job.Citation contract and are left out.
func Sources(citations []job.Citation) []job.Citation {
	seen := make(map[int]bool, len(citations))
	out := make([]job.Citation, 0, len(citations))
	for _, c := range citations {
		if c.Index < 1 || seen[c.Index] {
			continue
		}
		seen[c.Index] = true
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// marker is one citation marker placed in the text.
type marker struct {
	num int
	url string
}

// numbered returns a copy of cs in which every citation of the same URL has
// the same Index: the lowest valid Index any of them has. URLs cited only
// with an invalid Index (< 1) are numbered after the highest, in text order.
func numbered(cs []job.Citation) []job.Citation {
	byURL := map[string]int{}
	highest := 0
	for _, c := range cs {
		if c.Index < 1 {
			continue
		}
		if n, ok := byURL[c.URL]; !ok || c.Index < n {
			byURL[c.URL] = c.Index
		}
		highest = max(highest, c.Index)
	}
	order := make([]job.Citation, len(cs))
	copy(order, cs)
	sort.SliceStable(order, func(i, j int) bool { return order[i].Start < order[j].Start })
	for _, c := range order {
		if _, ok := byURL[c.URL]; !ok {
			highest++
			byURL[c.URL] = highest
		}
	}
	out := make([]job.Citation, len(cs))
	for i, c := range cs {
		c.Index = byURL[c.URL]
		out[i] = c
	}
	return out
}

// insertMarkers places a placeholder for each citation with valid offsets,
// working from the last offset to the first so earlier offsets stay valid.
// It returns the new text and the markers its placeholders refer to.
func insertMarkers(markdown string, cites []job.Citation) (string, []marker) {
	rs := []rune(markdown)
	for i, r := range rs {
		if r == markOpen || r == markClose {
			rs[i] = unicode.ReplacementChar
		}
	}
	type span struct {
		start, end int
		c          job.Citation
	}
	var spans []span
	dup := map[[2]int]map[string]bool{}
	for _, c := range cites {
		if c.Start < 0 || c.End < c.Start || c.End > len(rs) {
			continue
		}
		k := [2]int{c.Start, c.End}
		if dup[k][c.URL] {
			continue // the same source cited twice for one span
		}
		if dup[k] == nil {
			dup[k] = map[string]bool{}
		}
		dup[k][c.URL] = true
		spans = append(spans, span{c.Start, c.End, c})
	}
	// Last first; for one span, the higher number first, so that after all
	// insertions the markers read [1][2].
	sort.SliceStable(spans, func(i, j int) bool {
		a, b := spans[i], spans[j]
		if a.start != b.start {
			return a.start > b.start
		}
		if a.end != b.end {
			return a.end > b.end
		}
		return a.c.Index > b.c.Index
	})

	// Edits are collected in original coordinates and applied at the end.
	type edit struct {
		at, end int // rs[at:end] is replaced (at == end: an insertion)
		text    []rune
		seq     int
	}
	var edits []edit
	var markers []marker
	// outside moves p out of an earlier replacement that covers it.
	outside := func(p int) int {
		for _, e := range edits {
			if e.at < p && p < e.end {
				return e.at
			}
		}
		return p
	}
	for _, s := range spans {
		tok := []rune(string(markOpen) + strconv.Itoa(len(markers)) + string(markClose))
		markers = append(markers, marker{num: s.c.Index, url: s.c.URL})

		// Trim the span's surrounding whitespace: a marker never starts a
		// line (which could change the block it belongs to).
		ts, te := outside(s.start), outside(s.end)
		for ts < te && unicode.IsSpace(rs[ts]) {
			ts++
		}
		for te > ts && unicode.IsSpace(rs[te-1]) {
			te--
		}
		// The span may be replaced only if no earlier edit touches it.
		clean := outside(s.end) == s.end
		floor := 0
		for _, e := range edits {
			if (e.at < te && e.end > ts) || (e.at > ts && e.at < te) {
				clean = false
			}
			if e.end <= ts {
				floor = max(floor, e.end)
			}
		}
		if clean && isLinkTo(string(rs[ts:te]), s.c.URL) {
			// Replace the link, and the blanks before it on the same line.
			for ts > floor && (rs[ts-1] == ' ' || rs[ts-1] == '\t') {
				ts--
			}
			edits = append(edits, edit{ts, te, tok, len(edits)})
			continue
		}
		if te == ts { // an empty span: keep the marker off a line start
			for te > floor && unicode.IsSpace(rs[te-1]) {
				te--
			}
			te = outside(te)
		}
		edits = append(edits, edit{te, te, tok, len(edits)})
	}

	// Apply in text order; at one position the edit made last goes first,
	// so the markers of one span read [1][2].
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].at != edits[j].at {
			return edits[i].at < edits[j].at
		}
		return edits[i].seq > edits[j].seq
	})
	out := make([]rune, 0, len(rs)+len(edits)*6)
	cur := 0
	for _, e := range edits {
		at := max(e.at, cur)
		out = append(out, rs[cur:at]...)
		out = append(out, e.text...)
		cur = max(cur, at, e.end)
	}
	out = append(out, rs[cur:]...)
	return string(out), markers
}

// isLinkTo reports whether s is an inline markdown link, optionally wrapped
// in parentheses, whose destination is the same URL as u.
func isLinkTo(s, u string) bool {
	try := func(s string) bool {
		m := linkRe.FindStringSubmatch(s)
		return m != nil && sameURL(m[1], u)
	}
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") && try(s[1:len(s)-1]) {
		return true
	}
	return try(s)
}

// sameURL compares two URLs ignoring case in scheme and host, a trailing
// slash, and utm_* tracking parameters (which the provider adds to links).
func sameURL(a, b string) bool {
	return normURL(a) == normURL(b)
}

func normURL(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(strings.ToLower(k), "utm_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u.String()
}

// webURL reports whether u is an absolute http or https URL.
func webURL(u string) bool {
	p, err := url.Parse(strings.TrimSpace(u))
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

func markerHTML(m marker) string {
	n := "[" + strconv.Itoa(m.num) + "]"
	if !webURL(m.url) {
		return `<sup class="cite">` + n + `</sup>`
	}
	return `<sup class="cite"><a href="` + html.EscapeString(strings.TrimSpace(m.url)) + `">` + n + `</a></sup>`
}

// sourcesHTML lists each cited URL once, by number.
func sourcesHTML(cites []job.Citation) string {
	src := Sources(cites)
	if len(src) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<section class="sources"><h2>Sources</h2><ol>`)
	for _, c := range src {
		n := strconv.Itoa(c.Index)
		label := strings.TrimSpace(c.Title)
		if label == "" {
			label = strings.TrimSpace(c.URL)
		}
		b.WriteString(`<li id="source-` + n + `" value="` + n + `">`)
		if webURL(c.URL) {
			b.WriteString(`<a href="` + html.EscapeString(strings.TrimSpace(c.URL)) + `">` + html.EscapeString(label) + `</a>`)
		} else {
			b.WriteString(html.EscapeString(label))
		}
		b.WriteString("</li>")
	}
	b.WriteString("</ol></section>")
	return b.String()
}

// md is the markdown converter: CommonMark + GFM, raw HTML shown as text,
// images as their alt text, task-list boxes as characters.
var md = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
		),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(safeRenderer{}, 100)),
		),
	)
})

// safeRenderer overrides goldmark's renderers for the nodes that could carry
// markup or remote content.
type safeRenderer struct{}

func (safeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
	reg.Register(ast.KindImage, renderImage)
	reg.Register(extast.KindTaskCheckBox, renderTaskCheckBox)
}

// renderRawHTML writes inline HTML as escaped text.
func renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		segs := node.(*ast.RawHTML).Segments
		for i := range segs.Len() {
			seg := segs.At(i)
			_, _ = w.Write(util.EscapeHTML(seg.Value(source)))
		}
	}
	return ast.WalkSkipChildren, nil
}

// renderHTMLBlock writes an HTML block as an escaped paragraph.
func renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.HTMLBlock)
	_, _ = w.WriteString("<p>")
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		_, _ = w.Write(util.EscapeHTML(seg.Value(source)))
	}
	if n.HasClosure() {
		_, _ = w.Write(util.EscapeHTML(n.ClosureLine.Value(source)))
	}
	_, _ = w.WriteString("</p>\n")
	return ast.WalkSkipChildren, nil
}

// renderImage writes nothing for the image itself, so only its alt text
// (the children) is rendered: no remote images.
func renderImage(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
	return ast.WalkContinue, nil
}

func renderTaskCheckBox(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		if node.(*extast.TaskCheckBox).IsChecked {
			_, _ = w.WriteString("☑ ")
		} else {
			_, _ = w.WriteString("☐ ")
		}
	}
	return ast.WalkContinue, nil
}

// policy is the allow-list sanitizer for everything HTML returns.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
		"blockquote", "pre", "em", "strong", "del", "s", "ul", "li",
		"table", "thead", "tbody", "tr", "dl", "dt", "dd")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowElements("ol")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|center|right)$`)).OnElements("th", "td")
	p.AllowElements("th", "td")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+#.-]+$`)).OnElements("code")
	p.AllowElements("code")

	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(false)
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)

	// Citation markers and the Sources list.
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^cite$`)).OnElements("sup")
	p.AllowElements("sup", "sub")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^sources$`)).OnElements("section")
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^source-[0-9]+$`)).OnElements("li")
	p.AllowAttrs("value").Matching(bluemonday.Integer).OnElements("li")
	return p
})
