package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// Feed tells whether anything was committed to the database since it last
// looked, by another process or through another connection of this one,
// and whether the commits touched jobs. It holds one connection of its own
// and asks SQLite for PRAGMA data_version, which changes exactly when some
// OTHER connection committed: no timestamps, no slack, and a look costs no
// disk write. Only then does it read the job_changes counter (migration
// 0006), which every insert, update and delete of a job bumps by trigger.
// A Feed is not safe for concurrent use; Close it when done.
type Feed struct {
	conn     *sql.Conn
	last     int64 // data_version at the last look
	lastJobs int64 // job_changes.n at the last look
}

// Change is what a Feed saw since its last look.
type Change struct {
	Committed bool // another connection committed something (the lease, a job, a report)
	Jobs      bool // ... and it inserted, updated or deleted a job
}

// NewFeed opens a Feed whose baseline is the database as it is now.
func (s *Store) NewFeed(ctx context.Context) (*Feed, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening the database change feed: %w", err)
	}
	f := &Feed{conn: conn}
	if f.last, err = f.version(ctx); err == nil {
		f.lastJobs, err = f.jobWrites(ctx)
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return f, nil
}

func (f *Feed) version(ctx context.Context) (int64, error) {
	var v int64
	if err := f.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("reading the database change counter: %w", err)
	}
	return v, nil
}

func (f *Feed) jobWrites(ctx context.Context) (int64, error) {
	var n int64
	if err := f.conn.QueryRowContext(ctx, `SELECT n FROM job_changes WHERE id = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("reading the job change counter: %w", err)
	}
	return n, nil
}

// Changed reports what other connections committed since the last call
// (or since NewFeed). It reads only.
func (f *Feed) Changed(ctx context.Context) (Change, error) {
	v, err := f.version(ctx)
	if err != nil || v == f.last {
		return Change{}, err
	}
	n, err := f.jobWrites(ctx)
	if err != nil {
		return Change{}, err // f.last stays: the next call looks again
	}
	c := Change{Committed: true, Jobs: n != f.lastJobs}
	f.last, f.lastJobs = v, n
	return c, nil
}

// Close releases the feed's connection.
func (f *Feed) Close() error {
	return f.conn.Close()
}

// JobVersions returns the version of every job, by id. Every write to a
// job bumps its version (see Update), so comparing two results tells
// exactly which jobs were created, changed or deleted in between.
func (s *Store) JobVersions(ctx context.Context) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, version FROM jobs`)
	if err != nil {
		return nil, fmt.Errorf("reading job versions: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var v int64
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("reading job versions: %w", err)
		}
		out[id] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading job versions: %w", err)
	}
	return out, nil
}

// Slot is when an active job is next due, as the database has it.
type Slot struct {
	ID         string
	Provider   string
	Status     job.Status
	Version    int64
	NextPollAt time.Time
}

// Schedule returns every active job's slot (queued, submitting, running),
// earliest due first. It reads a few small columns only, so the poller can
// call it after every pass.
func (s *Store) Schedule(ctx context.Context) ([]Slot, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, provider, status, version, next_poll_at FROM jobs
		WHERE status IN `+activeIn+` ORDER BY next_poll_at, created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("reading the poll schedule: %w", err)
	}
	defer rows.Close()
	var out []Slot
	for rows.Next() {
		var sl Slot
		var status string
		var next int64
		if err := rows.Scan(&sl.ID, &sl.Provider, &status, &sl.Version, &next); err != nil {
			return nil, fmt.Errorf("reading the poll schedule: %w", err)
		}
		sl.Status = job.Status(status)
		sl.NextPollAt = fromNanos(next)
		out = append(out, sl)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the poll schedule: %w", err)
	}
	return out, nil
}
