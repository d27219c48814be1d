package cost

import (
	"errors"
	"fmt"
)

// BudgetSetting is the name of the monthly budget setting.
const BudgetSetting = "DEEPR_MONTHLY_BUDGET"

// ErrOverBudget matches (errors.Is) every *BudgetError.
var ErrOverBudget = errors.New("over budget")

// Budget is the spending limit in force. Zero means no limit.
type Budget struct {
	MonthlyUSD float64 // DEEPR_MONTHLY_BUDGET
	MaxCostUSD float64 // this job's cap (--max-cost, the form's field)
}

// Decision is the budget rule applied to one new run: the numbers it
// looked at and whether the run may start. Its JSON form is what
// `deepr submit --dry-run --json` prints.
type Decision struct {
	Month       string   `json:"month"`
	BudgetUSD   *float64 `json:"budget_usd"` // null: no monthly budget
	SpentUSD    float64  `json:"spent_usd"`
	ReservedUSD float64  `json:"reserved_usd"`
	Estimate    Range    `json:"estimate"`
	MaxCostUSD  *float64 `json:"max_cost_usd"` // null: no per-job cap
	Allowed     bool     `json:"allowed"`
	Refusal     string   `json:"refusal,omitempty"` // why not, with the numbers
	// Notes are what the user should know about the request (warnings,
	// not refusals), written by the research service for every face.
	Notes []string `json:"notes,omitempty"`
}

// Decide applies the one budget rule: a run is refused when its high
// estimate is over its per-job cap, or when spent this month (finished
// attempts) + reserved (high estimates of queued, submitting, running and
// unconfirmed jobs) + its high estimate is over the monthly budget.
// Reaching the budget exactly is allowed. Runs already started are never
// affected.
func Decide(b Budget, month string, spentUSD, reservedUSD float64, est Range) Decision {
	d := Decision{Month: month, SpentUSD: spentUSD, ReservedUSD: reservedUSD, Estimate: est, Allowed: true}
	if b.MonthlyUSD > 0 {
		v := b.MonthlyUSD
		d.BudgetUSD = &v
	}
	if b.MaxCostUSD > 0 {
		v := b.MaxCostUSD
		d.MaxCostUSD = &v
	}
	if err := d.check(); err != nil {
		d.Allowed = false
		d.Refusal = err.Error()
	}
	return d
}

// tolerance absorbs floating-point noise in sums of dollars.
const tolerance = 1e-9

func (d Decision) check() *BudgetError {
	e := &BudgetError{Month: d.Month, SpentUSD: d.SpentUSD, ReservedUSD: d.ReservedUSD, EstimateUSD: d.Estimate.HighUSD}
	if d.MaxCostUSD != nil && d.Estimate.HighUSD > *d.MaxCostUSD+tolerance {
		e.PerJob = true
		e.MaxCostUSD = *d.MaxCostUSD
		return e
	}
	if d.BudgetUSD != nil && d.SpentUSD+d.ReservedUSD+d.Estimate.HighUSD > *d.BudgetUSD+tolerance {
		e.BudgetUSD = *d.BudgetUSD
		return e
	}
	return nil
}

// Err is nil when the run is allowed, else its *BudgetError.
func (d Decision) Err() error {
	if e := d.check(); e != nil {
		return e
	}
	return nil
}

// BudgetError is a run refused by the budget rule. Its text is for people
// (every face shows it as it is): no setting variable or flag in it.
type BudgetError struct {
	PerJob      bool    // refused by the per-job cap, not the monthly budget
	Month       string  // "YYYY-MM"
	BudgetUSD   float64 // the monthly budget (monthly refusals)
	MaxCostUSD  float64 // the per-job cap (per-job refusals)
	SpentUSD    float64 // spent this month, finished attempts
	ReservedUSD float64 // high estimates of queued, running and unconfirmed jobs
	EstimateUSD float64 // this run's high estimate
}

func (e *BudgetError) Error() string {
	if e.PerJob {
		return fmt.Sprintf("This job may cost up to %s, over its cost cap of %s. "+
			"Raise the cap, or lower the tool-call limit or choose a cheaper model.",
			FormatUSD(e.EstimateUSD), FormatUSD(e.MaxCostUSD))
	}
	left := max(e.BudgetUSD-e.SpentUSD-e.ReservedUSD, 0)
	return fmt.Sprintf("This job may cost up to %s, and in %s %s is spent and %s is reserved for queued, running and unconfirmed jobs, "+
		"so it would go over the monthly budget of %s (%s left). "+
		"Raise the budget in Settings, wait for running jobs to finish, or lower the tool-call limit or choose a cheaper model.",
		FormatUSD(e.EstimateUSD), e.Month, FormatUSD(e.SpentUSD), FormatUSD(e.ReservedUSD),
		FormatUSD(e.BudgetUSD), FormatUSD(left))
}

// Is makes errors.Is(err, ErrOverBudget) true.
func (e *BudgetError) Is(target error) bool { return target == ErrOverBudget }

// AlertShare is the share of the monthly budget at which the user is told,
// once per month, how much is spent.
const AlertShare = 0.8

// AlertDue reports whether the budget alert should go out now: a monthly
// budget is set, this month's spend has reached AlertShare of it, and the
// alert was not already sent this month (lastMonth is the month it was
// last sent, "" if never).
func AlertDue(budgetUSD, spentUSD float64, month, lastMonth string) bool {
	return budgetUSD > 0 && spentUSD+tolerance >= AlertShare*budgetUSD && month != lastMonth
}
