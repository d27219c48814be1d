package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// KeyCheck is what is known of a provider's key: its last test ("Test
// key": when, whether it passed and what the provider said) and the last
// call the provider answered with it (a passed test, a run it accepted or
// a report it delivered, read from the jobs: the poller writes nothing
// more for it). Zero times: never.
type KeyCheck struct {
	Provider    string
	TestedAt    time.Time
	TestOK      bool
	TestMessage string
	LastOKAt    time.Time
}

// RecordKeyTest saves the outcome of a key test at the store's now; a
// passed test is also the last call the provider answered.
func (s *Store) RecordKeyTest(ctx context.Context, provider string, ok bool, message string) error {
	now, err := toNanos(s.now())
	if err != nil {
		return err
	}
	lastOK := int64(0)
	if ok {
		lastOK = now
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO key_checks (provider, tested_at, test_ok, test_message, last_ok_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (provider) DO UPDATE SET tested_at = excluded.tested_at, test_ok = excluded.test_ok,
			test_message = excluded.test_message, last_ok_at = max(last_ok_at, excluded.last_ok_at)`,
			provider, now, ok, message, lastOK)
		if err != nil {
			return fmt.Errorf("saving the key test of %s: %w", provider, err)
		}
		return nil
	})
}

// ForgetKeyChecks drops what is known of a provider's key (a new key was
// set or the key was cleared: the old one's tests and calls say nothing
// of it) and counts its calls from now on.
func (s *Store) ForgetKeyChecks(ctx context.Context, provider string) error {
	now, err := toNanos(s.now())
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO key_checks (provider, since) VALUES (?, ?)
			ON CONFLICT (provider) DO UPDATE SET since = excluded.since, tested_at = 0, test_ok = 0, test_message = '', last_ok_at = 0`, provider, now)
		return err
	})
}

// KeyChecks returns what is known of every provider's key, by provider
// (none for a provider of which nothing is known): its last test, and the
// last call the provider answered since its key was set (a passed test, a
// run it accepted, a report it delivered; runs sent with an earlier key do
// not count).
func (s *Store) KeyChecks(ctx context.Context) (map[string]KeyCheck, error) {
	rows, err := s.db.QueryContext(ctx, `WITH p AS (SELECT provider FROM key_checks UNION SELECT DISTINCT provider FROM jobs)
		SELECT p.provider, coalesce(k.tested_at, 0), coalesce(k.test_ok, 0), coalesce(k.test_message, ''),
		max(coalesce(k.last_ok_at, 0), coalesce((SELECT max(max(coalesce(j.submitted_at, 0),
			CASE WHEN j.status IN ('completed', 'incomplete') THEN coalesce(j.finished_at, 0) ELSE 0 END))
			FROM jobs j WHERE j.provider = p.provider AND coalesce(j.submitted_at, 0) > coalesce(k.since, 0)), 0))
		FROM p LEFT JOIN key_checks k ON k.provider = p.provider`)
	if err != nil {
		return nil, fmt.Errorf("reading the key checks: %w", err)
	}
	defer rows.Close()
	out := map[string]KeyCheck{}
	for rows.Next() {
		var (
			k              KeyCheck
			tested, lastOK int64
		)
		if err := rows.Scan(&k.Provider, &tested, &k.TestOK, &k.TestMessage, &lastOK); err != nil {
			return nil, err
		}
		if tested == 0 && lastOK == 0 {
			continue
		}
		k.TestedAt, k.LastOKAt = fromNanosOrZero(tested), fromNanosOrZero(lastOK)
		out[k.Provider] = k
	}
	return out, rows.Err()
}

// fromNanosOrZero reads a time where 0 means never.
func fromNanosOrZero(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return fromNanos(n)
}
