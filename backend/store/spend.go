package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

// Charge is what a job was submitted under: the prices in force, its
// estimate (the high end is reserved against the monthly budget while the
// job is queued, submitting, running or unconfirmed) and its optional cost
// cap (also job.Job.MaxCostUSD).
type Charge struct {
	Prices          cost.Prices `json:"prices"`
	EstimateLowUSD  float64     `json:"estimate_low_usd"`
	EstimateHighUSD float64     `json:"estimate_high_usd"`
	MaxCostUSD      float64     `json:"max_cost_usd"` // 0: no cap
}

// BudgetCheck is what a submission brings to the budget rule.
type BudgetCheck struct {
	Budget   cost.Budget // the monthly budget and this job's cap (0: none)
	Estimate cost.Range  // this job's estimate; HighUSD is checked and reserved
	Prices   cost.Prices // the prices in force, stored with the job
}

// validate refuses a check that would let a job through for free: no
// prices (an unknown model) or an estimate that is not a number of dollars.
func (c BudgetCheck) validate() error {
	if !c.Prices.Known() {
		return errors.New("no price is known for this model, so its cost cannot be estimated or limited: add it to " +
			cost.PricesSetting + " (see docs/costs.md)")
	}
	if err := c.Prices.Validate(); err != nil {
		return err
	}
	lo, hi := c.Estimate.LowUSD, c.Estimate.HighUSD
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(hi, 0) || lo < 0 || hi < lo {
		return fmt.Errorf("the estimate $%v to $%v is not a range of dollars", lo, hi)
	}
	return nil
}

func (c BudgetCheck) charge() Charge {
	return Charge{Prices: c.Prices, EstimateLowUSD: c.Estimate.LowUSD, EstimateHighUSD: c.Estimate.HighUSD, MaxCostUSD: c.Budget.MaxCostUSD}
}

// queryer is a *sql.DB or a *sql.Tx.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Which jobs reserve their high estimate, as SQL lists of statuses.
const (
	// reservingIn: every job that may still cost money, checked at submit.
	// An unconfirmed job reserves until it is adopted (running), dismissed
	// (cancelled) or deleted: the provider may be running and billing it.
	reservingIn = `('queued', 'submitting', 'running', 'unconfirmed')`
	// sentIn: the jobs already sent (or maybe sent), checked when a queued
	// job is about to be sent; queued jobs do not hold each other back.
	sentIn = `('submitting', 'running', 'unconfirmed')`
)

// totals returns, in one statement (one consistent snapshot), this
// month's spend (attempts finished in [start, end)) and what is reserved:
// the high estimates of the jobs in statuses (reservingIn or sentIn) other
// than exceptID, and of the unconfirmed attempts left behind by a resubmit
// this month (see ResubmitWithinBudget) of jobs that still exist, and
// of every helper call not settled yet (ReserveHelper).
func totals(ctx context.Context, q queryer, start, end time.Time, exceptID, statuses string) (spent, reserved float64, err error) {
	s, err := toNanos(start)
	if err != nil {
		return 0, 0, err
	}
	e, err := toNanos(end)
	if err != nil {
		return 0, 0, err
	}
	err = q.QueryRowContext(ctx, `SELECT
		(SELECT COALESCE(sum(cost_usd), 0) FROM attempts WHERE finished_at >= ? AND finished_at < ?),
		(SELECT COALESCE(sum(estimate_high_usd), 0) FROM jobs WHERE status IN `+statuses+` AND id <> ?)
		+ (SELECT COALESCE(sum(unconfirmed_reserve_usd), 0) FROM attempts WHERE unconfirmed_reserve_usd > 0
			AND finished_at >= ? AND finished_at < ? AND job_id IN (SELECT id FROM jobs))
		+ (SELECT COALESCE(sum(high_usd), 0) FROM helper_reservations)`,
		s, e, exceptID, s, e).Scan(&spent, &reserved)
	if err != nil {
		return 0, 0, fmt.Errorf("reading this month's spend: %w", err)
	}
	return spent, reserved, nil
}

// thisMonth returns the current month (by the store's clock) and its bounds.
func (s *Store) thisMonth() (month string, start, end time.Time) {
	month = cost.MonthOf(s.now())
	start, end, _ = cost.ParseMonth(month)
	return month, start, end
}

