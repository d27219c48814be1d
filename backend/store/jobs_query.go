package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// Listing jobs: by filter, the due ones, the next due time and counts.

// statusIn appends "AND <col> IN (?, ...)" for a non-empty status list.
func statusIn(where []string, args []any, col string, sts []job.Status) ([]string, []any) {
	if len(sts) == 0 {
		return where, args
	}
	where = append(where, col+" IN (?"+strings.Repeat(", ?", len(sts)-1)+")")
	for _, st := range sts {
		args = append(args, string(st))
	}
	return where, args
}

// limitOffset renders LIMIT/OFFSET; limit <= 0 means none.
func limitOffset(limit, offset int) string {
	if limit <= 0 {
		limit = -1
	}
	if offset < 0 {
		offset = 0
	}
	return fmt.Sprintf(" LIMIT %d OFFSET %d", limit, offset)
}

// ListJobs returns jobs newest first (created_at desc, id desc).
func (s *Store) ListJobs(ctx context.Context, f ListFilter) ([]job.Job, error) {
	where := []string{"1"}
	var args []any
	where, args = statusIn(where, args, "status", f.Statuses)
	if f.Model != "" {
		where = append(where, "model = ?")
		args = append(args, f.Model)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE `+strings.Join(where, " AND ")+
		` ORDER BY created_at DESC, id DESC`+limitOffset(f.Limit, f.Offset), args...)
	if err != nil {
		return nil, fmt.Errorf("listing jobs: %w", err)
	}
	out, err := collectJobs(rows)
	if err != nil {
		return nil, fmt.Errorf("listing jobs: %w", err)
	}
	return out, nil
}

// DueJobs returns every active job (queued, submitting, running) whose
// next_poll_at <= now, oldest due first (next_poll_at asc, created_at asc).
// limit 0 means no limit.
func (s *Store) DueJobs(ctx context.Context, now time.Time, limit int) ([]job.Job, error) {
	n, err := toNanos(now)
	if err != nil {
		return nil, fmt.Errorf("finding due jobs: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+jobCols+` FROM jobs
		WHERE status IN `+activeIn+` AND next_poll_at <= ?
		ORDER BY next_poll_at, created_at, id`+limitOffset(limit, 0), n)
	if err != nil {
		return nil, fmt.Errorf("finding due jobs: %w", err)
	}
	out, err := collectJobs(rows)
	if err != nil {
		return nil, fmt.Errorf("finding due jobs: %w", err)
	}
	return out, nil
}

// CountStatus counts jobs of one provider in one status ("" provider: all).
func (s *Store) CountStatus(ctx context.Context, provider string, st job.Status) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM jobs WHERE status = ? AND (? = '' OR provider = ?)`,
		string(st), provider, provider).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting %s jobs: %w", st, err)
	}
	return n, nil
}

// GetJobByProviderID finds the job the provider knows by providerJobID
// (for webhooks). ErrNotFound when no job has that id.
func (s *Store) GetJobByProviderID(ctx context.Context, providerJobID string) (job.Job, error) {
	pid := strings.TrimSpace(providerJobID)
	if pid == "" {
		return job.Job{}, fmt.Errorf("no provider id given: %w", ErrNotFound)
	}
	j, err := scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE provider_job_id = ?`, pid))
	if errors.Is(err, sql.ErrNoRows) {
		return job.Job{}, fmt.Errorf("provider id %q: %w", pid, ErrNotFound)
	}
	if err != nil {
		return job.Job{}, fmt.Errorf("reading job with provider id %s: %w", pid, err)
	}
	return j, nil
}

// PullInPolls moves the next check of every running job that is due after
// by to by, when the poll interval got shorter (the webhook listener
// stopped, say): a job planned at the long interval is not left waiting.
// It is a scheduling detail, so the jobs' versions are not bumped; it
// returns how many jobs moved.
func (s *Store) PullInPolls(ctx context.Context, by time.Time) (int64, error) {
	n, err := toNanos(by)
	if err != nil {
		return 0, err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE jobs SET next_poll_at = ? WHERE status = 'running' AND next_poll_at > ?`, n, n)
	if err != nil {
		return 0, fmt.Errorf("moving the next checks of running jobs: %w", err)
	}
	return res.RowsAffected()
}
