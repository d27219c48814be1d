package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
)

// Finish is Update plus the report, in ONE transaction: fn sets the final
// status, provider status, usage, cost, finished time and report path; the
// report and its citations are written (replacing any previous one) and
// indexed for full-text search. Either everything commits or nothing.
// rep.JobID may be empty (it is set to id); an empty rep.Title becomes the
// job's title and a zero rep.CreatedAt becomes Now().
func (s *Store) Finish(ctx context.Context, id string, rep Report, fn func(*job.Job) error) (job.Job, error) {
	if rep.JobID != "" && rep.JobID != id {
		return job.Job{}, fmt.Errorf("saving the report of job %s: the report belongs to job %s", id, rep.JobID)
	}
	var out job.Job
	err := s.write(ctx, func(tx *sql.Tx) error {
		j, err := s.updateTx(ctx, tx, id, fn)
		if err != nil {
			return err
		}
		if err := s.putReportTx(ctx, tx, j, rep); err != nil {
			return fmt.Errorf("saving the report of job %s: %w", id, err)
		}
		out = j
		return nil
	})
	if err != nil {
		return job.Job{}, err
	}
	return out, nil
}

// putReportTx replaces the report, citations and search row of j.
func (s *Store) putReportTx(ctx context.Context, tx *sql.Tx, j job.Job, rep Report) error {
	if rep.Title == "" {
		rep.Title = j.Title()
	}
	if rep.CreatedAt.IsZero() {
		rep.CreatedAt = s.now()
	}
	created, err := toNanos(rep.CreatedAt)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO reports (job_id, title, markdown, raw, created_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (job_id) DO UPDATE SET title = excluded.title, markdown = excluded.markdown,
			raw = excluded.raw, created_at = excluded.created_at`,
		j.ID, rep.Title, rep.Markdown, rep.Raw, created); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM citations WHERE job_id = ?`, j.ID); err != nil {
		return err
	}
	if len(rep.Citations) > 0 {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO citations (job_id, pos, idx, url, title, start, "end")
			VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, c := range rep.Citations {
			if _, err := stmt.ExecContext(ctx, j.ID, i, c.Index, c.URL, c.Title, c.Start, c.End); err != nil {
				return fmt.Errorf("citation %d (%s): %w", i+1, c.URL, err)
			}
		}
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT seq FROM jobs WHERE id = ?`, j.ID).Scan(&seq); err != nil {
		return err
	}
	return indexTx(ctx, tx, seq, j.Prompt, rep.Title, rep.Markdown, rep.Citations)
}

// GetReport returns the report of a job (ErrNotFound if it has none). The
// id must be exact. Citations is empty, not nil, when there are none.
func (s *Store) GetReport(ctx context.Context, jobID string) (Report, error) {
	r := Report{JobID: jobID, Citations: []job.Citation{}}
	var created int64
	err := s.db.QueryRowContext(ctx, `SELECT title, markdown, raw, created_at FROM reports WHERE job_id = ?`, jobID).
		Scan(&r.Title, &r.Markdown, &r.Raw, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, fmt.Errorf("report of job %q: %w", jobID, ErrNotFound)
	}
	if err != nil {
		return Report{}, fmt.Errorf("reading the report of job %s: %w", jobID, err)
	}
	r.CreatedAt = fromNanos(created)
	if len(r.Raw) == 0 {
		r.Raw = nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT idx, url, title, start, "end" FROM citations
		WHERE job_id = ? ORDER BY pos`, jobID)
	if err != nil {
		return Report{}, fmt.Errorf("reading the citations of job %s: %w", jobID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c job.Citation
		if err := rows.Scan(&c.Index, &c.URL, &c.Title, &c.Start, &c.End); err != nil {
			return Report{}, fmt.Errorf("reading the citations of job %s: %w", jobID, err)
		}
		r.Citations = append(r.Citations, c)
	}
	if err := rows.Err(); err != nil {
		return Report{}, fmt.Errorf("reading the citations of job %s: %w", jobID, err)
	}
	rows.Close()
	qs, err := questionsOf(ctx, s.db, jobID)
	if err != nil {
		return Report{}, err
	}
	if len(qs) > 0 {
		r.Questions = qs
	}
	return r, nil
}

// DeleteJob removes a job with its report and citations, and takes it out
// of the search index. The id must be exact (ErrNotFound otherwise). A job
// being sent or running at the provider is not deleted: the status is read
// inside the deleting transaction, and ErrActive comes back (wrapped).
func (s *Store) DeleteJob(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var (
			seq    int64
			status string
		)
		err := tx.QueryRowContext(ctx, `SELECT seq, status FROM jobs WHERE id = ?`, id).Scan(&seq, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("job %q: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("deleting job %s: %w", id, err)
		}
		if !job.Deletable(job.Status(status)) {
			return fmt.Errorf("job %s is %s: %w", id, status, ErrActive)
		}
		if err := unindexTx(ctx, tx, seq); err != nil {
			return fmt.Errorf("deleting job %s: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE seq = ?`, seq); err != nil {
			return fmt.Errorf("deleting job %s: %w", id, err)
		}
		return nil
	})
}

// HasReports tells, for each of the exact job ids, whether a report text is
// saved for it (an incomplete run may have none). Ids without a report are
// absent from the map.
func (s *Store) HasReports(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	const chunk = 500 // well under SQLite's bound-parameter limit
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		part := ids[:n]
		ids = ids[n:]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := `SELECT job_id FROM reports WHERE length(markdown) > 0 AND job_id IN (?` + strings.Repeat(",?", len(part)-1) + `)`
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("looking up saved reports: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				_ = rows.Close()
				return nil, err
			}
			out[id] = true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
