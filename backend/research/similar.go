package research

import (
	"context"
	"strings"
	"unicode"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
)

// SimilarLimit is how many saved reports Similar returns at most.
const SimilarLimit = 3

// similarCandidates is how many of the best search hits Similar weighs.
const similarCandidates = 12

// SimilarReport is a saved report on the subject of a prompt, with why it
// matched: the prompt's words the report holds.
type SimilarReport struct {
	Job         job.Job  `json:"job"`
	Snippet     string   `json:"snippet"`
	SnippetHTML string   `json:"snippet_html"`
	Matched     []string `json:"matched"`
}

// Similar finds up to three saved reports on the subject of a prompt being
// typed ("you researched this before"), so the user need not pay twice.
// The prompt's content words (keywords) are looked up in the library; a
// report counts when it holds at least two of them and either half of
// them or two in its title or prompt (closeEnough): a reworded prompt on
// the same subject finds it, one shared common word does not. A prompt
// too short to say much finds nothing; a prompt is never an error.
func (s *Service) Similar(ctx context.Context, prompt string) ([]SimilarReport, error) {
	out := []SimilarReport{}
	words := keywords(prompt, 8)
	if len(words) < 2 {
		return out, nil
	}
	res, err := s.Search(ctx, SearchRequest{Query: strings.Join(words, " OR ") + " ", Limit: similarCandidates, Sort: "relevance"})
	if err != nil {
		return out, nil // a prompt is not a query: never an error while typing
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.Job.ID)
	}
	matched, err := s.st.MatchWords(ctx, ids, words)
	if err != nil {
		return nil, err
	}
	for _, h := range res.Hits {
		m := matched[h.Job.ID]
		if (h.Job.Status != job.Completed && h.Job.Status != job.Incomplete) || !closeEnough(m, len(words)) {
			continue
		}
		out = append(out, SimilarReport{Job: h.Job, Snippet: h.Snippet, SnippetHTML: h.SnippetHTML, Matched: m.Anywhere})
		if len(out) == SimilarLimit {
			break
		}
	}
	return out, nil
}

// closeEnough is the threshold of Similar: a report that holds at least
// two of the prompt's n keywords, and either half of them or two in its
// title or prompt.
func closeEnough(m store.Matched, n int) bool {
	return len(m.Anywhere) >= 2 && (2*len(m.Anywhere) >= n || len(m.Title) >= 2)
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
