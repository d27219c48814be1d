package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// HelperExpiry is how long a helper call's reservation holds the budget.
// A call ends within the provider's request timeout (a minute); a
// reservation still open an hour later was left by a process that died
// between reserving and settling, and is settled at its high estimate
// (SettleExpiredHelpers): whether the call was sent and paid is unknown,
// and Deepr never counts less than it may have paid.
const HelperExpiry = time.Hour

// HelperReservation is the budget held for one helper call from before it
// is sent until its cost is recorded.
type HelperReservation struct {
	ID       string // the call's id ("<kind>-<random>"): its attempt row's job_id once settled
	Kind     string // KindAsk, KindClarify or KindBrief
	About    string // the job it is about, "" for none
	Provider string
	Model    string
	Title    string // what the spend view lists once it is settled
	HighUSD  float64
	At       time.Time // when it was reserved
	Expires  time.Time // when it is settled at HighUSD if still open
	Via      string    // "" (the window, the CLI) or job.ViaAssistant; kept on its attempt row
}

// ReserveHelper reserves a helper call's high estimate (check.Estimate)
// under the budget rule, in ONE write (immediate) transaction: spent this
// month + every reservation (jobs' and helper calls' alike) + this call's
// high estimate is checked against the monthly budget, and only then is
// the reservation written. Two processes therefore cannot both pass on the
// same remaining budget. A refusal is a *cost.BudgetError (errors.Is
// cost.ErrOverBudget) and reserves nothing. Expired reservations are
// settled first (SettleExpiredHelpers). r.ID, r.At and r.Expires are
// filled in.
//
// The caller then makes the call and ends the reservation with ONE write:
// RecordHelperCall or SaveQuestion with r.ID (it cost something), or
// ReleaseHelper (the call failed: it cost nothing).
func (s *Store) ReserveHelper(ctx context.Context, r HelperReservation, check BudgetCheck) (HelperReservation, error) {
	if !helperKind(r.Kind) {
		return r, fmt.Errorf("reserving a helper call: unknown kind %q", r.Kind)
	}
	id, err := newID()
	if err != nil {
		return r, err
	}
	r.ID = r.Kind + "-" + id
	r.HighUSD = check.Estimate.HighUSD
	r.At = s.now().Round(0)
	r.Expires = r.At.Add(HelperExpiry)
	at, err := toNanos(r.At)
	if err != nil {
		return r, err
	}
	expires, err := toNanos(r.Expires)
	if err != nil {
		return r, err
	}
	if _, err := s.SettleExpiredHelpers(ctx); err != nil { // its own write: a refusal below must not undo it
		return HelperReservation{}, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		d, err := s.decide(ctx, tx, check, "")
		if err != nil {
			return err
		}
		if err := d.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO helper_reservations
			(id, kind, about, provider, model, title, high_usd, reserved_at, expires_at, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.Kind, r.About, r.Provider, r.Model, r.Title, r.HighUSD, at, expires, r.Via)
		if err != nil {
			return fmt.Errorf("reserving the budget of a %s call: %w", r.Kind, err)
		}
		return nil
	})
	if err != nil {
		return HelperReservation{}, err
	}
	return r, nil
}

// ReleaseHelper ends the reservation of a helper call that failed (the
// provider answered nothing, so nothing was billed). Releasing one already
// ended is not an error.
func (s *Store) ReleaseHelper(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM helper_reservations WHERE id = ?`, id); err != nil {
			return fmt.Errorf("releasing the reservation of helper call %s: %w", id, err)
		}
		return nil
	})
}

// SettleExpiredHelpers settles every reservation past its expiry at its
// high estimate: each becomes an attempt row (status unconfirmed, dated
// when it was reserved; a settle that comes later replaces it with the
// real cost) and stops being reserved. It returns how many it settled,
// and writes nothing when none has expired.
func (s *Store) SettleExpiredHelpers(ctx context.Context) (int, error) {
	now, err := toNanos(s.now())
	if err != nil {
		return 0, err
	}
	var expired int
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM helper_reservations WHERE expires_at <= ?`, now).Scan(&expired)
	if err != nil {
		return 0, fmt.Errorf("reading the helper reservations: %w", err)
	}
	if expired == 0 {
		return 0, nil
	}
	var n int
	err = s.write(ctx, func(tx *sql.Tx) error {
		n, err = settleExpiredTx(ctx, tx, now)
		return err
	})
	return n, err
}

