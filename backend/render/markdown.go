package render

import (
	"strconv"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
)

// CitedMarkdown returns report markdown with every citation marker placed
// exactly where HTML places it, written as a markdown link: "[\[2\]](<url>)"
// for an http(s) source, a plain "\[2\]" otherwise. Numbers are those of
// NumberedSources. The Sources list is not appended (see NumberedSources).
func CitedMarkdown(markdown string, citations []job.Citation) string {
	text, markers := insertMarkers(markdown, numbered(citations))
	out := markerRe.ReplaceAllStringFunc(text, func(tok string) string {
		k, err := strconv.Atoi(tok[len(string(markOpen)) : len(tok)-len(string(markClose))])
		if err != nil || k < 0 || k >= len(markers) {
			return ""
		}
		m := markers[k]
		n := `\[` + strconv.Itoa(m.num) + `\]`
		if !webURL(m.url) {
			return n
		}
		return "[" + n + "](<" + MarkdownURL(m.url) + ">)"
	})
	return strings.NewReplacer(string(markOpen), "", string(markClose), "").Replace(out)
}

// NumberedSources is the Sources list HTML and CitedMarkdown number
// against: one citation per source, by number, every citation of one URL
// sharing the lowest number any of them has.
func NumberedSources(citations []job.Citation) []job.Citation {
	return Sources(numbered(citations))
}

// IsWebURL reports whether u is an absolute http or https URL, the only
// kind of source HTML and CitedMarkdown link to.
func IsWebURL(u string) bool { return webURL(u) }

// MarkdownURL makes a URL safe as a markdown link destination written
// inside <...>: no angle brackets, spaces or line breaks.
func MarkdownURL(u string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '<', '>', '\n', '\r', ' ', '\t':
			return -1
		}
		return r
	}, strings.TrimSpace(u))
}
