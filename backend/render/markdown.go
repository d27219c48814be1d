package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
)

// Markdown returns the report as markdown with the same citation numbers
// as HTML: a marker "[n]" (a link to the source when it is a web URL)
// after, or in place of, every cited span, and ONE "## Sources" list at
// the end. When the provider's text already ends with its own list of
// sources (a "Sources", "References", "Bibliography", ... heading followed
// only by entries), that list is merged into Deepr's: entries naming a
// cited URL are dropped as duplicates, the others are listed after the
// cited sources. Without citations the text is returned as it is (with one
// final newline), its own list included. Titles and URLs from the provider
// are escaped, so a hostile one stays text.
func Markdown(markdown string, citations []job.Citation) string {
	p := prepare(markdown, citations)
	var n counter
	_ = p.writeMarkdown(&n)
	var b strings.Builder
	b.Grow(int(n))
	_ = p.writeMarkdown(&b)
	return b.String()
}

// WriteMarkdown writes what Markdown returns to w, without holding it in
// memory whole (report.md of a report of any size).
func WriteMarkdown(w io.Writer, markdown string, citations []job.Citation) error {
	return prepare(markdown, citations).writeMarkdown(w)
}

func (p prepared) writeMarkdown(w io.Writer) error {
	wrote, err := p.spellTo(w, func(k int) string { return markerMarkdown(p.markers[k]) }, true)
	if err != nil {
		return err
	}
	list := sourcesMarkdown(p.sources)
	switch {
	case list == "" && wrote:
		_, err = io.WriteString(w, "\n")
	case list != "" && wrote:
		_, err = io.WriteString(w, "\n\n"+list)
	case list != "":
		_, err = io.WriteString(w, list)
	}
	return err
}

// counter is a writer that counts what it is given.
type counter int

func (c *counter) Write(b []byte) (int, error) {
	*c += counter(len(b))
	return len(b), nil
}

func (c *counter) WriteString(s string) (int, error) {
	*c += counter(len(s))
	return len(s), nil
}

// markerMarkdown spells one citation marker.
func markerMarkdown(m marker) string {
	n := strconv.Itoa(m.num)
	if !webURL(m.url) {
		return `\[` + n + `\]`
	}
	return "[\\[" + n + "\\]](<" + linkURL(m.url) + ">)"
}

// sourcesMarkdown spells the Sources list of prepare ("" when empty). The
// numbers are dense from 1, so a markdown viewer's own list numbering
// agrees with the markers.
func sourcesMarkdown(src []job.Citation) string {
	if len(src) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("## Sources\n\n")
	for _, c := range src {
		switch {
		case webURL(c.URL):
			fmt.Fprintf(&b, "%d. [%s](<%s>)\n", c.Index, linkText(c), linkURL(c.URL))
		case strings.TrimSpace(c.URL) != "":
			fmt.Fprintf(&b, "%d. %s (not a web link: `%s`)\n", c.Index, linkText(c), strings.ReplaceAll(linkURL(c.URL), "`", "'"))
		default:
			fmt.Fprintf(&b, "%d. %s\n", c.Index, linkText(c))
		}
	}
	return b.String()
}

// linkText is a citation's title (its URL when untitled) with markdown
// link brackets and inline markup escaped, on one line.
func linkText(c job.Citation) string {
	t := strings.Join(strings.Fields(c.Title), " ")
	if t == "" {
		t = strings.TrimSpace(c.URL)
	}
	return strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`, "`", "\\`", "*", `\*`, "_", `\_`).Replace(t)
}

// linkURL makes a URL safe inside <...>: no angle brackets, spaces or line
// breaks.
func linkURL(u string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '<', '>', '\n', '\r', ' ', '\t':
			return -1
		}
		return r
	}, strings.TrimSpace(u))
}

// CitedMarkdown returns the report markdown with every citation marker
// exactly where Markdown and HTML put it, and without the Sources list
// (exports write their own from NumberedSources).
func CitedMarkdown(markdown string, citations []job.Citation) string {
	p := prepare(markdown, citations)
	var b strings.Builder
	_, _ = p.spellTo(&b, func(k int) string { return markerMarkdown(p.markers[k]) }, true)
	b.WriteString("\n")
	return b.String()
}

// NumberedSources is the Sources list that Markdown, HTML and CitedMarkdown
// number against: one entry per source, dense from 1.
func NumberedSources(citations []job.Citation) []job.Citation {
	return prepare("", citations).sources
}

// IsWebURL reports whether u is an absolute http or https URL, the only
// kind of source that is linked.
func IsWebURL(u string) bool { return webURL(u) }

// MarkdownURL makes a URL safe as a markdown link destination inside <...>.
func MarkdownURL(u string) string { return linkURL(u) }

// NumberedText returns the report markdown with every citation marker
// where Markdown puts it, spelled as a plain [n] (its number in the
// Sources list), and without the Sources list: for a summary that is
// read as text.
func NumberedText(markdown string, citations []job.Citation) string {
	p := prepare(markdown, citations)
	var b strings.Builder
	_, _ = p.spellTo(&b, func(k int) string { return "[" + strconv.Itoa(p.markers[k].num) + "]" }, true)
	return b.String()
}
