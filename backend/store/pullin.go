package store

import (
	"context"
	"fmt"
	"time"
)

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
