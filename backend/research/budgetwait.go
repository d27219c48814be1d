package research

import (
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

// overBudget is why a queued job waits when it does not fit the monthly
// budget in force as it would be sent now (the rule the worker applies
// when it claims the job: store.SendDecision), with what to do; "" when
// it fits or no budget is set.
func (w *waits) overBudget(j job.Job) string {
	cfg := w.s.Config()
	if cfg.MonthlyBudgetUSD <= 0 {
		return ""
	}
	d, err := w.s.st.SendDecision(w.ctx, j.ID, cfg.MonthlyBudgetUSD)
	if err != nil || d.Allowed {
		return ""
	}
	left := max(j.QueuedAt.Add(cfg.MaxJobAge).Sub(w.s.now()), time.Minute)
	return fmt.Sprintf("Waiting for the monthly budget: this job may cost up to %s, and %s of the %s budget for %s is spent or reserved by jobs already sent. "+
		"Raise the budget in Settings, or cancel the job. It is sent as soon as it fits; if it still does not fit in %s, Deepr gives up on it (the maximum job age).",
		cost.FormatUSD(d.Estimate.HighUSD), cost.FormatUSD(d.SpentUSD+d.ReservedUSD), cost.FormatUSD(cfg.MonthlyBudgetUSD), d.Month,
		strings.TrimSuffix(left.Round(time.Minute).String(), "0s"))
}
