package perplexity

import (
	"strings"
	"unicode"

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
// anything inside `code` or fenced code blocks.
func extractCitations(text string, sources []source) (string, []job.Citation) {
	rs := []rune(text)
	out := make([]rune, 0, len(rs))
	var cites []job.Citation
	clause, prevClause := 0, 0    // where the current (and the previous) clause starts in out
	lastMarker, lastSpan := -1, 0 // out position after the previous marker, and its span start
	inFence, inCode := false, false
	lineStart := true
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if lineStart && hasPrefixAt(rs, i, "```") {
			inFence = !inFence
		}
		switch {
		case r == '\n':
			inCode = false
			clause, prevClause = len(out)+1, len(out)+1
		case r == '`' && !inFence:
			inCode = !inCode
		case r == '[' && !inFence && !inCode:
			if n, end, ok := marker(rs, i, len(sources)); ok && sources[n-1].url != "" && !(lineStart && end < len(rs) && rs[end] == ':') {
				start := clause
				if lastMarker >= 0 && onlySpace(out[lastMarker:]) {
					start = lastSpan
				}
				// The marker takes the blanks before it with it: "claim [1]."
				// reads "claim.", "claim [1] and" reads "claim and".
				for len(out) > 0 && (out[len(out)-1] == ' ' || out[len(out)-1] == '\t') {
					out = out[:len(out)-1]
				}
				if start >= len(out) { // "One. [1]": the marker cites the sentence before it
					start = min(prevClause, len(out))
				}
				s := start
				for s < len(out) && unicode.IsSpace(out[s]) {
					s++
				}
				cites = append(cites, job.Citation{URL: sources[n-1].url, Title: sources[n-1].title, Start: s, End: len(out)})
				lastMarker, lastSpan = len(out), start
				clause, prevClause = len(out), len(out)
				i = end - 1
				lineStart = false
				continue
			}
		case r == ' ' && len(out) > 0 && strings.ContainsRune(".!?", out[len(out)-1]):
			clause, prevClause = len(out)+1, clause
		}
		out = append(out, r)
		lineStart = r == '\n'
	}
	provider.NumberCitations(cites)
	return string(out), cites
}

// marker reads "[n]" at rs[i] with 1 <= n <= max, not followed by "(" (a
// link). It returns n and the index just past the "]".
func marker(rs []rune, i, max int) (n, end int, ok bool) {
	j := i + 1
	for j < len(rs) && j-i <= 4 && rs[j] >= '0' && rs[j] <= '9' {
		n = n*10 + int(rs[j]-'0')
		j++
	}
	if j == i+1 || j >= len(rs) || rs[j] != ']' || n < 1 || n > max {
		return 0, 0, false
	}
	if j+1 < len(rs) && rs[j+1] == '(' {
		return 0, 0, false
	}
	return n, j + 1, true
}

func hasPrefixAt(rs []rune, i int, p string) bool {
	return strings.HasPrefix(string(rs[i:min(len(rs), i+len(p))]), p)
}

func onlySpace(rs []rune) bool {
	for _, r := range rs {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}
