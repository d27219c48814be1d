package render

import (
	"html"
	"strings"
)

// Snippet turns a search snippet whose matches are wrapped in \x02 ... \x03
// (the store's markers) into HTML: the text escaped, the matches in <mark>.
// Unbalanced markers are closed, so the result is always well formed.
func Snippet(s string) string {
	var b strings.Builder
	open := false
	for _, part := range strings.SplitAfter(s, "") {
		switch part {
		case "\x02":
			if !open {
				b.WriteString("<mark>")
				open = true
			}
		case "\x03":
			if open {
				b.WriteString("</mark>")
				open = false
			}
		default:
			b.WriteString(html.EscapeString(part))
		}
	}
	if open {
		b.WriteString("</mark>")
	}
	return b.String()
}
