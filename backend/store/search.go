package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// bm25 weights of the search columns: prompt, title, body.
const bm25Weights = "4.0, 8.0, 1.0"

// previewRunes is the length of the snippet of an empty-query hit.
const previewRunes = 240

// ftsQuery turns user text into a safe FTS5 query: each whitespace-separated
// word becomes a quoted string ("word", inner quotes doubled) and the words
// are ANDed. A trailing '*' on the last word keeps prefix search for
// search-as-you-type. Words with no letter or digit are dropped (the
// tokenizer would drop them too); ok is false when nothing is left.
func ftsQuery(q string) (string, bool) {
	words := strings.Fields(q)
	var parts []string
	for i, w := range words {
		prefix := false
		if i == len(words)-1 && strings.HasSuffix(w, "*") {
			prefix = true
		}
		w = strings.TrimRight(w, "*")
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) {
			continue
		}
		p := `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
		if prefix {
			p += "*"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " "), len(parts) > 0
}

// Search runs a full-text query over prompt, title and report text of jobs
// that have a report. Any user text is accepted: it is quoted into FTS5
// syntax so punctuation never causes a syntax error, and text without a
// letter or digit finds nothing. An empty query lists finished reports,
// newest first, with the start of each report as the snippet. Dates filter
// and sort on finished_at (created_at when the job has none).
func (s *Store) Search(ctx context.Context, query string, o SearchOptions) ([]Hit, error) {
	if o.Limit <= 0 {
		o.Limit = 50
	}
	switch o.Sort {
	case "", "relevance", "date":
	default:
		return nil, fmt.Errorf("searching: sort must be relevance or date, not %q", o.Sort)
	}
	empty := strings.TrimSpace(query) == ""
	match, ok := ftsQuery(query)
	if !empty && !ok {
		return []Hit{}, nil
	}

	const when = "coalesce(j.finished_at, j.created_at)"
	where := []string{"1"}
	var args []any
	if !empty {
		where = append(where, "search MATCH ?")
		args = append(args, match)
	}
	where, args = statusIn(where, args, "j.status", o.Statuses)
	if o.Model != "" {
		where = append(where, "j.model = ?")
		args = append(args, o.Model)
	}
	for _, b := range []struct {
		t  time.Time
		op string
	}{{o.Since, ">="}, {o.Until, "<="}} {
		if b.t.IsZero() {
			continue
		}
		n, err := toNanos(b.t)
		if err != nil {
			return nil, fmt.Errorf("searching: %w", err)
		}
		where = append(where, when+" "+b.op+" ?")
		args = append(args, n)
	}
	cond := strings.Join(where, " AND ")

	// Pick the page first, then read columns and snippets for its rows
	// only: computing snippet() or carrying report text through the sort for
	// every match costs more than the search itself (about half the time
	// over 10,000 reports). The second MATCH is joined, not seeked by rowid:
	// FTS5 re-expands a prefix query on every rowid seek.
	var q string
	if empty {
		q = `WITH page AS (
				SELECT j.seq AS seq, ` + when + ` AS at, j.id AS jid
				FROM jobs j JOIN reports r ON r.job_id = j.id
				WHERE ` + cond + `
				ORDER BY at DESC, jid DESC` + limitOffset(o.Limit, o.Offset) + `)
			SELECT ` + jobColsJ + `, substr(r.markdown, 1, ` + fmt.Sprint(2*previewRunes) + `), 0.0
			FROM page CROSS JOIN jobs j CROSS JOIN reports r
			WHERE j.seq = page.seq AND r.job_id = j.id
			ORDER BY page.at DESC, page.jid DESC`
	} else {
		inner, outer := "score, at DESC, jid DESC", "page.score, page.at DESC, page.jid DESC"
		if o.Sort == "date" {
			inner, outer = "at DESC, jid DESC", "page.at DESC, page.jid DESC"
		}
		q = `WITH page AS (
				SELECT search.rowid AS seq, bm25(search, ` + bm25Weights + `) AS score, ` + when + ` AS at, j.id AS jid
				FROM search JOIN jobs j ON j.seq = search.rowid
				WHERE ` + cond + `
				ORDER BY ` + inner + limitOffset(o.Limit, o.Offset) + `)
			SELECT ` + jobColsJ + `, snippet(search, -1, char(2), char(3), '…', 24), page.score
			FROM page JOIN search ON search.rowid = page.seq JOIN jobs j ON j.seq = page.seq
			WHERE search MATCH ?
			ORDER BY ` + outer
		args = append(args, match)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("searching for %q: %w", query, err)
	}
	defer rows.Close()
	hits := []Hit{}
	for rows.Next() {
		var h Hit
		h.Job, err = scanJob(rows, &h.Snippet, &h.Rank)
		if err != nil {
			return nil, fmt.Errorf("searching for %q: %w", query, err)
		}
		if empty {
			h.Snippet = preview(h.Snippet)
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("searching for %q: %w", query, err)
	}
	return hits, nil
}

// preview is the start of a report as one line: whitespace collapsed,
// leading markdown heading marks dropped, cut to previewRunes with "…".
func preview(md string) string {
	fields := strings.Fields(md)
	for len(fields) > 0 && strings.Trim(fields[0], "#") == "" {
		fields = fields[1:]
	}
	t := strings.Join(fields, " ")
	if r := []rune(t); len(r) > previewRunes {
		t = strings.TrimSpace(string(r[:previewRunes-1])) + "…"
	}
	return t
}
