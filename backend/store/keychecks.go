package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// KeyCheck is what is known of a provider's key: its last test ("Test
// key": when, whether it passed and what the provider said) and the last
// call the provider answered with it. Zero times: never.
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

// RecordKeyOK saves that the provider answered a call at the store's now.
func (s *Store) RecordKeyOK(ctx context.Context, provider string) error {
	now, err := toNanos(s.now())
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO key_checks (provider, last_ok_at) VALUES (?, ?)
			ON CONFLICT (provider) DO UPDATE SET last_ok_at = max(last_ok_at, excluded.last_ok_at)`, provider, now)
		if err != nil {
			return fmt.Errorf("saving the last call %s answered: %w", provider, err)
		}
		return nil
	})
}

// ForgetKeyChecks drops what is known of a provider's key (a new key was
// set or the key was cleared: the old one's tests say nothing of it).
func (s *Store) ForgetKeyChecks(ctx context.Context, provider string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM key_checks WHERE provider = ?`, provider)
		return err
	})
}

// KeyChecks returns what is known of every provider's key, by provider.
func (s *Store) KeyChecks(ctx context.Context) (map[string]KeyCheck, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT provider, tested_at, test_ok, test_message, last_ok_at FROM key_checks`)
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
