package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/render"
	"github.com/deepr-desktop/deepr/backend/searchq"
)

// The search index (migrations/0010_search.sql) has one row per job with
// a report, rowid = jobs.seq, and the columns
//
//	body           the report and its questions as plain text (render.PlainText)
//	sources        cited sources' titles and host names (sourcesText)
//	prompt, title  as written
//	cjk            CJK bigrams of all of the above (searchq.CJKIndex)
//
// search_text holds the row as written (without the bigrams) and is what
// FTS5's snippet() and highlight() read; the FTS5 index holds the words of
// searchq.Fold of it, stemmed by FTS5's porter tokenizer. Fold keeps every
// word in its place, so the index's positions are those of search_text.
// Because the index does not hold what search_text holds, a row is only
// ever removed with FTS5's 'delete' command and the values it was indexed
// with (unindexTx), never with DELETE.
//
// Rows listed in search_stale are rebuilt in Go by reindexStale when the
// database is opened (after a migration that changes how rows are made).

// bm25 weights of the search columns, in their order: body, sources,
// prompt, title, cjk. A title or a prompt that has the words ranks far
// above a report that only mentions them.
const bm25Weights = "1.0, 2.0, 6.0, 10.0, 1.0"

// indexTx replaces the search row of the job with sequence number seq.
// The body is the report and the questions asked about it with their
// answers.
func indexTx(ctx context.Context, tx *sql.Tx, seq int64, prompt, title, markdown string, cs []job.Citation) error {
	var jobID string
	if err := tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE seq = ?`, seq).Scan(&jobID); err != nil {
		return fmt.Errorf("updating the search index: %w", err)
	}
	qa, err := questionsText(ctx, tx, jobID)
	if err != nil {
		return fmt.Errorf("updating the search index: %w", err)
	}
	if err := unindexTx(ctx, tx, seq); err != nil {
		return err
	}
	body := render.PlainText(markdown + qa)
	src := sourcesText(cs)
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_text (seq, prompt, title, body, sources) VALUES (?, ?, ?, ?, ?)`,
		seq, prompt, title, body, src); err != nil {
		return fmt.Errorf("updating the search index: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO search (rowid, prompt, title, body, sources, cjk) VALUES (?, ?, ?, ?, ?, ?)`,
		seq, searchq.Fold(prompt), searchq.Fold(title), searchq.Fold(body), searchq.Fold(src), searchq.CJKIndex(prompt, title, body, src)); err != nil {
		return fmt.Errorf("updating the search index: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_stale WHERE seq = ?`, seq); err != nil {
		return fmt.Errorf("updating the search index: %w", err)
	}
	return nil
}

// unindexTx removes the search row of seq, if it has one: the index
// entries with the values indexTx gave them, then the text.
func unindexTx(ctx context.Context, tx *sql.Tx, seq int64) error {
	var prompt, title, body, src string
	err := tx.QueryRowContext(ctx, `SELECT prompt, title, body, sources FROM search_text WHERE seq = ?`, seq).Scan(&prompt, &title, &body, &src)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("removing a report from the search index: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO search (search, rowid, prompt, title, body, sources, cjk) VALUES ('delete', ?, ?, ?, ?, ?, ?)`,
		seq, searchq.Fold(prompt), searchq.Fold(title), searchq.Fold(body), searchq.Fold(src), searchq.CJKIndex(prompt, title, body, src)); err != nil {
		return fmt.Errorf("removing a report from the search index: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_text WHERE seq = ?`, seq); err != nil {
		return fmt.Errorf("removing a report from the search index: %w", err)
	}
	return nil
}

// reindexBatch is how many stale rows one transaction rebuilds.
const reindexBatch = 200

// reindexStale rebuilds every search row listed in search_stale, a batch
// per transaction, so an interrupted run resumes at the next Open. It
// returns how many rows it rebuilt. When no row is stale (the usual case)
// it only reads, so opening the database never waits for a writer.
func (s *Store) reindexStale(ctx context.Context) (int, error) {
	var pending bool
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM search_stale)`).Scan(&pending); err != nil {
		return 0, fmt.Errorf("rebuilding the search index: %w", err)
	}
	if !pending {
		return 0, nil
	}
	total := 0
	for {
		n := 0
		err := s.write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `DELETE FROM search_stale WHERE seq NOT IN
				(SELECT j.seq FROM jobs j JOIN reports r ON r.job_id = j.id)`); err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, `SELECT j.seq, j.id, j.prompt, r.title, r.markdown
				FROM search_stale st JOIN jobs j ON j.seq = st.seq JOIN reports r ON r.job_id = j.id
				ORDER BY st.seq LIMIT ?`, reindexBatch)
			if err != nil {
				return err
			}
			type stale struct {
				seq                         int64
				id, prompt, title, markdown string
			}
			var batch []stale
			for rows.Next() {
				var r stale
				if err := rows.Scan(&r.seq, &r.id, &r.prompt, &r.title, &r.markdown); err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, r := range batch {
				cs, err := citationsTx(ctx, tx, r.id)
				if err != nil {
					return err
				}
				if err := indexTx(ctx, tx, r.seq, r.prompt, r.title, r.markdown, cs); err != nil {
					return fmt.Errorf("job %s: %w", r.id, err)
				}
			}
			n = len(batch)
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("rebuilding the search index: %w", err)
		}
		total += n
		if n < reindexBatch {
			return total, nil
		}
	}
}

// citationsTx reads the citations of a job in list order.
func citationsTx(ctx context.Context, tx *sql.Tx, jobID string) ([]job.Citation, error) {
	rows, err := tx.QueryContext(ctx, `SELECT idx, url, title, start, "end" FROM citations WHERE job_id = ? ORDER BY pos`, jobID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []job.Citation
	for rows.Next() {
		var c job.Citation
		if err := rows.Scan(&c.Index, &c.URL, &c.Title, &c.Start, &c.End); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// sourcesText is the sources column: one line per cited URL with its
// title and host name ("Energy outlook www.example.jp").
func sourcesText(cs []job.Citation) string {
	seen := map[string]bool{}
	var b strings.Builder
	for _, c := range cs {
		if seen[c.URL] {
			continue
		}
		seen[c.URL] = true
		host := ""
		if u, err := url.Parse(strings.TrimSpace(c.URL)); err == nil {
			host = u.Hostname()
		}
		line := strings.TrimSpace(strings.Join(strings.Fields(c.Title), " ") + " " + host)
		if line != "" {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