// decide applies the budget rule inside q's snapshot.
func (s *Store) decide(ctx context.Context, q queryer, check BudgetCheck, exceptID string) (cost.Decision, error) {
	if err := check.validate(); err != nil {
		return cost.Decision{}, err
	}
	month, start, end := s.thisMonth()
	spent, reserved, err := totals(ctx, q, start, end, exceptID, reservingIn)
	if err != nil {
		return cost.Decision{}, err
	}
	return cost.Decide(check.Budget, month, spent, reserved, check.Estimate), nil
}

// CheckBudget applies the budget rule without submitting anything (for
// `deepr submit --dry-run` and the form's estimate): the numbers and
// whether a submission now would pass.
func (s *Store) CheckBudget(ctx context.Context, check BudgetCheck) (cost.Decision, error) {
	return s.decide(ctx, s.db, check, "")
}

// CreateJobWithinBudget is CreateJob under the budget rule, in ONE write
// (immediate) transaction: spent this month + reserved + this job's high
// estimate is checked against the monthly budget, and the high estimate
// against the per-job cap; a refusal is a *cost.BudgetError (errors.Is
// cost.ErrOverBudget) and nothing is written. Otherwise the job is
// inserted with its Charge. Because the check and the insert share the
// write lock, two submissions (from two processes too) cannot both pass
// on the same remaining budget.
func (s *Store) CreateJobWithinBudget(ctx context.Context, j job.Job, check BudgetCheck) (job.Job, error) {
	j.MaxCostUSD = check.Budget.MaxCostUSD
	return s.createJob(ctx, j, func(tx *sql.Tx, j job.Job) error {
		d, err := s.decide(ctx, tx, check, j.ID)
		if err != nil {
			return err
		}
		if err := d.Err(); err != nil {
			return err
		}
		return putChargeTx(ctx, tx, j.ID, check.charge())
	})
}

