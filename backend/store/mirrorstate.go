package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The report folder of a job (package mirror) is a copy of what the
// database holds. jobs.mirrored_version is the job version the folder was
// last written from: a job with a report is due for a (re)write while its
// folder is not recorded (report_path = '') or is older than the row.

// MirrorDue returns up to limit ids (limit <= 0: all) of jobs with a report
// whose folder is missing from the record or older than the job, oldest
// first.
func (s *Store) MirrorDue(ctx context.Context, limit int) ([]string, error) {
	q := `SELECT j.id FROM jobs j INDEXED BY jobs_mirror_due
		WHERE (j.report_path = '' OR j.mirrored_version < j.version)
		  AND EXISTS (SELECT 1 FROM reports r WHERE r.job_id = j.id)
		ORDER BY j.updated_at, j.id`
	var args []any
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing reports whose folder is due: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("listing reports whose folder is due: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// MarkMirrored records that the folder of job id was written from the
// given version of the job. It changes nothing (and reports false) when the
// job changed since: its folder is then still due.
func (s *Store) MarkMirrored(ctx context.Context, id string, version int64) (bool, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET mirrored_version = version WHERE id = ? AND version = ?`, id, version)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("recording the report folder of job %s: %w", id, err)
	}
	return n == 1, nil
}

// FolderShared reports whether a job other than id records dir as its
// report folder (compared without case: macOS and Windows file systems
// do not tell case apart).
func (s *Store) FolderShared(ctx context.Context, id, dir string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM jobs WHERE id <> ? AND report_path <> '' AND lower(report_path) = lower(?) LIMIT 1`, id, dir).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("checking who else uses the folder %s: %w", dir, err)
	}
	return true, nil
}
