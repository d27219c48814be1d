// Package searchq is the query language of the library's search: it parses
// what a person types into an FTS5 query over the search index, folds
// words the way the index folds them (Fold), and cuts the CJK text that
// FTS5 cannot place (CJKSnippet). It holds no SQL and no state; package
// store runs the queries.
package searchq

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
//	heat pump          reports with both words; word forms count ("pumps",
//	                   "analyses" for analysis), and the last word may be
//	                   unfinished ("hydro" finds hydrogen)
//	"heat pump"        the words next to each other, in this order (word
//	                   forms still count: "heat pumps" matches)
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
	exact  bool     // quoted: a phrase, never a prefix
	prefix bool     // the last token may be unfinished
	or     []term   // when set, the term is the OR of these (tokens unused)
}

// Query is a parsed search: every must term matches, no not term does.
// The zero Query (an empty search) has nothing to match.
type Query struct {
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

// Parse turns user text into a query. An empty query (nothing to look
// for) comes back with no terms and no error; a query that only has
// operators or exclusions is a *QueryError wrapping ErrBadQuery.
func Parse(q string) (Query, error) {
	items, err := lex(q)
	if err != nil {
		return Query{}, err
	}
	// The last word is unfinished while one types, unless a space follows it.
	open := q != "" && !unicode.IsSpace([]rune(q)[len([]rune(q))-1])
	var out Query
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
					return Query{}, badQuery(q, `"%s" cannot follow another AND, OR or NOT: put a word between them.`, it.text)
				}
				if last {
					return Query{}, badQuery(q, `"%s" needs a word after it (to search for the word itself, type it in lowercase).`, it.text)
				}
				if it.text != "NOT" && len(group) == 0 {
					return Query{}, badQuery(q, `"%s" needs a word before it (to search for the word itself, type it in lowercase).`, it.text)
				}
				pendingOr, pendingNot, pendingAnd = it.text == "OR", it.text == "NOT", it.text == "AND"
				continue
			case "-":
				return Query{}, badQuery(q, `A lone "-" leaves nothing out: write the word to exclude right after it, as in -coal.`)
			}
		}
		t, ok := makeTerm(it, last && open)
		neg := it.neg || pendingNot
		switch {
		case !ok && pendingOr:
			return Query{}, badQuery(q, `"OR" needs a word after it, not "%s".`, clip(it.text))
		case !ok:
			// nothing searchable (punctuation, emoji): ignore the item
		case neg:
			if pendingOr {
				return Query{}, badQuery(q, `"OR" cannot be followed by an exclusion: write OR between two words.`)
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
		return Query{}, badQuery(q, "Say what to look for as well as what to leave out, as in: heat pump -gas.")
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

// Empty reports whether q has nothing to match.
func (q Query) Empty() bool { return len(q.must) == 0 }

// Prefixes are the folded words q completes as one types ("hydro" of
// "solar hydro"). FTS5 stems a prefix before it looks it up, so a prefix
// that the porter stemmer changes ("analy", stemmed "anali") would miss
// the words it starts ("analysis", indexed "analysi"); FTS takes, for each
// prefix, the index terms that start with it as typed.
func (q Query) Prefixes() []string {
	var out []string
	q.each(func(t term) {
		if t.prefix && len(t.tokens) == 1 {
			out = append(out, t.tokens[0])
		}
	})
	return out
}

// Words reports whether q looks for any word (not only CJK text), which
// only the word columns can hold.
func (q Query) Words() bool {
	words := false
	q.each(func(t term) { words = words || len(t.tokens) > 0 })
	return words
}

// CJK is the CJK runs q looks for, for CJKSnippet.
func (q Query) CJK() []string {
	var out []string
	q.each(func(t term) { out = append(out, t.cjk...) })
	return out
}

// each calls f for every term q must match, the alternatives of an OR
// included.
func (q Query) each(f func(term)) {
	var walk func(t term)
	walk = func(t term) {
		for _, a := range t.or {
			walk(a)
		}
		f(t)
	}
	for _, t := range q.must {
		walk(t)
	}
}

// FTS renders the query in FTS5 syntax over the search index, or "" when
// there is nothing to match. terms maps a prefix of Prefixes to the index
// terms that start with it (nil: none known).
func (q Query) FTS(terms map[string][]string) string {
	if len(q.must) == 0 {
		return ""
	}
	parts := make([]string, len(q.must))
	for i, t := range q.must {
		parts[i] = t.fts(terms)
	}
	s := strings.Join(parts, " AND ")
	for _, t := range q.not {
		s = "(" + s + ") NOT " + t.fts(terms)
	}
	return s
}

// fts renders one term. Every string is quoted, so no user text is ever
// read as FTS5 syntax.
func (t term) fts(terms map[string][]string) string {
	if len(t.or) > 0 {
		alts := make([]string, len(t.or))
		for i, a := range t.or {
			alts[i] = a.fts(terms)
		}
		return "(" + strings.Join(alts, " OR ") + ")"
	}
	var ands []string
	switch {
	case len(t.tokens) == 1 && t.prefix:
		alts := []string{quote(t.tokens[0]) + "*"}
		for _, x := range terms[t.tokens[0]] {
			alts = append(alts, quote(x))
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

// tokens splits non-CJK text into words where FTS5 does, folded (Fold)
// and lowercased.
func tokens(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !isTokenRune(r) }) {
		out = append(out, strings.ToLower(Fold(f)))
	}
	return out
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

// Word is the FTS5 query for one word as the index holds it (folded,
// stemmed by FTS5), in any column or, when columns are named, in those
// only; "" when w holds no word.
func Word(w string, columns ...string) string {
	toks := tokens(w)
	if len(toks) == 0 {
		return ""
	}
	q := quote(strings.Join(toks, " "))
	if len(columns) > 0 {
		q = "{" + strings.Join(columns, " ") + "} : " + q
	}
	return q
}
