package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
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
	err = s.leaseWrite(ctx, func(tx *sql.Tx) error {
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
	err := s.leaseWrite(ctx, func(tx *sql.Tx) error {
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

// leaseWrite runs fn in one immediate transaction on the lease's own
// connection, whose commits do not wait for the disk (synchronous=NORMAL).
// In WAL mode such a commit is atomic and consistent, and stays on disk
// once the log is next synced (by any full-sync commit or a checkpoint);
// only a power cut before then can undo it. For the lease that costs
// nothing (the heartbeat merely looks older, as the holder's would after a
// crash), and the renewal every heartbeat is the only write of an idle
// process: it then wakes no disk and blocks no thread in fsync. Every
// job, report and spend write keeps the full sync of the pool's
// connections; the lease connection is held for the Store's life and never
// returns to the pool. After a failed write it is dropped and opened anew.
func (s *Store) leaseWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.leaseConn == nil {
		c, err := s.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("opening the lease connection: %w", err)
		}
		if _, err := c.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); err != nil {
			discardConn(c)
			return fmt.Errorf("opening the lease connection: %w", err)
		}
		s.leaseConn = c
	}
	err := s.commit(ctx, s.leaseConn, fn)
	if err != nil {
		discardConn(s.leaseConn)
		s.leaseConn = nil
	}
	return err
}

// discardConn closes c for good instead of returning it to the pool (what
// Close does), so a connection without full sync never serves a job write.
func discardConn(c *sql.Conn) {
	_ = c.Raw(func(any) error { return driver.ErrBadConn })
	_ = c.Close() // already closed by Raw; ErrConnDone
}
