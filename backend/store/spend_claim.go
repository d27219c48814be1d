package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

// The budget when a queued job is about to be sent. A job passed the
// budget when it was queued, but the budget may have been lowered since,
// or runs may have cost more than their estimate: the worker checks it
// again, against the budget in force, in the same write that claims it.

// SendDecision applies the budget rule to a queued job as it would be
// sent now under budgetUSD (0: no monthly budget): this month's spend +
// what the jobs already sent reserve (submitting, running, unconfirmed;
// other queued jobs do not count) + the job's own high estimate, as
// stored with it. The job's cap is not checked again: its estimate has
// not changed since it passed it. It writes nothing (the waiting reason
// a face shows); ClaimWithinBudget applies the same rule. The id must be
// exact (ErrNotFound otherwise).
func (s *Store) SendDecision(ctx context.Context, id string, budgetUSD float64) (cost.Decision, error) {
	return s.sendDecision(ctx, s.db, id, budgetUSD)
}

func (s *Store) sendDecision(ctx context.Context, q queryer, id string, budgetUSD float64) (cost.Decision, error) {
	var est cost.Range
	err := q.QueryRowContext(ctx, `SELECT estimate_low_usd, estimate_high_usd FROM jobs WHERE id = ?`, id).
		Scan(&est.LowUSD, &est.HighUSD)
	if errors.Is(err, sql.ErrNoRows) {
		return cost.Decision{}, fmt.Errorf("job %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return cost.Decision{}, fmt.Errorf("reading the estimate of job %s: %w", id, err)
	}
	month, start, end := s.thisMonth()
	spent, reserved, err := totals(ctx, q, start, end, id, sentIn)
	if err != nil {
		return cost.Decision{}, err
	}
	return cost.Decide(cost.Budget{MonthlyUSD: budgetUSD}, month, spent, reserved, est), nil
}

// ClaimWithinBudget applies fn to a queued job as Update does (the worker
// moves it queued -> submitting before its create call) when it fits the
// budget in force (SendDecision), in ONE write transaction, so two
// claims cannot both pass on the same remaining budget. A job that no
// longer fits is refused with a *cost.BudgetError (errors.Is
// cost.ErrOverBudget) and nothing is written: it stays queued.
func (s *Store) ClaimWithinBudget(ctx context.Context, id string, budgetUSD float64, fn func(*job.Job) error) (job.Job, error) {
	if budgetUSD <= 0 {
		return s.Update(ctx, id, fn)
	}
	return s.updateAfter(ctx, id, func(tx *sql.Tx) error {
		d, err := s.sendDecision(ctx, tx, id, budgetUSD)
		if err != nil {
			return err
		}
		return d.Err()
	}, fn)
}

// updateAfter is Update with check run first, in the same transaction:
// an error from check writes nothing and is returned as is.
func (s *Store) updateAfter(ctx context.Context, id string, check func(tx *sql.Tx) error, fn func(*job.Job) error) (job.Job, error) {
	var out job.Job
	err := s.write(ctx, func(tx *sql.Tx) error {
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		var err error
		out, err = s.updateTx(ctx, tx, id, fn)
		return err
	})
	if err != nil {
		return job.Job{}, err
	}
	return out, nil
}
