package store

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// ErrBadQuery is wrapped by every error Search returns for a query it cannot
// understand (an unclosed quote, a lone '-', AND with nothing after it).
// The error's message is written for the user: show it as it is.
var ErrBadQuery = errors.New("bad search query")

// QueryError is a search query the user has to change. Its Error is the
// message to show; errors.Is(err, ErrBadQuery) holds.
type QueryError struct {
	Query string // the query as typed
	Msg   string // what is wrong and how to fix it
}

func (e *QueryError) Error() string { return e.Msg }

func (e *QueryError) Unwrap() error { return ErrBadQuery }

func badQuery(q, format string, args ...any) error {
	return &QueryError{Query: q, Msg: fmt.Sprintf(format, args...)}
}

// The query language, for the user:
//
//	heat pump          reports with both words; word forms count ("pumps"),
//	                   and the last word may be unfinished ("hydro" finds hydrogen)
//	"heat pump"        the exact phrase
//	heat OR solar      either word
//	-gas, NOT gas      leave out reports with the word
//	研究, 東京タワー   Chinese, Japanese and Korean words inside sentences
//	example.jp         also searches cited sources' titles and domains
//
// AND, OR and NOT are operators only in capitals; "and" is a word.

// term is one thing to look for: a word, a phrase or an OR of them.
type term struct {
	tokens []string // folded word tokens (a phrase when more than one)
	cjk    []string // runs of CJK text, each looked up as a substring
	exact  bool     // quoted: no word forms, no prefix
	prefix bool     // the last token may be unfinished
	or     []term   // when set, the term is the OR of these (tokens unused)
}

// query is a parsed search: every must term matches, no not term does.
type query struct {
	must []term
	not  []term
}

// item is one lexical piece of the query text.
type item struct {
	text   string
	quoted bool
	neg    bool // written with a leading '-'
}

// lex splits q into words and quoted phrases. An odd quote is an error.
func lex(q string) ([]item, error) {
	var items []item
	rs := []rune(q)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '"' || (r == '-' && i+1 < len(rs) && rs[i+1] == '"'):
			neg := r == '-'
			if neg {
				i++
			}
			end := -1
			for k := i + 1; k < len(rs); k++ {
				if rs[k] == '"' {
					end = k
					break
				}
			}
			if end < 0 {
				return nil, badQuery(q, `The quote before "%s" is never closed: add a closing " or remove it.`, clip(string(rs[i+1:])))
			}
			items = append(items, item{text: string(rs[i+1 : end]), quoted: true, neg: neg})
			i = end + 1
		default:
			k := i
			for k < len(rs) && !unicode.IsSpace(rs[k]) && rs[k] != '"' {
				k++
			}
			w := string(rs[i:k])
			it := item{text: w}
			if strings.HasPrefix(w, "-") && len(w) > 1 {
				it = item{text: w[1:], neg: true}
			}
			items = append(items, it)
			i = k
		}
	}
	return items, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}

