package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/searchq"
)

// The index's terms, asked about directly: the words a prefix being typed
// may stand for, and which words a few reports hold (why a report is
// "researched before").

// prefixTerms maps each word being typed to the index terms that start
// with it as typed (see searchq.Query.Prefixes), or to none when more
// than maxPrefixTerms do.
func (s *Store) prefixTerms(ctx context.Context, prefixes []string) (map[string][]string, error) {
	if len(prefixes) == 0 {
		return nil, nil
	}
	out := map[string][]string{}
	for _, p := range prefixes {
		rows, err := s.db.QueryContext(ctx, `SELECT term FROM search_terms WHERE term >= ? AND term < ? LIMIT ?`,
			p, p+"\U0010FFFF", maxPrefixTerms+1)
		if err != nil {
			return nil, err
		}
		var ts []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return nil, err
			}
			ts = append(ts, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(ts) <= maxPrefixTerms {
			out[p] = ts
		}
	}
	return out, nil
}

// Matched is which of some words a report has: anywhere, and in its
// prompt or title.
type Matched struct {
	Anywhere []string
	Title    []string
}

// MatchWords tells, for each of the jobs ids, which of words its search
// row holds (word forms and folded letters count, as in Search). A job
// that holds none is left out.
func (s *Store) MatchWords(ctx context.Context, ids, words []string) (map[string]Matched, error) {
	out := map[string]Matched{}
	if len(ids) == 0 {
		return out, nil
	}
	in := "?" + strings.Repeat(", ?", len(ids)-1)
	for _, w := range words {
		for _, title := range []bool{false, true} {
			var cols []string
			if title {
				cols = []string{"prompt", "title"}
			}
			match := searchq.Word(w, cols...)
			if match == "" {
				continue
			}
			args := []any{match}
			for _, id := range ids {
				args = append(args, id)
			}
			rows, err := s.db.QueryContext(ctx, `SELECT j.id FROM search JOIN jobs j ON j.seq = search.rowid
				WHERE search MATCH ? AND j.id IN (`+in+`)`, args...)
			if err != nil {
				return nil, fmt.Errorf("matching words: %w", err)
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return nil, fmt.Errorf("matching words: %w", err)
				}
				m := out[id]
				if title {
					m.Title = append(m.Title, w)
				} else {
					m.Anywhere = append(m.Anywhere, w)
				}
				out[id] = m
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, fmt.Errorf("matching words: %w", err)
			}
		}
	}
	return out, nil
}
