// Package render is the one renderer of report text. HTML turns untrusted
// report markdown into safe HTML for the reader (the desktop UI and
// `show --format html`); Markdown gives the same report as markdown for
// report.md and `deepr show`. Both number citations through one function
// (prepare), so a marker [n] and the n-th entry of the one Sources list
// are the same source everywhere.
//
// Reports are assembled from arbitrary web pages and may carry
// prompt-injected markup, so the HTML is built to be harmless in a webview
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
	"strconv"
	"strings"
	"sync"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// HTML renders report markdown as a sanitized HTML fragment, with every
// citation shown as a numbered superscript link and, when there is at least
// one citation, one Sources list appended (a list the provider's text ends
// with is merged into it; see Markdown).
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
	p := prepare(markdown, citations)
	text := p.text()
	var buf bytes.Buffer
	if err := md().Convert([]byte(text), &buf); err != nil {
		// goldmark only fails when the writer fails; a bytes.Buffer does not.
		buf.Reset()
		buf.WriteString("<pre>" + html.EscapeString(text) + "</pre>")
	}
	out := spell(buf.String(), p.markers, markerHTML) + sourcesHTML(p.sources)
	return policy().Sanitize(out)
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

// sourcesHTML spells the Sources list of prepare.
func sourcesHTML(src []job.Citation) string {
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

// renderRawHTML writes inline HTML as escaped text, except a <br> in a
// table cell (CellBreak), which is a line break.
func renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering && CellBreak(node, source) {
		_, _ = w.WriteString("<br>")
	} else if entering {
		segs := node.(*ast.RawHTML).Segments
		for i := range segs.Len() {
			seg := segs.At(i)
			_, _ = w.Write(util.EscapeHTML(seg.Value(source)))
		}
	}
	return ast.WalkSkipChildren, nil
}

// cellBreak is a bare <br> tag, as models write them inside table cells.
var cellBreak = regexp.MustCompile(`^(?i)<br\s*/?>$`)

// CellBreak reports whether n is inline raw HTML that is a bare <br> tag
// inside a GFM table cell: the one piece of raw HTML every format takes as
// markup (a line break), since tables cannot hold one otherwise.
func CellBreak(n ast.Node, source []byte) bool {
	raw, ok := n.(*ast.RawHTML)
	if !ok || raw.Segments.Len() != 1 {
		return false
	}
	seg := raw.Segments.At(0)
	if !cellBreak.Match(seg.Value(source)) {
		return false
	}
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Kind() == extast.KindTableCell {
			return true
		}
	}
	return false
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