// parseQuery turns user text into a query. An empty query (nothing to look
// for) comes back with no terms and no error; a query that only has
// operators or exclusions is a *QueryError.
func parseQuery(q string) (query, error) {
	items, err := lex(q)
	if err != nil {
		return query{}, err
	}
	// The last word is unfinished while one types, unless a space follows it.
	open := q != "" && !unicode.IsSpace([]rune(q)[len([]rune(q))-1])
	var out query
	var group []term // alternatives joined by OR, not yet added
	pendingOr, pendingNot, pendingAnd := false, false, false
	flush := func() {
		switch len(group) {
		case 0:
		case 1:
			out.must = append(out.must, group[0])
		default:
			out.must = append(out.must, term{or: group})
		}
		group = nil
	}
	for i, it := range items {
		last := i == len(items)-1
		if !it.quoted && !it.neg {
			switch it.text {
			case "AND", "OR", "NOT":
				if pendingOr || pendingNot || pendingAnd {
					return query{}, badQuery(q, `"%s" cannot follow another AND, OR or NOT: put a word between them.`, it.text)
				}
				if last {
					return query{}, badQuery(q, `"%s" needs a word after it (to search for the word itself, type it in lowercase).`, it.text)
				}
				if it.text != "NOT" && len(group) == 0 {
					return query{}, badQuery(q, `"%s" needs a word before it (to search for the word itself, type it in lowercase).`, it.text)
				}
				pendingOr, pendingNot, pendingAnd = it.text == "OR", it.text == "NOT", it.text == "AND"
				continue
			case "-":
				return query{}, badQuery(q, `A lone "-" leaves nothing out: write the word to exclude right after it, as in -coal.`)
			}
		}
		t, ok := makeTerm(it, last && open)
		neg := it.neg || pendingNot
		switch {
		case !ok && pendingOr:
			return query{}, badQuery(q, `"OR" needs a word after it, not "%s".`, clip(it.text))
		case !ok:
			// nothing searchable (punctuation, emoji): ignore the item
		case neg:
			if pendingOr {
				return query{}, badQuery(q, `"OR" cannot be followed by an exclusion: write OR between two words.`)
			}
			out.not = append(out.not, t)
		case pendingOr:
			group = append(group, t)
		default:
			flush()
			group = []term{t}
		}
		pendingOr, pendingNot, pendingAnd = false, false, false
	}
	flush()
	if len(out.must) == 0 && len(out.not) > 0 {
		return query{}, badQuery(q, "Say what to look for as well as what to leave out, as in: heat pump -gas.")
	}
	return out, nil
}

// makeTerm builds the term of one item; ok is false when it holds nothing
// searchable. prefix marks the word being typed.
func makeTerm(it item, prefix bool) (term, bool) {
	text := strings.TrimRight(it.text, "*")
	star := !it.quoted && text != it.text
	t := term{exact: it.quoted, prefix: !it.quoted && (prefix || star)}
	for _, seg := range segments(text) {
		if seg.cjk {
			t.cjk = append(t.cjk, seg.text)
		} else {
			t.tokens = append(t.tokens, tokens(seg.text)...)
		}
	}
	// A lone short token is too common to complete as one types, unless
	// the user asked with '*'.
	if t.prefix && !star && len(t.tokens) == 1 && len(t.cjk) == 0 && len([]rune(t.tokens[0])) < 2 {
		t.prefix = false
	}
	return t, len(t.tokens) > 0 || len(t.cjk) > 0
}

// fts renders the query in FTS5 syntax over the search table, or "" when
// there is nothing to match.
func (q query) fts() string {
	if len(q.must) == 0 {
		return ""
	}
	parts := make([]string, len(q.must))
	for i, t := range q.must {
		parts[i] = t.fts()
	}
	s := strings.Join(parts, " AND ")
	for _, t := range q.not {
		s = "(" + s + ") NOT " + t.fts()
	}
	return s
}

// fts renders one term. Every string is quoted, so no user text is ever
// read as FTS5 syntax.
func (t term) fts() string {
	if len(t.or) > 0 {
		alts := make([]string, len(t.or))
		for i, a := range t.or {
			alts[i] = a.fts()
		}
		return "(" + strings.Join(alts, " OR ") + ")"
	}
	var ands []string
	switch {
	case len(t.tokens) == 1 && !t.exact:
		var alts []string
		if t.prefix {
			alts = append(alts, quote(t.tokens[0])+"*")
		}
		for _, f := range wordForms(t.tokens[0]) {
			alts = append(alts, quote(f))
		}
		if len(alts) == 1 {
			ands = append(ands, alts[0])
		} else {
			ands = append(ands, "("+strings.Join(alts, " OR ")+")")
		}
	case len(t.tokens) > 0:
		p := quote(strings.Join(t.tokens, " "))
		if t.prefix {
			p += "*"
		}
		ands = append(ands, p)
	}
	for _, c := range t.cjk {
		ands = append(ands, cjkFTS(c))
	}
	if len(ands) == 1 {
		return ands[0]
	}
	return "(" + strings.Join(ands, " AND ") + ")"
}

