package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/deepr-desktop/deepr/backend/cost"
)

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
