package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// previewRunes is the length of the snippet of an empty-query hit.
const previewRunes = 240

// Search runs a full-text query over the prompt, title, report text and
// cited sources (titles and domains) of jobs that have a report; see
// search_query.go for the query language. Word forms match ("price" finds
// "prices"), the last word is completed as one types unless a space
// follows it ("hydro" finds "hydrogen"), and Chinese, Japanese and Korean
// words are found inside sentences. A query Search cannot understand (an
// unclosed quote, a lone "-", a dangling AND) is a *QueryError wrapping
// ErrBadQuery, whose message is meant for the user; text with nothing
// searchable in it (punctuation, emoji) finds nothing. An empty query lists
// finished reports, newest first, with the start of each report as the
// snippet. Snippets are plain text (no markdown) with the matched words
// wrapped in \x02 ... \x03. Dates filter and sort on finished_at (created_at
// when the job has none).
func (s *Store) Search(ctx context.Context, query string, o SearchOptions) ([]Hit, error) {
	if o.Limit <= 0 {
		o.Limit = 50
	}
	switch o.Sort {
	case "", "relevance", "date":
	default:
		return nil, fmt.Errorf("searching: sort must be relevance or date, not %q", o.Sort)
	}
	pq, err := parseQuery(query)
	if err != nil {
		return nil, err
	}
	match := pq.fts()
	empty := match == ""
	if empty && strings.TrimSpace(query) != "" {
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

	// Pick the page first, then read the job rows and the indexed plain
	// text of its rows only (by rowid, without a second MATCH); snippets
	// are cut in Go from that text.
	var q string
	if empty {
		q = `WITH page AS (
				SELECT j.seq AS seq, ` + when + ` AS at, j.id AS jid
				FROM jobs j JOIN reports r ON r.job_id = j.id
				WHERE ` + cond + `
				ORDER BY at DESC, jid DESC` + limitOffset(o.Limit, o.Offset) + `)
			SELECT ` + jobColsJ + `, coalesce(substr(s.body, 1, ` + fmt.Sprint(2*previewRunes) + `), ''), '', 0.0
			FROM page CROSS JOIN jobs j LEFT JOIN search s ON s.rowid = page.seq
			WHERE j.seq = page.seq
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
			SELECT ` + jobColsJ + `, s.body, s.sources, page.score
			FROM page CROSS JOIN jobs j CROSS JOIN search s
			WHERE j.seq = page.seq AND s.rowid = page.seq
			ORDER BY ` + outer
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, searchErr(query, err)
	}
	defer rows.Close()
	var m *matcher
	if !empty {
		m = newMatcher(pq)
	}
	hits := []Hit{}
	for rows.Next() {
		var h Hit
		var body, sources string
		h.Job, err = scanJob(rows, &body, &sources, &h.Rank)
		if err != nil {
			return nil, searchErr(query, err)
		}
		h.Snippet = hitSnippet(m, h.Job.Prompt, body, sources)
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, searchErr(query, err)
	}
	return hits, nil
}

// hitSnippet is the snippet of one hit: around the first match in the
// report text, else in its sources, else in the prompt, else the start of
// the report. m is nil for an empty query.
func hitSnippet(m *matcher, prompt, body, sources string) string {
	if m != nil {
		for _, t := range []string{body, sources, prompt} {
			if sn, ok := m.snippet(t); ok {
				return sn
			}
		}
	}
	return preview(body)
}

// searchErr wraps a database error of Search. FTS5 syntax errors cannot
// come from a parsed query; should one appear anyway it is reported as a
// query the user can rephrase, not as a crash.
func searchErr(query string, err error) error {
	if strings.Contains(err.Error(), "fts5") {
		return badQuery(query, "This search could not be run (%v): try fewer or simpler words.", err)
	}
	return fmt.Errorf("searching for %q: %w", query, err)
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
