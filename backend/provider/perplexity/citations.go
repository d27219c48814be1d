package perplexity

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// stripThink removes a leading <think>...</think> block (and the blank
// space after it). Text without a closed block is returned as it came.
func stripThink(s string) string {
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	if !strings.HasPrefix(t, "<think>") {
		return s
	}
	end := strings.Index(t, "</think>")
	if end < 0 {
		return s
	}
	return strings.TrimLeftFunc(t[end+len("</think>"):], unicode.IsSpace)
}

// source is one entry of the citations list, 1-based as the [n] markers.
type source struct{ url, title string }

// extractCitations removes the [n] markers that refer to sources (1 <= n
// <= len(sources)) from text and returns the text with one job.Citation per
// marker, in CHARACTER offsets into the returned text. A citation spans the
// clause before its marker: from the end of the previous sentence, line or
// marker to the marker, whose blanks before it are dropped with it. Markers next to each other ([1][2], [1] [2]) share
// a span. Brackets that are not markers are kept: out-of-range numbers,
// links ([1](url)), reference definitions ("[1]: url" at a line start) and
// anything inside `code` or fenced code blocks. Invalid UTF-8 becomes
// U+FFFD, a character per byte. The text is read and written once, in
// bytes (a report can be tens of megabytes).
func extractCitations(text string, sources []source) (string, []job.Citation) {
	text = validUTF8(text)
	var out textOut
	out.b.Grow(len(text))
	var cites []job.Citation
	var clause, prevClause pos        // where the current (and the previous) clause starts in out
	lastMarker, lastSpan := -1, pos{} // out position (runes) after the previous marker, and its span start
	inFence, inCode := false, false
	lineStart := true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if lineStart && strings.HasPrefix(text[i:], "```") {
			inFence = !inFence
		}
		switch {
		case r == '\n':
			inCode = false
			clause, prevClause = out.next(), out.next()
		case r == '`' && !inFence:
			inCode = !inCode
		case r == '[' && !inFence && !inCode:
			if n, end, ok := marker(text, i, len(sources)); ok && sources[n-1].url != "" && !(lineStart && end < len(text) && text[end] == ':') {
				start := clause
				if lastMarker >= 0 && out.spaceSinceMark {
					start = lastSpan
				}
				// The marker takes the blanks before it with it: "claim [1]."
				// reads "claim.", "claim [1] and" reads "claim and".
				out.dropBlanks()
				end0 := out.end()
				if start.r >= end0.r { // "One. [1]": the marker cites the sentence before it
					start = prevClause
					if prevClause.r > end0.r {
						start = end0
					}
				}
				s := out.skipSpace(start)
				cites = append(cites, job.Citation{URL: sources[n-1].url, Title: sources[n-1].title, Start: s.r, End: end0.r})
				lastMarker, lastSpan = end0.r, start
				clause, prevClause = end0, end0
				out.spaceSinceMark = true
				i = end
				lineStart = false
				continue
			}
		case r == ' ' && out.last != 0 && strings.ContainsRune(".!?", out.last):
			clause, prevClause = out.next(), clause
		}
		out.add(text, i, size, r)
		lineStart = r == '\n'
		i += size
	}
	out.b.WriteString(out.blanks) // blanks the text ends with
	provider.NumberCitations(cites)
	return out.b.String(), cites
}

// pos is a place in the text written so far, in bytes and in runes.
type pos struct{ b, r int }

// textOut is the text extractCitations writes. Blanks (' ', '\t') are held
// back until something else follows them, so the blanks before a marker
// can be dropped. Those held back are always one run of the text read.
type textOut struct {
	b              strings.Builder
	runes          int    // runes in b
	blanks         string // held back, not in b yet
	last           rune   // the last rune written or held back (0: none)
	spaceSinceMark bool   // everything after the last marker is white space
}

// end is the end of the text written, held-back blanks excluded.
func (o *textOut) end() pos { return pos{o.b.Len(), o.runes} }

// next is the position just after a one-byte rune (a newline or a blank)
// added now, held-back blanks included.
func (o *textOut) next() pos { return pos{o.b.Len() + len(o.blanks) + 1, o.runes + len(o.blanks) + 1} }

// add writes rune r, text[i:i+size].
func (o *textOut) add(text string, i, size int, r rune) {
	if r == ' ' || r == '\t' {
		if o.blanks == "" {
			o.blanks = text[i : i+1]
		} else {
			o.blanks = text[i-len(o.blanks) : i+1]
		}
	} else {
		o.b.WriteString(o.blanks)
		o.runes += len(o.blanks) + 1
		o.blanks = ""
		o.b.WriteString(text[i : i+size])
	}
	o.last = r
	if !unicode.IsSpace(r) {
		o.spaceSinceMark = false
	}
}

// dropBlanks forgets the blanks held back.
func (o *textOut) dropBlanks() {
	o.blanks = ""
	if s := o.b.String(); s != "" {
		o.last, _ = utf8.DecodeLastRuneInString(s)
	} else {
		o.last = 0
	}
}

// skipSpace moves p past white space in the text written.
func (o *textOut) skipSpace(p pos) pos {
	s := o.b.String()
	for p.b < len(s) {
		r, n := utf8.DecodeRuneInString(s[p.b:])
		if !unicode.IsSpace(r) {
			break
		}
		p.b += n
		p.r++
	}
	return p
}

// validUTF8 replaces each invalid byte of s by U+FFFD, as a []rune
// conversion does; s itself when it is valid.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

// marker reads "[n]" at text[i] with 1 <= n <= max, not followed by "("
// (a link). It returns n and the index just past the "]".
func marker(text string, i, max int) (n, end int, ok bool) {
	j := i + 1
	for j < len(text) && j-i <= 4 && text[j] >= '0' && text[j] <= '9' {
		n = n*10 + int(text[j]-'0')
		j++
	}
	if j == i+1 || j >= len(text) || text[j] != ']' || n < 1 || n > max {
		return 0, 0, false
	}
	if j+1 < len(text) && text[j+1] == '(' {
		return 0, 0, false
	}
	return n, j + 1, true
}
