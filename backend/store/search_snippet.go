package store

import (
	"strings"
	"unicode/utf8"
)

// snippetRunes is about how long a search snippet is.
const snippetRunes = 180

// matcher finds, in plain text, the words a query matched: the same
// tokens, word forms, prefixes and CJK substrings the FTS5 query used.
type matcher struct {
	words    map[string]bool // folded tokens and their forms
	prefixes []string        // folded prefixes
	cjk      []string        // CJK substrings
}

func newMatcher(q query) *matcher {
	m := &matcher{words: map[string]bool{}}
	var add func(t term)
	add = func(t term) {
		for _, a := range t.or {
			add(a)
		}
		for i, tok := range t.tokens {
			m.words[tok] = true
			if !t.exact && len(t.tokens) == 1 {
				for _, f := range wordForms(tok) {
					m.words[f] = true
				}
			}
			if t.prefix && i == len(t.tokens)-1 {
				m.prefixes = append(m.prefixes, tok)
			}
		}
		m.cjk = append(m.cjk, t.cjk...)
	}
	for _, t := range q.must {
		add(t)
	}
	return m
}

// matchWord reports whether a (not yet folded) word of the text matches.
func (m *matcher) matchWord(w string) bool {
	f := fold(w)
	if m.words[f] {
		return true
	}
	for _, p := range m.prefixes {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	return false
}

// span is a match in a text: [start, end) in bytes.
type span struct{ start, end int }

// matches returns the matches in s in order, stopping after limit
// (0: all) matches.
func (m *matcher) matches(s string, from, to int, limit int) []span {
	var out []span
	// CJK substrings.
	for _, c := range m.cjk {
		for i := from; i < to; {
			k := strings.Index(s[i:to], c)
			if k < 0 {
				break
			}
			out = append(out, span{i + k, i + k + len(c)})
			i += k + len(c)
		}
	}
	if len(m.words) == 0 && len(m.prefixes) == 0 {
		sortSpans(out)
		return out
	}
	// Words.
	start := -1
	for i, r := range s[from:to] {
		i += from
		if isTokenRune(r) && !isCJK(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if m.matchWord(s[start:i]) {
				out = append(out, span{start, i})
				if limit > 0 && len(out) >= limit && len(m.cjk) == 0 {
					return out
				}
			}
			start = -1
		}
	}
	if start >= 0 && m.matchWord(s[start:to]) {
		out = append(out, span{start, to})
	}
	sortSpans(out)
	return out
}

// sortSpans orders spans by start and drops overlaps.
func sortSpans(sp []span) {
	for i := 1; i < len(sp); i++ {
		for k := i; k > 0 && sp[k].start < sp[k-1].start; k-- {
			sp[k], sp[k-1] = sp[k-1], sp[k]
		}
	}
}

// first finds the first match in text. Words are looked for as
// substrings of an ASCII-lowercased copy and checked at word boundaries,
// which is much faster than reading every word; only a text with accented
// Latin letters (which fold to ASCII) and no such hit, or a query with
// non-ASCII words, is read word by word.
func (m *matcher) first(text string) (span, bool) {
	slow := func() (span, bool) {
		if sp := m.matches(text, 0, len(text), 1); len(sp) > 0 {
			return sp[0], true
		}
		return span{}, false
	}
	for w := range m.words {
		if !isASCII(w) {
			return slow()
		}
	}
	for _, p := range m.prefixes {
		if !isASCII(p) {
			return slow()
		}
	}
	best := span{start: -1}
	better := func(sp span) {
		if best.start < 0 || sp.start < best.start {
			best = sp
		}
	}
	for _, c := range m.cjk {
		if i := strings.Index(text, c); i >= 0 {
			better(span{i, i + len(c)})
		}
	}
	// Most reports match early: look in a growing prefix of the text.
	for limit := 4 << 10; ; limit *= 8 {
		end := min(limit, len(text))
		lower := asciiLower(text[:end])
		find := func(w string, whole bool) {
			for from := 0; from < len(lower); {
				i := strings.Index(lower[from:], w)
				if i < 0 {
					return
				}
				i += from
				if best.start >= 0 && i >= best.start {
					return
				}
				stop := i + len(w)
				if !tokenBefore(text, i) && (!whole || !tokenAfter(text, stop)) {
					for tokenAfter(text, stop) {
						_, size := utf8.DecodeRuneInString(text[stop:])
						stop += size
					}
					better(span{i, stop})
					return
				}
				from = i + 1
			}
		}
		for w := range m.words {
			find(w, true)
		}
		for _, p := range m.prefixes {
			find(p, false)
		}
		if best.start >= 0 {
			return best, true
		}
		if end == len(text) {
			break
		}
	}
	if hasFoldable(text) {
		return slow()
	}
	return span{}, false
}

// tokenBefore reports whether a word character ends right before byte i.
func tokenBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isTokenRune(r) && !isCJK(r)
}

// tokenAfter reports whether a word character starts at byte i.
func tokenAfter(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isTokenRune(r) && !isCJK(r)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiLower lowercases A-Z only, so byte offsets stay the same.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// hasFoldable reports whether s may hold a word that folds to ASCII but is
// not ASCII: an accented Latin letter (U+00C0-U+024F) or a combining mark
// (U+0300-U+036F), whose UTF-8 lead bytes are C3-C9 and CC-CD.
func hasFoldable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0xC3 && c <= 0xC9 || c == 0xCC || c == 0xCD {
			return true
		}
	}
	return false
}

// snippet is the part of text around its first match, whitespace
// collapsed, the matches wrapped in \x02 ... \x03 and "…" where text was
// cut. ok is false when text has no match.
func (m *matcher) snippet(text string) (string, bool) {
	first, ok := m.first(text)
	if !ok {
		return "", false
	}
	// Start about a third of the snippet before the match, at a word start.
	from := first.start
	for n := 0; from > 0 && n < snippetRunes/3; n++ {
		_, size := utf8.DecodeLastRuneInString(text[:from])
		from -= size
	}
	for from > 0 && from < first.start {
		r, _ := utf8.DecodeLastRuneInString(text[:from])
		if !isTokenRune(r) || isCJK(r) {
			break
		}
		_, size := utf8.DecodeRuneInString(text[from:])
		from += size
	}
	to := from
	for n := 0; to < len(text) && n < snippetRunes; n++ {
		_, size := utf8.DecodeRuneInString(text[to:])
		to += size
	}
	for to < len(text) {
		r, size := utf8.DecodeRuneInString(text[to:])
		if !isTokenRune(r) || isCJK(r) {
			break
		}
		to += size
	}
	if to < first.end {
		to = first.end
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	at := from
	for _, sp := range m.matches(text, from, to, 0) {
		if sp.start < at {
			continue
		}
		writeCollapsed(&b, text[at:sp.start])
		b.WriteByte('\x02')
		b.WriteString(text[sp.start:sp.end])
		b.WriteByte('\x03')
		at = sp.end
	}
	writeCollapsed(&b, text[at:to])
	out := strings.TrimSpace(b.String())
	if to < len(text) {
		out += "…"
	}
	return out, true
}

// writeCollapsed writes s with every run of whitespace as one space and
// the \x02 and \x03 markers removed.
func writeCollapsed(b *strings.Builder, s string) {
	space := false
	for _, r := range s {
		switch {
		case r == '\x02' || r == '\x03':
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
