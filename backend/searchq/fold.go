package searchq

import (
	"strings"
	"unicode/utf8"
)

// Fold prepares text for the word columns of the search index, and query
// words for matching them: letters that Unicode does not decompose (so
// FTS5's remove_diacritics leaves them) become the letters people type
// for them (ø o, ł l, ß ss, æ ae, œ oe, đ d, ð d, þ th), and classical
// plurals that the porter stemmer cannot relate to their singular become
// it (analyses analysis, criteria criterion, phenomena phenomenon, ...).
// FTS5's porter tokenizer does the rest (case, diacritics, word forms).
//
// Fold never adds, removes or splits a word: the n-th token of Fold(s)
// is the folded n-th token of s. That is what lets the index hold folded
// words while snippet() and highlight() read the original text.
// Changing what Fold does changes the index: it needs a migration that
// rebuilds the search rows.
func Fold(s string) string {
	var b *strings.Builder // nil until a word changes
	copied := 0            // s[:copied] is in b
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if !isTokenRune(r) {
			i += size
			continue
		}
		start, ascii := i, true
		for i < len(s) {
			r, size = rune(s[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(s[i:])
				ascii = false
			}
			if !isTokenRune(r) {
				break
			}
			i += size
		}
		f, changed := foldWord(s[start:i], ascii)
		if !changed {
			continue
		}
		if b == nil {
			b = &strings.Builder{}
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[copied:start])
		b.WriteString(f)
		copied = i
	}
	if b == nil {
		return s
	}
	b.WriteString(s[copied:])
	return b.String()
}

// foldWord is the folded form of one word, changed false when it is the
// word itself. ascii tells that the word has no other letters.
func foldWord(w string, ascii bool) (string, bool) {
	if len(w) > 3 {
		if s, ok := singular(w); ok {
			return s, true
		}
	}
	if ascii || strings.IndexFunc(w, func(r rune) bool { _, ok := letters[r]; return ok }) < 0 {
		return "", false
	}
	var b strings.Builder
	for _, r := range w {
		if f, ok := letters[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String(), true
}

// letters are the letters without a Unicode decomposition, as typed on a
// keyboard without them.
var letters = map[rune]string{
	'ø': "o", 'Ø': "O", 'ł': "l", 'Ł': "L", 'ß': "ss", 'ẞ': "SS", 'æ': "ae", 'Æ': "AE",
	'œ': "oe", 'Œ': "OE", 'đ': "d", 'Đ': "D", 'ð': "d", 'Ð': "D", 'þ': "th", 'Þ': "TH", 'ı': "i",
}

// singular is the singular of a classical plural (lowercase), ok false
// for any other word.
func singular(w string) (string, bool) {
	// Every plural below ends in -a, -i, -ae or -es: most words are let
	// through on their last two bytes.
	n := len(w)
	switch last, before := w[n-1]|0x20, w[n-2]|0x20; {
	case last == 'a' || last == 'i', last == 's' && before == 'e', last == 'e' && before == 'a':
	default:
		return "", false
	}
	l := strings.ToLower(w)
	if s, ok := plurals[l]; ok {
		return s, true
	}
	switch {
	case strings.HasSuffix(l, "yses") && len(l) > 5: // analyses, paralyses, catalyses
		return l[:len(l)-2] + "is", true
	case strings.HasSuffix(l, "theses") && len(l) > 6: // hypotheses, syntheses, parentheses
		return l[:len(l)-2] + "is", true
	}
	return "", false
}

// plurals are classical plurals whose singular porter stems differently.
var plurals = map[string]string{
	"theses": "thesis", "crises": "crisis", "diagnoses": "diagnosis", "prognoses": "prognosis", "neuroses": "neurosis",
	"psychoses": "psychosis", "oases": "oasis", "emphases": "emphasis", "ellipses": "ellipsis", "metamorphoses": "metamorphosis",
	"criteria": "criterion", "phenomena": "phenomenon", "automata": "automaton", "curricula": "curriculum", "strata": "stratum",
	"bacteria": "bacterium", "memoranda": "memorandum", "addenda": "addendum", "millennia": "millennium", "spectra": "spectrum",
	"maxima": "maximum", "minima": "minimum", "optima": "optimum", "quanta": "quantum", "errata": "erratum", "consortia": "consortium",
	"nuclei": "nucleus", "stimuli": "stimulus", "fungi": "fungus", "radii": "radius", "foci": "focus", "loci": "locus",
	"cacti": "cactus", "alumni": "alumnus", "syllabi": "syllabus",
	"formulae": "formula", "antennae": "antenna", "larvae": "larva", "vertebrae": "vertebra", "algae": "alga",
	"indices": "index", "matrices": "matrix", "appendices": "appendix", "vertices": "vertex", "apices": "apex", "cortices": "cortex",
}
