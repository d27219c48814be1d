package searchq

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Chinese, Japanese and Korean are written without spaces between words,
// so FTS5's word tokenizer sees a whole sentence as one word. The cjk
// column of the index holds each run of such text as its overlapping
// two-character pairs (bigrams), and a query's CJK text is looked up there
// as a phrase of its bigrams. FTS5 cannot place such matches in the word
// columns, so CJKSnippet does it in Go.

// IsCJK reports whether r is written without spaces between words: Han,
// Hiragana, Katakana (with its prolonged sound mark) and Hangul.
func IsCJK(r rune) bool {
	if r < 0x1100 {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r == 'ー' || r == '々' || r == '〆'
}

// isTokenRune reports whether r belongs to a word for FTS5's unicode61
// tokenizer (letters, numbers, marks and private-use characters). Fold
// and the query's words split text where FTS5 does.
func isTokenRune(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) ||
		unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Co, r)
}

// segment is a piece of text that is all CJK or all not.
type segment struct {
	text string
	cjk  bool
}

// segments splits s into maximal CJK and non-CJK pieces.
func segments(s string) []segment {
	var out []segment
	start, cur := 0, false
	for i, r := range s {
		c := IsCJK(r)
		if i > start && c != cur {
			out = append(out, segment{s[start:i], cur})
			start = i
		}
		if i == start {
			cur = c
		}
	}
	if start < len(s) {
		out = append(out, segment{s[start:], cur})
	}
	return out
}

// bigrams returns the overlapping character pairs of a CJK run ("中文研究"
// -> 中文 文研 研究); a one-character run is returned alone.
func bigrams(run string) []string {
	rs := []rune(run)
	if len(rs) < 2 {
		return []string{run}
	}
	out := make([]string, 0, len(rs)-1)
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, string(rs[i:i+2]))
	}
	return out
}

// CJKIndex is the text of the cjk column for the given texts: each CJK run
// as its bigrams followed by its last character alone (so any single
// character is the start of some token), and the words written against a
// CJK run without a space ("333" of "333メートル"), which the word columns
// only hold glued to the CJK text.
func CJKIndex(texts ...string) string {
	var b strings.Builder
	notToken := func(r rune) bool { return !isTokenRune(r) }
	for _, t := range texts {
		segs := segments(t)
		for i, seg := range segs {
			if !seg.cjk {
				glued := func(s string) {
					if s != "" {
						b.WriteString(s)
						b.WriteByte('\n')
					}
				}
				if i > 0 {
					end := strings.IndexFunc(seg.text, notToken)
					if end < 0 {
						end = len(seg.text)
					}
					glued(seg.text[:end])
				}
				if i+1 < len(segs) && !(i > 0 && strings.IndexFunc(seg.text, notToken) < 0) {
					start := strings.LastIndexFunc(seg.text, notToken) + 1
					glued(seg.text[start:])
				}
				continue
			}
			rs := []rune(seg.text)
			for _, bg := range bigrams(seg.text) {
				b.WriteString(bg)
				b.WriteByte(' ')
			}
			if len(rs) > 1 {
				b.WriteRune(rs[len(rs)-1])
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// SnippetRunes is about how long a snippet is.
const SnippetRunes = 180

// CJKSnippet is the part of text around the first of the CJK runs,
// whitespace collapsed, every run in it wrapped in \x02 ... \x03 and "…"
// where text was cut. ok is false when text holds none of them.
func CJKSnippet(text string, runs []string) (string, bool) {
	first := -1
	for _, c := range runs {
		if i := strings.Index(text, c); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	if first < 0 {
		return "", false
	}
	from := first
	for n := 0; from > 0 && n < SnippetRunes/3; n++ {
		_, size := utf8.DecodeLastRuneInString(text[:from])
		from -= size
	}
	to := first
	for n := 0; to < len(text) && n < SnippetRunes; n++ {
		_, size := utf8.DecodeRuneInString(text[to:])
		to += size
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	for at := from; at < to; {
		next, end := -1, 0
		for _, c := range runs {
			if i := strings.Index(text[at:to], c); i >= 0 && (next < 0 || at+i < next) {
				next, end = at+i, at+i+len(c)
			}
		}
		if next < 0 {
			writeCollapsed(&b, text[at:to])
			break
		}
		writeCollapsed(&b, text[at:next])
		b.WriteByte('\x02')
		b.WriteString(text[next:end])
		b.WriteByte('\x03')
		at = end
	}
	out := strings.TrimSpace(b.String())
	if to < len(text) {
		out += "…"
	}
	return out, true
}

// Flatten is a snippet (of FTS5's snippet() or CJKSnippet) on one line:
// every run of whitespace one space, no space at either end.
func Flatten(s string) string {
	var b strings.Builder
	writeCollapsed(&b, s)
	return strings.TrimSpace(b.String())
}

// writeCollapsed writes s with every run of whitespace as one space.
func writeCollapsed(b *strings.Builder, s string) {
	space := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' || r == '\v':
			space = true
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	if space {
		b.WriteByte(' ')
	}
}
