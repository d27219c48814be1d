package research

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/render"
)

// DigestChars bounds the summary of a report's digest: its first
// paragraphs, cut at a paragraph (or, for one long paragraph, a word).
const DigestChars = 1200

// Digest is a finished report in brief, for a face that shows it in a few
// lines (an AI assistant following a run): its title, a summary of its
// first paragraphs with their citation markers, and its numbered sources.
type Digest struct {
	Job     job.Job        `json:"job"`
	Title   string         `json:"title"`
	Summary string         `json:"summary"`
	Sources []job.Citation `json:"sources"` // numbered as in the report's Sources list
}

// Digest returns the brief of a job's saved report. A job without one is
// an *Error as for Report (ErrNotFinished while it is active).
func (s *Service) Digest(ctx context.Context, id string) (Digest, error) {
	j, rep, err := s.report(ctx, id)
	if err != nil {
		return Digest{Job: j}, err
	}
	sources := render.NumberedSources(rep.Citations)
	if sources == nil {
		sources = []job.Citation{}
	}
	return Digest{Job: j, Title: rep.Title, Summary: leadParagraphs(render.NumberedText(rep.Markdown, rep.Citations), DigestChars), Sources: sources}, nil
}

// leadParagraphs returns the first paragraphs of markdown that are not
// headings, rules or code fences, joined by blank lines, at most limit
// characters: whole paragraphs while they fit, else the first one cut at
// a word with "…".
func leadParagraphs(markdown string, limit int) string {
	var out []string
	n := 0
	for _, p := range strings.Split(strings.ReplaceAll(markdown, "\r\n", "\n"), "\n\n") {
		p = strings.TrimSpace(p)
		if p == "" || strings.HasPrefix(p, "#") || strings.HasPrefix(p, "```") || strings.Trim(p, "-*_ ") == "" {
			continue
		}
		size := utf8.RuneCountInString(p)
		if n+size > limit {
			if len(out) == 0 {
				out = append(out, cutAtWord(p, limit))
			}
			break
		}
		out = append(out, p)
		n += size + 2
	}
	return strings.Join(out, "\n\n")
}

// cutAtWord cuts s to at most limit characters, at the last space when
// there is one, and marks the cut with "…".
func cutAtWord(s string, limit int) string {
	r := []rune(s)
	if len(r) <= limit {
		return s
	}
	cut := string(r[:limit-1])
	if i := strings.LastIndexAny(cut, " \n"); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut) + "…"
}