// ResubmitWithinBudget starts a new attempt of a job under the same rule
// and in ONE transaction: the budget is checked first (a refusal writes
// nothing), then fn is applied as by Update (it moves the job back to
// queued and raises Attempt), and the new attempt's Charge replaces the
// old; the job keeps check's cap (job.Job.MaxCostUSD).
//
// An unconfirmed attempt may still be running at the provider, so when
// the job was unconfirmed, its attempt's high estimate stays reserved
// (attempts.unconfirmed_reserve_usd, for the month the attempt ended in,
// until the job is deleted) and counts in this very check.
func (s *Store) ResubmitWithinBudget(ctx context.Context, id string, check BudgetCheck, fn func(*job.Job) error) (job.Job, error) {
	var out job.Job
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE attempts SET unconfirmed_reserve_usd =
			(SELECT estimate_high_usd FROM jobs WHERE id = ?)
			WHERE kind = 'research' AND job_id = ? AND status = 'unconfirmed'
			AND attempt = (SELECT attempt FROM jobs WHERE id = ? AND status = 'unconfirmed')`, id, id, id); err != nil {
			return fmt.Errorf("keeping the reservation of job %s's unconfirmed attempt: %w", id, err)
		}
		d, err := s.decide(ctx, tx, check, id)
		if err != nil {
			return err
		}
		if err := d.Err(); err != nil {
			return err
		}
		out, err = s.updateTx(ctx, tx, id, func(c *job.Job) error {
			if err := fn(c); err != nil {
				return err
			}
			c.MaxCostUSD = check.Budget.MaxCostUSD
			return nil
		})
		if err != nil {
			return err
		}
		return putChargeTx(ctx, tx, id, check.charge())
	})
	if err != nil {
		return job.Job{}, err
	}
	return out, nil
}

func putChargeTx(ctx context.Context, tx *sql.Tx, id string, c Charge) error {
	prices, err := json.Marshal(c.Prices)
	if err != nil {
		return err
	}
	var capUSD sql.NullFloat64
	if c.MaxCostUSD > 0 {
		capUSD = sql.NullFloat64{Float64: c.MaxCostUSD, Valid: true}
	}
	_, err = tx.ExecContext(ctx, `UPDATE jobs SET prices = ?, estimate_low_usd = ?, estimate_high_usd = ?, max_cost_usd = ?
		WHERE id = ?`, string(prices), c.EstimateLowUSD, c.EstimateHighUSD, capUSD, id)
	if err != nil {
		return fmt.Errorf("saving the prices and estimate of job %s: %w", id, err)
	}
	return nil
}

// Charges returns the Charge of each job named (exact ids); a job created
// without one has the zero Charge, a missing job is left out.
func (s *Store) Charges(ctx context.Context, ids ...string) (map[string]Charge, error) {
	out := make(map[string]Charge, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500) // stay well under SQLite's variable limit
		batch := ids[:n]
		ids = ids[n:]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		rows, err := s.db.QueryContext(ctx, `SELECT id, prices, estimate_low_usd, estimate_high_usd, max_cost_usd
			FROM jobs WHERE id IN (?`+strings.Repeat(", ?", len(batch)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("reading job estimates: %w", err)
		}
		err = scanCharges(rows, out)
		if err != nil {
			return nil, fmt.Errorf("reading job estimates: %w", err)
		}
	}
	return out, nil
}

func scanCharges(rows *sql.Rows, out map[string]Charge) error {
	defer rows.Close()
	for rows.Next() {
		var (
			id, prices string
			c          Charge
			capUSD     sql.NullFloat64
		)
		if err := rows.Scan(&id, &prices, &c.EstimateLowUSD, &c.EstimateHighUSD, &capUSD); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(prices), &c.Prices); err != nil {
			return fmt.Errorf("job %s: reading its prices: %w", id, err)
		}
		c.MaxCostUSD = capUSD.Float64
		out[id] = c
	}
	return rows.Err()
}

// GetCharge returns the Charge of one job (exact id; ErrNotFound).
func (s *Store) GetCharge(ctx context.Context, id string) (Charge, error) {
	m, err := s.Charges(ctx, id)
	if err != nil {
		return Charge{}, err
	}
	c, ok := m[id]
	if !ok {
		return Charge{}, fmt.Errorf("job %q: %w", id, ErrNotFound)
	}
	return c, nil
}

// budgetAlertKey names the once-a-month budget alert in the notices table.
const budgetAlertKey = "budget-80"

// BudgetAlert is the once-a-month notice that spending passed
// cost.AlertShare of the monthly budget.
type BudgetAlert struct {
	Month     string  `json:"month"`
	SpentUSD  float64 `json:"spent_usd"`
	BudgetUSD float64 `json:"budget_usd"`
}

// Message is the notification text.
func (a BudgetAlert) Message() string {
	return fmt.Sprintf("%s of your %s monthly budget is spent in %s. New research that would go over it is refused; raise it with %s or in Settings.",
		cost.FormatUSD(a.SpentUSD), cost.FormatUSD(a.BudgetUSD), a.Month, cost.BudgetSetting)
}

// ClaimBudgetAlert decides whether the budget alert is due now (see
// cost.AlertDue: a budget is set, this month's spend reached 80% of it, and
// it was not sent this month) and, if so, records this month as sent, in
// one write transaction: of several processes asking at once, one gets
// due == true. The caller sends the notification when due. Call it after
// an attempt ends; a zero budget is never due and writes nothing.
func (s *Store) ClaimBudgetAlert(ctx context.Context, monthlyUSD float64) (a BudgetAlert, due bool, err error) {
	if monthlyUSD <= 0 {
		return BudgetAlert{}, false, nil
	}
	month, start, end := s.thisMonth()
	a = BudgetAlert{Month: month, BudgetUSD: monthlyUSD}
	err = s.write(ctx, func(tx *sql.Tx) error {
		spent, _, err := totals(ctx, tx, start, end, "", reservingIn)
		if err != nil {
			return err
		}
		a.SpentUSD = spent
		var last string
		err = tx.QueryRowContext(ctx, `SELECT month FROM notices WHERE key = ?`, budgetAlertKey).Scan(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("reading when the budget alert was last sent: %w", err)
		}
		if !cost.AlertDue(monthlyUSD, spent, month, last) {
			return nil
		}
		now, err := toNanos(s.now())
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notices (key, month, sent_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET month = excluded.month, sent_at = excluded.sent_at`,
			budgetAlertKey, month, now); err != nil {
			return fmt.Errorf("recording the budget alert: %w", err)
		}
		due = true
		return nil
	})
	if err != nil {
		return BudgetAlert{}, false, err
	}
	return a, due, nil
}
