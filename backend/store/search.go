package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/searchq"
)

// previewRunes is the length of the snippet of an empty-query hit.
const previewRunes = 240

// snippetTokens is how many words FTS5's snippet() shows around a match.
const snippetTokens = 24

// maxPrefixTerms is how many index terms a word being typed may stand for
// (see searchq.Query.Prefixes); a prefix that starts more is looked up by
// FTS5 alone.
const maxPrefixTerms = 64

// Results is one page of a search and how many reports match in all.
type Results struct {
	Hits  []Hit
	Total int
}

// Search runs a full-text query over the prompt, title, report text and
// cited sources (titles and domains) of jobs that have a report; see
// package searchq for the query language. Word forms match ("price" finds
// "prices", "analyses" finds "analysis"), letters fold ("soren" finds
// "Søren"), the last word is completed as one types unless a space
// follows it ("hydro" finds "hydrogen"), and Chinese, Japanese and Korean
// words are found inside sentences. Hits are ranked by bm25 with the title
// and the prompt weighing far more than the report, then newest first. A
// query Search cannot understand (an unclosed quote, a lone "-", a
// dangling AND) is a *searchq.QueryError wrapping searchq.ErrBadQuery,
// whose message is meant for the user; text with nothing searchable in it
// (punctuation, emoji) finds nothing. An empty query lists finished
// reports, newest first, with the start of each report as the snippet.
// Snippets are plain text (no markdown) on one line with the matched words
// wrapped in \x02 ... \x03. Dates filter and sort on finished_at
// (created_at when the job has none).
func (s *Store) Search(ctx context.Context, query string, o SearchOptions) (Results, error) {
	if o.Limit <= 0 {
		o.Limit = 50
	}
	switch o.Sort {
	case "", "relevance", "date":
	default:
		return Results{}, fmt.Errorf("searching: sort must be relevance or date, not %q", o.Sort)
	}
	pq, err := searchq.Parse(query)
	if err != nil {
		return Results{}, err
	}
	if pq.Empty() && strings.TrimSpace(query) != "" {
		return Results{Hits: []Hit{}}, nil
	}
	cond, args, err := searchWhere(o)
	if err != nil {
		return Results{}, err
	}
	if pq.Empty() {
		return s.latest(ctx, cond, args, o)
	}
	terms, err := s.prefixTerms(ctx, pq.Prefixes())
	if err != nil {
		return Results{}, searchErr(query, err)
	}
	match := pq.FTS(terms)
	cjk := pq.CJK()

	// Pick the page first (bm25 needs no text), counting every match in
	// the same pass, then run the match again on the page's rows only for
	// FTS5's snippets; the report text is read only for a CJK query.
	inner, outer := "score, at DESC, jid DESC", "page.score, page.at DESC, page.jid DESC"
	if o.Sort == "date" {
		inner, outer = "at DESC, jid DESC", "page.at DESC, page.jid DESC"
	}
	mark := func(f string, col int) string {
		return fmt.Sprintf("%s(search, %d, char(2), char(3)%s)", f, col, map[bool]string{true: fmt.Sprintf(", '…', %d", snippetTokens)}[f == "snippet"])
	}
	q := `WITH found AS MATERIALIZED (
			SELECT search.rowid AS seq, bm25(search, ` + bm25Weights + `) AS score, ` + when + ` AS at, j.id AS jid
			FROM search JOIN jobs j ON j.seq = search.rowid
			WHERE search MATCH ? AND ` + cond + `),
		page AS MATERIALIZED (
			SELECT seq, score, at, jid, count(*) OVER () AS total FROM found
			ORDER BY ` + inner + limitOffset(o.Limit, o.Offset) + `)
		SELECT ` + jobColsJ + `, page.score, page.total, ` + mark("snippet", 2) + `, ` + mark("snippet", 3) + `, ` + mark("highlight", 0) + `, ` + mark("highlight", 1) + `,
			st.sources, CASE WHEN ? THEN st.body ELSE substr(st.body, 1, ` + fmt.Sprint(2*previewRunes) + `) END
		FROM page CROSS JOIN jobs j CROSS JOIN search CROSS JOIN search_text st
		WHERE j.seq = page.seq AND search.rowid = page.seq AND search MATCH ? AND st.seq = page.seq
		ORDER BY ` + outer
	all := append(append([]any{match}, args...), len(cjk) > 0, match)
	rows, err := s.db.QueryContext(ctx, q, all...)
	if err != nil {
		return Results{}, searchErr(query, err)
	}
	defer rows.Close()
	res := Results{Hits: []Hit{}}
	for rows.Next() {
		var h Hit
		var body, src, prompt, title, sources, text string
		h.Job, err = scanJob(rows, &h.Rank, &res.Total, &body, &src, &prompt, &title, &sources, &text)
		if err != nil {
			return Results{}, searchErr(query, err)
		}
		h.Snippet = hitSnippet(cjk, text, []string{body, src, prompt, title}, []string{text, sources, prompt, title})
		res.Hits = append(res.Hits, h)
	}
	if err := rows.Err(); err != nil {
		return Results{}, searchErr(query, err)
	}
	if len(res.Hits) == 0 && o.Offset > 0 {
		// Past the last page: the count comes on its own.
		err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM search JOIN jobs j ON j.seq = search.rowid WHERE search MATCH ? AND `+cond,
			append([]any{match}, args...)...).Scan(&res.Total)
		if err != nil {
			return Results{}, searchErr(query, err)
		}
	}
	return res, nil
}

// when is the time a report is dated, filtered and sorted by.
const when = "coalesce(j.finished_at, j.created_at)"

// searchWhere is the SQL condition (on jobs j) of a search's filters.
func searchWhere(o SearchOptions) (string, []any, error) {
	where := []string{"1"}
	var args []any
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
			return "", nil, fmt.Errorf("searching: %w", err)
		}
		where = append(where, when+" "+b.op+" ?")
		args = append(args, n)
	}
	return strings.Join(where, " AND "), args, nil
}

// latest is the empty search: finished reports, newest first, each with
// the start of its text.
func (s *Store) latest(ctx context.Context, cond string, args []any, o SearchOptions) (Results, error) {
	q := `WITH page AS MATERIALIZED (
			SELECT j.seq AS seq, ` + when + ` AS at, j.id AS jid, count(*) OVER () AS total
			FROM jobs j JOIN reports r ON r.job_id = j.id
			WHERE ` + cond + `
			ORDER BY at DESC, jid DESC` + limitOffset(o.Limit, o.Offset) + `)
		SELECT ` + jobColsJ + `, page.total, coalesce((SELECT substr(body, 1, ` + fmt.Sprint(2*previewRunes) + `) FROM search_text WHERE seq = page.seq), '')
		FROM page CROSS JOIN jobs j
		WHERE j.seq = page.seq
		ORDER BY page.at DESC, page.jid DESC`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return Results{}, fmt.Errorf("listing reports: %w", err)
	}
	defer rows.Close()
	res := Results{Hits: []Hit{}}
	for rows.Next() {
		var h Hit
		var body string
		if h.Job, err = scanJob(rows, &res.Total, &body); err != nil {
			return Results{}, fmt.Errorf("listing reports: %w", err)
		}
		h.Snippet = preview(body)
		res.Hits = append(res.Hits, h)
	}
	if err := rows.Err(); err != nil {
		return Results{}, fmt.Errorf("listing reports: %w", err)
	}
	if len(res.Hits) == 0 && o.Offset > 0 {
		err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM jobs j JOIN reports r ON r.job_id = j.id WHERE `+cond, args...).Scan(&res.Total)
		if err != nil {
			return Results{}, fmt.Errorf("listing reports: %w", err)
		}
	}
	return res, nil
}

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

// hitSnippet is the snippet of one hit: FTS5's snippet of the report text
// where it has a match, else of its sources, else the prompt or title
// highlighted (marked); for a CJK query, the CJK text found in the report,
// its sources, prompt or title (texts); else the start of the report
// (start).
func hitSnippet(cjk []string, start string, marked, texts []string) string {
	for _, m := range marked {
		if strings.Contains(m, "\x02") {
			return searchq.Flatten(m)
		}
	}
	if len(cjk) > 0 {
		for _, t := range texts {
			if sn, ok := searchq.CJKSnippet(t, cjk); ok {
				return sn
			}
		}
	}
	return preview(start)
}

// searchErr wraps a database error of Search. FTS5 syntax errors cannot
// come from a parsed query; should one appear anyway it is reported as a
// query the user can rephrase, not as a crash.
func searchErr(query string, err error) error {
	if strings.Contains(err.Error(), "fts5") {
		return &searchq.QueryError{Query: query, Msg: fmt.Sprintf("This search could not be run (%v): try fewer or simpler words.", err)}
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
