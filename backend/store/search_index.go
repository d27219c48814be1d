package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/deepr-desktop/deepr/backend/job"
)

// The search table (migrations/0003_search.sql) has one row per job with a
// report, rowid = jobs.seq, and the columns
//
//	prompt, title  as written
//	body           the report as plain text (PlainText)
//	sources        cited sources' titles and host names (sourcesText)
//	cjk            CJK bigrams of all of the above (cjkIndex)
//
// Rows listed in search_stale were filled by SQL alone (the migration) and
// are rebuilt in Go by reindexStale when the database is opened.

// bm25 weights of the search columns: prompt, title, body, sources, cjk.
const bm25Weights = "4.0, 8.0, 1.0, 2.0, 1.0"

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
	body := PlainText(markdown + qa)
	src := sourcesText(cs)
	if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid = ?`, seq); err != nil {
		return fmt.Errorf("updating the search index: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO search (rowid, prompt, title, body, sources, cjk) VALUES (?, ?, ?, ?, ?, ?)`,
		seq, prompt, title, body, src, cjkIndex(prompt, title, body, src)); err != nil {
		return fmt.Errorf("updating the search index: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_stale WHERE seq = ?`, seq); err != nil {
		return fmt.Errorf("updating the search index: %w", err)
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
