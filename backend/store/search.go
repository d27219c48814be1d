package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"

	"github.com/deepr-desktop/deepr/backend/searchq"
)

// previewRunes is the length of the snippet of an empty-query hit.
const previewRunes = 240

// snippetTokens is how many words FTS5's snippet() shows around a match.
const snippetTokens = 24

// maxPrefixTerms is how many index terms a word being typed may stand for
// (see searchq.Query.Prefixes); a prefix that starts more is looked up by
// FTS5 alone.
const maxPrefixTerms = 16

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

	// FTS5 ranks the matches itself (ORDER BY rank, bm25 with the column
	// weights as its rank function) and makes snippets for the page's rows
	// only; the filters are a set of rows it checks. By date, the page is
	// picked from the jobs first. The job rows, and the text a CJK query or
	// a preview needs, are read by rowid afterwards.
	filter, fargs := "", []any(nil)
	if cond != "1" {
		filter, fargs = ` AND search.rowid + 0 IN (SELECT j.seq FROM jobs j WHERE `+cond+`)`, args
	}
	// FTS5's snippet of the first column with the best match: the report
	// text, else its sources, prompt or title (see the column order).
	marks := `snippet(search, -1, char(2), char(3), '…', ` + fmt.Sprint(snippetTokens) + `)`
	if !pq.Words() {
		marks = `''` // CJK only: no word column can match
	}
	var q string
	var qargs []any
	var byDate []int64
	if o.Sort == "date" {
		byDate, err = s.seqs(ctx, `SELECT j.seq FROM jobs j WHERE j.seq IN (SELECT rowid FROM search WHERE search MATCH ?) AND `+cond+`
			ORDER BY `+when+` DESC, j.id DESC`+limitOffset(o.Limit, o.Offset), append([]any{match}, args...)...)
		if err != nil {
			return Results{}, searchErr(query, err)
		}
		q = `SELECT search.rowid, 0.0, ` + marks + ` FROM search WHERE search MATCH ? AND search.rowid IN (` + ints(byDate) + `)`
		qargs = []any{match}
	} else {
		q = `SELECT search.rowid, rank, ` + marks + ` FROM search
			WHERE search MATCH ? AND rank MATCH 'bm25(` + bm25Weights + `)'` + filter + `
			ORDER BY rank` + limitOffset(o.Limit, o.Offset)
		qargs = append([]any{match}, fargs...)
	}
	type found struct {
		rank   float64
		marked string
	}
	var seqs []int64
	byseq := map[int64]found{}
	err = s.each(ctx, q, qargs, func(sc scanner) error {
		var seq int64
		var f found
		if err := sc.Scan(&seq, &f.rank, &f.marked); err != nil {
			return err
		}
		seqs = append(seqs, seq)
		byseq[seq] = f
		return nil
	})
	if err != nil {
		return Results{}, searchErr(query, err)
	}
	// The report text is read only for the hits FTS5 gave no snippet of:
	// the CJK text to find, or the start to show.
	var bare []int64
	for _, seq := range seqs {
		if !strings.Contains(byseq[seq].marked, "\x02") {
			bare = append(bare, seq)
		}
	}
	text := map[int64]string{}
	err = s.each(ctx, `SELECT seq, CASE WHEN ? THEN body ELSE substr(body, 1, `+fmt.Sprint(2*previewRunes)+`) END
		FROM search_text WHERE seq IN (`+ints(bare)+`)`, []any{len(cjk) > 0}, func(sc scanner) error {
		var seq int64
		var t string
		err := sc.Scan(&seq, &t)
		text[seq] = t
		return err
	})
	if err != nil {
		return Results{}, searchErr(query, err)
	}
	hits := map[int64]Hit{}
	err = s.each(ctx, `SELECT `+jobColsJ+`, st.title, st.sources, j.seq
		FROM jobs j JOIN search_text st ON st.seq = j.seq WHERE j.seq IN (`+ints(seqs)+`)`, nil, func(sc scanner) error {
		var seq int64
		var title, sources string
		j, err := scanJob(sc, &title, &sources, &seq)
		if err != nil {
			return err
		}
		f := byseq[seq]
		hits[seq] = Hit{Job: j, Rank: f.rank, Snippet: hitSnippet(cjk, text[seq], f.marked, []string{text[seq], sources, j.Prompt, title})}
		return nil
	})
	if err != nil {
		return Results{}, searchErr(query, err)
	}
	if byDate != nil {
		seqs = byDate
	}
	res := Results{Hits: []Hit{}}
	for _, seq := range seqs {
		if h, ok := hits[seq]; ok {
			res.Hits = append(res.Hits, h)
		}
	}
	if byDate == nil {
		// FTS5 breaks ties by rowid; the newest report comes first.
		slices.SortStableFunc(res.Hits, func(a, b Hit) int {
			if c := cmp.Compare(a.Rank, b.Rank); c != 0 {
				return c
			}
			return dated(b.Job).Compare(dated(a.Job))
		})
	}
	if len(seqs) > 0 && len(seqs) < o.Limit || len(seqs) == 0 && o.Offset == 0 {
		res.Total = o.Offset + len(seqs) // the last page: nothing more to count
	} else if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM search WHERE search MATCH ?`+filter, append([]any{match}, fargs...)...).Scan(&res.Total); err != nil {
		return Results{}, searchErr(query, err)
	}
	return res, nil
}

// dated is the time a report is sorted by (when).
func dated(j job.Job) time.Time {
	if j.FinishedAt != nil {
		return *j.FinishedAt
	}
	return j.CreatedAt
}

// ints is a list of numbers for SQL IN (...): "NULL" when empty.
func ints(ns []int64) string {
	if len(ns) == 0 {
		return "NULL"
	}
	var b strings.Builder
	for i, n := range ns {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(n, 10))
	}
	return b.String()
}

// each runs a query and calls f for every row.
func (s *Store) each(ctx context.Context, q string, args []any, f func(scanner) error) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// seqs runs a query of job sequence numbers.
func (s *Store) seqs(ctx context.Context, q string, args ...any) ([]int64, error) {
	var out []int64
	err := s.each(ctx, q, args, func(sc scanner) error {
		var n int64
		err := sc.Scan(&n)
		out = append(out, n)
		return err
	})
	return out, err
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

// hitSnippet is the snippet of one hit: FTS5's snippet (marked) when it
// has a match; for a CJK query, the CJK text found in the report, its
// sources, prompt or title (texts); else the start of the report (start).
func hitSnippet(cjk []string, start, marked string, texts []string) string {
	if strings.Contains(marked, "\x02") {
		return searchq.Flatten(marked)
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
