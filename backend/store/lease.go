package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// AcquireLease takes or renews the single poller lease for holder. It
// succeeds when nobody holds it, holder already holds it, or the current
// holder's heartbeat is older than now-stale. On success the heartbeat is
// set to now. Atomic across processes: the check and the write are one
// UPDATE (after an INSERT OR IGNORE of the first row) in one immediate
// transaction.
func (s *Store) AcquireLease(ctx context.Context, holder string, now time.Time, stale time.Duration) (bool, error) {
	if holder == "" {
		return false, errors.New("taking the poller lease: no holder name given")
	}
	hb, err := toNanos(now)
	if err != nil {
		return false, fmt.Errorf("taking the poller lease: %w", err)
	}
	cutoff, err := toNanos(now.Add(-stale))
	if err != nil {
		return false, fmt.Errorf("taking the poller lease: %w", err)
	}
	var ok bool
	err = s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO lease (id, holder, heartbeat) VALUES (1, ?, ?)`, holder, hb)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			ok = true
			return nil
		}
		res, err = tx.ExecContext(ctx, `UPDATE lease SET holder = ?, heartbeat = ?
			WHERE id = 1 AND (holder = ? OR holder = '' OR heartbeat < ?)`, holder, hb, holder, cutoff)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		ok = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("taking the poller lease: %w", err)
	}
	return ok, nil
}

// ReleaseLease gives the lease up if holder holds it: the holder becomes
// empty and the last heartbeat stays.
func (s *Store) ReleaseLease(ctx context.Context, holder string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE lease SET holder = '' WHERE id = 1 AND holder = ?`, holder)
		return err
	})
	if err != nil {
		return fmt.Errorf("releasing the poller lease: %w", err)
	}
	return nil
}

// CurrentLease returns the lease row (ok false when nobody ever held it).
// After a release, ok is true and Holder is empty.
func (s *Store) CurrentLease(ctx context.Context) (l Lease, ok bool, err error) {
	var hb int64
	err = s.db.QueryRowContext(ctx, `SELECT holder, heartbeat FROM lease WHERE id = 1`).Scan(&l.Holder, &hb)
	if errors.Is(err, sql.ErrNoRows) {
		return Lease{}, false, nil
	}
	if err != nil {
		return Lease{}, false, fmt.Errorf("reading the poller lease: %w", err)
	}
	l.Heartbeat = fromNanos(hb)
	return l, true, nil
}