// quote is an FTS5 string: inner quotes doubled.
func quote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// cjkFTS looks a CJK run up in the bigram column: a phrase of its
// overlapping bigrams; one character is a prefix of any bigram (or the
// lone character that ends a run).
func cjkFTS(run string) string {
	if len([]rune(run)) == 1 {
		return "cjk : " + quote(run) + "*"
	}
	return "cjk : " + quote(strings.Join(bigrams(run), " "))
}

// wordForms returns w and its regular English inflections (plural, -ed,
// -ing) and, for an inflected w, its base and the base's other forms:
// "price" -> price, prices, priced, pricing; "pumps" -> pumps, pump, ...
// Only lowercase ASCII words of three letters or more get forms; others
// come back alone.
func wordForms(w string) []string {
	if len(w) < 3 || strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
		return []string{w}
	}
	bases := []string{w}
	n := len(w)
	switch {
	case strings.HasSuffix(w, "ies") && n > 4:
		bases = append(bases, w[:n-3]+"y")
	case strings.HasSuffix(w, "es") && n > 3 && sibilant(w[:n-2]):
		bases = append(bases, w[:n-2])
	case strings.HasSuffix(w, "s") && n > 3 && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		bases = append(bases, w[:n-1])
	case strings.HasSuffix(w, "ied") && n > 4:
		bases = append(bases, w[:n-3]+"y")
	case strings.HasSuffix(w, "ed") && n > 4:
		bases = append(bases, stemBases(w[:n-2])...)
	case strings.HasSuffix(w, "ing") && n > 5:
		bases = append(bases, stemBases(w[:n-3])...)
	}
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if !seen[f] && len(f) > 1 {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, b := range bases {
		add(b)
		for _, f := range inflect(b) {
			add(f)
		}
	}
	return out
}

// stemBases are the bases a word had before -ed or -ing was added to stem:
// stem itself, stem+"e" (priced), and stem without a doubled consonant
// (stopped).
func stemBases(stem string) []string {
	out := []string{stem, stem + "e"}
	if n := len(stem); n > 2 && stem[n-1] == stem[n-2] && !isVowel(stem[n-1]) {
		out = append(out, stem[:n-1])
	}
	return out
}

// inflect returns the plural, past and -ing forms of a base word.
func inflect(b string) []string {
	n := len(b)
	last := b[n-1]
	var out []string
	switch {
	case last == 'y' && n > 1 && !isVowel(b[n-2]):
		out = append(out, b[:n-1]+"ies", b[:n-1]+"ied")
	case sibilant(b):
		out = append(out, b+"es", b+"ed")
	case last == 'e':
		out = append(out, b+"s", b+"d")
	default:
		out = append(out, b+"s", b+"ed")
	}
	switch {
	case last == 'e' && !strings.HasSuffix(b, "ee") && n > 2:
		out = append(out, b[:n-1]+"ing")
	default:
		out = append(out, b+"ing")
	}
	// Short consonant-vowel-consonant words double the consonant: stop, stopped.
	if n >= 3 && n <= 4 && !isVowel(last) && isVowel(b[n-2]) && !isVowel(b[n-3]) && !strings.ContainsRune("wxy", rune(last)) {
		out = append(out, b+string(last)+"ed", b+string(last)+"ing")
	}
	return out
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }

// sibilant reports whether a plural of b takes -es (box, bus, church, wish).
func sibilant(b string) bool {
	return strings.HasSuffix(b, "s") || strings.HasSuffix(b, "x") || strings.HasSuffix(b, "z") ||
		strings.HasSuffix(b, "ch") || strings.HasSuffix(b, "sh")
}
