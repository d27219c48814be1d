package research

import (
	"context"
	"errors"
	"math"
	"strings"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

// ErrOverBudget: the run would pass the monthly budget or its own cap.
// The *Error's message gives the numbers and how to raise the budget.
var ErrOverBudget = cost.ErrOverBudget

// Decision is the budget rule applied to one request: the estimate, the
// budget in force, what is spent and reserved this month, and whether a
// real submit would pass. Its JSON is `deepr submit --dry-run --json`.
type Decision = cost.Decision

// Spend is one month's spending (`deepr costs --json`, the spend view).
type Spend = store.Spend

// MonthTotal is one month in the list of months with spending.
type MonthTotal = store.MonthTotal

// budgetCheck prices a request and estimates it: ONE place, used by every
// submission path (Submit, Resubmit, Estimate), with the prices in force.
// earlier is the earlier research a follow-up reads with its prompt (the
// parent's question and report, see parentText), "" for new research.
func (s *Service) budgetCheck(ctx context.Context, provider, model, prompt, earlier string, o job.Options, maxCost float64) (store.BudgetCheck, error) {
	cfg := s.Config()
	if math.IsNaN(maxCost) || maxCost < 0 || math.IsInf(maxCost, 0) {
		return store.BudgetCheck{}, invalid("max_cost_usd", "the cost cap must be a positive number of dollars, like 5 or 12.50")
	}
	if err := s.retiredError(cfg, provider, model); err != nil {
		return store.BudgetCheck{}, err
	}
	p, ok := cfg.PriceTable().Lookup(provider, model)
	if m, found := catalogModel(cfg, provider, model); !ok && found {
		// A name of the user's own (an Azure deployment) is billed as the
		// catalogue model it stands for.
		p, ok = cfg.PriceTable().Lookup(provider, m.ID)
	}
	if !ok {
		return store.BudgetCheck{}, invalid("model", "no price is known for %s/%s, so its cost cannot be estimated or limited: add it to %s (see docs/costs.md)", provider, model, cost.PricesSetting)
	}
	h, err := s.st.CostHistory(ctx)
	if err != nil {
		return store.BudgetCheck{}, err
	}
	// Only what the provider honours is estimated (an unknown provider
	// honours nothing): options stored before they were checked, as a
	// resubmit reads them, cannot lower the estimate either.
	est := cost.Estimate(cost.EstimateInput{
		Provider: provider, Model: model, Prompt: prompt, Context: earlier, Honours: s.honours(cfg, provider, model),
		MaxToolCalls: o.MaxToolCalls, WebSearch: o.WebSearch, CodeInterpreter: o.CodeInterpreter, Prices: p,
	}, h)
	return store.BudgetCheck{Budget: cost.Budget{MonthlyUSD: cfg.MonthlyBudgetUSD, MaxCostUSD: maxCost}, Estimate: est, Prices: p}, nil
}

// overBudget turns the store's budget refusal into a service error.
func overBudget(err error) error {
	var be *cost.BudgetError
	if errors.As(err, &be) {
		return &Error{Kind: ErrOverBudget, Field: "budget", Msg: be.Error(), Err: be}
	}
	return err
}

// Estimate is the dry run of Submit: the request is validated and priced
// and the budget rule applied, and nothing is queued. The prompt may still
// be empty (the form asks as the user types).
func (s *Service) Estimate(ctx context.Context, in SubmitRequest) (Decision, error) {
	in, assistant, err := s.assistantEstimate(in)
	if err != nil {
		return Decision{}, err
	}
	probe := in
	if strings.TrimSpace(probe.Prompt) == "" {
		probe.Prompt = "?"
	}
	v, err := s.Validate(probe)
	if err != nil {
		return Decision{}, err
	}
	if strings.TrimSpace(in.Prompt) == "" {
		v.Prompt = ""
	}
	check, err := s.budgetCheck(ctx, v.Provider, v.Model, v.Prompt, s.parentText(ctx, v.ParentID), optionsOf(v), v.MaxCostUSD)
	if err != nil {
		return Decision{}, err
	}
	d, err := s.st.CheckBudget(ctx, check)
	if err == nil {
		assistant(&d)
	}
	for _, n := range s.sourceNotes(v) {
		d.Notes = append(d.Notes, n.Message)
	}
	return d, err
}

func optionsOf(in SubmitRequest) job.Options {
	return job.Options{WebSearch: in.WebSearch, CodeInterpreter: in.CodeInterpreter, MaxToolCalls: in.MaxToolCalls, EditedFrom: in.EditedFrom}
}

// Costs returns a month's spending ("YYYY-MM"; "" = this month) with the
// budget in force.
func (s *Service) Costs(ctx context.Context, month string) (Spend, error) {
	s.settleExpiredHelpers(ctx)
	sp, err := s.st.MonthSpend(ctx, strings.TrimSpace(month))
	if err != nil {
		return Spend{}, invalid("month", "%s", err.Error())
	}
	sp.SetBudget(s.Config().MonthlyBudgetUSD)
	return sp, nil
}

// SpendMonths lists the months with spending, newest first.
func (s *Service) SpendMonths(ctx context.Context) ([]MonthTotal, error) {
	return s.st.SpendMonths(ctx)
}

// costOf prices a finished run: the cost the provider reports when it
// reports one (Perplexity), else its usage at the prices the job was
// submitted under, else at today's prices (a job from before prices were
// stored). An Azure deployment that is not a model name is priced as the
// model Azure reports.
func (s *Service) costOf(j job.Job, snap provider.Snapshot) float64 {
	if snap.CostUSD > 0 {
		return snap.CostUSD
	}
	if ch, err := s.st.GetCharge(context.Background(), j.ID); err == nil && ch.Prices.Known() {
		return cost.Cost(ch.Prices, snap.Usage)
	}
	t := s.Config().PriceTable()
	for _, m := range []string{j.Model, snap.Model} {
		if p, ok := t.Lookup(j.Provider, m); ok {
			return cost.Cost(p, snap.Usage)
		}
		if p, ok := t.Lookup("openai", m); ok && j.Provider == "azure" {
			return cost.Cost(p, snap.Usage)
		}
	}
	return 0
}

// Noticer is an optional part of a Notifier: a plain notice (the budget
// alert). notify.Notifier has it.
type Noticer interface {
	Notice(title, body string)
}

// budgetAlert sends the once-a-month 80% notice when an attempt ended.
func (s *Service) budgetAlert(ctx context.Context) {
	b := s.Config().MonthlyBudgetUSD
	if b <= 0 {
		return
	}
	a, due, err := s.st.ClaimBudgetAlert(ctx, b)
	if err != nil {
		s.log.WithError(err).Warn("could not check the budget alert")
		return
	}
	if !due {
		return
	}
	s.log.Info(a.Message())
	if n, ok := s.notifier.(Noticer); ok {
		n.Notice("Deepr: 80% of this month's budget spent", a.Message())
	}
}
