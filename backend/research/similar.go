package research

import (
	"context"
	"strings"
	"unicode"
)

// SimilarLimit is how many saved reports Similar returns at most.
const SimilarLimit = 3

// Similar finds up to three saved reports on the subject of a prompt being
// typed ("you researched this on ..."), so the user need not pay twice. A
// prompt too short to say much finds nothing.
func (s *Service) Similar(ctx context.Context, prompt string) ([]SearchHit, error) {
	words := keywords(prompt, 8)
	if len(words) < 2 {
		return []SearchHit{}, nil
	}
	res, err := s.Search(ctx, SearchRequest{Query: strings.Join(words, " OR "), Limit: SimilarLimit, Sort: "relevance"})
	if err != nil {
		return []SearchHit{}, nil // a prompt is not a query: never an error while typing
	}
	var out []SearchHit
	for _, h := range res.Hits {
		if h.Job.Status == "completed" || h.Job.Status == "incomplete" {
			out = append(out, h)
		}
	}
	if out == nil {
		out = []SearchHit{}
	}
	return out, nil
}

// keywords picks up to n distinct content words of a prompt: letters and
// digits only, at least four characters (or any CJK run), no common
// English function words.
func keywords(prompt string, n int) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToLower(prompt), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		cjk := strings.IndexFunc(f, func(r rune) bool {
			return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
		}) >= 0
		if (!cjk && len([]rune(f)) < 4) || stopwords[f] || seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
		if len(out) == n {
			break
		}
	}
	return out
}

var stopwords = map[string]bool{
	"about": true, "after": true, "also": true, "been": true, "before": true, "between": true, "could": true,
	"does": true, "each": true, "from": true, "have": true, "into": true, "last": true, "more": true,
	"most": true, "much": true, "over": true, "research": true, "should": true, "since": true, "some": true,
	"than": true, "that": true, "their": true, "them": true, "then": true, "there": true, "these": true,
	"they": true, "this": true, "those": true, "under": true, "very": true, "were": true, "what": true,
	"when": true, "where": true, "which": true, "while": true, "will": true, "with": true, "would": true,
	"your": true, "please": true, "report": true, "write": true, "find": true, "give": true, "make": true,
}