// settleExpiredTx settles the reservations that expired by now (unix ns).
func settleExpiredTx(ctx context.Context, tx *sql.Tx, now int64) (int, error) {
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO attempts
		(job_id, attempt, provider, model, title, status, cost_usd, usage, started_at, finished_at, kind, about, via)
		SELECT id, 1, provider, model, title, ?, high_usd, '{}', NULL, reserved_at, kind, about, via
		FROM helper_reservations WHERE expires_at <= ?`, string(job.Unconfirmed), now); err != nil {
		return 0, fmt.Errorf("settling expired helper reservations: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM helper_reservations WHERE expires_at <= ?`, now)
	if err != nil {
		return 0, fmt.Errorf("settling expired helper reservations: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// HelperReservations lists the open reservations, oldest first.
func (s *Store) HelperReservations(ctx context.Context) ([]HelperReservation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, about, provider, model, title, high_usd, reserved_at, expires_at
		FROM helper_reservations ORDER BY reserved_at, id`)
	if err != nil {
		return nil, fmt.Errorf("reading the helper reservations: %w", err)
	}
	defer rows.Close()
	out := []HelperReservation{}
	for rows.Next() {
		var (
			r          HelperReservation
			at, expire int64
		)
		if err := rows.Scan(&r.ID, &r.Kind, &r.About, &r.Provider, &r.Model, &r.Title, &r.HighUSD, &at, &expire); err != nil {
			return nil, fmt.Errorf("reading the helper reservations: %w", err)
		}
		r.At, r.Expires = fromNanos(at), fromNanos(expire)
		out = append(out, r)
	}
	return out, rows.Err()
}

func helperKind(k string) bool { return k == KindAsk || k == KindClarify || k == KindBrief }

// Kinds of attempt rows (attempts.kind): a research run, or a call of the
// helper model.
const (
	KindResearch = "research"
	KindAsk      = "ask"
	KindClarify  = "clarify"
	KindBrief    = "brief"
)

// HelperCall is one call of the helper model, kept as an attempt row so
// the month's spend and the budget count it.
type HelperCall struct {
	ID       string // "" : a new id is made ("<kind>-<random>")
	Kind     string // KindAsk, KindClarify or KindBrief
	About    string // the job it was about, "" for none
	Provider string
	Model    string
	Title    string // what the spend view lists, e.g. "Question: why ...?"
	Usage    job.Usage
	CostUSD  float64
	At       time.Time // zero: now
	Via      string    // "" : its reservation's (job.ViaAssistant for an assistant's call)
}

// RecordHelperCall keeps the cost of a helper call and, in the same write,
// ends its reservation (c.ID, from ReserveHelper). It returns the call
// with its id and time. Recording the same id again replaces the row, so
// a retry after a commit that seemed to fail counts the call once, and the
// real cost replaces the high estimate of a reservation settled when it
// expired.
func (s *Store) RecordHelperCall(ctx context.Context, c HelperCall) (HelperCall, error) {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.helperCallTx(ctx, tx, c)
		return err
	})
	return c, err
}

func (s *Store) helperCallTx(ctx context.Context, tx *sql.Tx, c HelperCall) (HelperCall, error) {
	if !helperKind(c.Kind) {
		return c, fmt.Errorf("recording a helper call: unknown kind %q", c.Kind)
	}
	if c.ID == "" {
		id, err := newID()
		if err != nil {
			return c, err
		}
		c.ID = c.Kind + "-" + id
	}
	if c.At.IsZero() {
		c.At = s.now()
	}
	c.At = c.At.UTC().Round(0)
	at, err := toNanos(c.At)
	if err != nil {
		return c, err
	}
	usage, err := json.Marshal(c.Usage)
	if err != nil {
		return c, err
	}
	// The face the call came through is its reservation's (or, settled
	// at its estimate already, that attempt's).
	if c.Via == "" {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT via FROM helper_reservations WHERE id = ?),
			(SELECT via FROM attempts WHERE job_id = ? AND attempt = 1 AND kind = ?), '')`, c.ID, c.ID, c.Kind).Scan(&c.Via); err != nil {
			return c, fmt.Errorf("settling the reservation of a %s call: %w", c.Kind, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM helper_reservations WHERE id = ?`, c.ID); err != nil {
		return c, fmt.Errorf("settling the reservation of a %s call: %w", c.Kind, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM attempts WHERE job_id = ? AND attempt = 1 AND kind = ?`, c.ID, c.Kind); err != nil {
		return c, fmt.Errorf("recording the cost of a %s call: %w", c.Kind, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO attempts
		(job_id, attempt, provider, model, title, status, cost_usd, usage, started_at, finished_at, kind, about, via)
		VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Provider, c.Model, c.Title, string(job.Completed), c.CostUSD, string(usage), at, at, c.Kind, c.About, c.Via)
	if err != nil {
		return c, fmt.Errorf("recording the cost of a %s call: %w", c.Kind, err)
	}
	return c, nil
}
