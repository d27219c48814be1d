package research

import (
	"context"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Helper is the cheap helper model (DEEPR_HELPER_MODEL) as the service
// uses it: one plain request, answered at once. The OpenAI provider
// (backend/provider/openai) satisfies it.
type Helper interface {
	Help(ctx context.Context, r provider.HelperRequest) (provider.HelperAnswer, error)
}

// helperProvider is the provider the helper model runs on.
const helperProvider = "openai"

// helperCall is one use of the helper model: what it is for (a
// store.Kind*), the job it is about, and the request.
type helperCall struct {
	kind, about string
	req         provider.HelperRequest
}

// helperResult is a helper call's answer and what it cost.
type helperResult struct {
	answer  provider.HelperAnswer
	model   string
	costUSD float64
}

// helperModel returns the helper model and its prices, or an ErrInvalid
// (field helper_model) when no price is known for it: an unknown model
// is never sent.
func (s *Service) helperModel() (string, cost.Prices, error) {
	cfg := s.Config()
	model := strings.TrimSpace(cfg.HelperModel)
	if model == "" {
		model = config.DefaultHelperModel
	}
	p, ok := cfg.PriceTable().Lookup(helperProvider, model)
	if !ok {
		return "", cost.Prices{}, invalid("helper_model",
			"no price is known for the helper model %q (DEEPR_HELPER_MODEL), so its cost cannot be counted: use %s or add its price to %s; nothing was sent",
			model, config.DefaultHelperModel, cost.PricesSetting)
	}
	return model, p, nil
}

// helperEstimate is the most a helper call can cost: its whole input at
// the uncached price and every allowed output token.
func helperEstimate(p cost.Prices, r provider.HelperRequest) cost.Range {
	in := float64((len(r.Instructions) + len(r.Input) + 3) / 4)
	out := float64(r.MaxOutputTokens)
	high := (in*p.InputPerMTok + out*p.OutputPerMTok) / 1e6
	return cost.Range{LowUSD: in * p.InputPerMTok / 1e6, HighUSD: high,
		Basis: fmt.Sprintf("about %d input tokens and at most %d output tokens of %s", int(in), int(out), p.Model)}
}

// callHelper runs one helper call under the budget rule: the call's high
// estimate must fit in what is left of the month's budget (nothing is
// reserved: the call ends at once), then it is sent once. The caller
// stores the cost (store.SaveQuestion or store.RecordHelperCall) with
// what it got. A helper that cannot be used or fails is an *Error
// (ErrInvalid, ErrOverBudget, ErrProvider); nothing is billed for a
// refused call.
func (s *Service) callHelper(ctx context.Context, c helperCall) (helperResult, error) {
	model, prices, err := s.helperModel()
	if err != nil {
		return helperResult{}, err
	}
	c.req.Model = model
	if !s.hasKey(helperProvider) {
		return helperResult{}, &Error{Kind: ErrProvider, Field: "key",
			Msg: "the helper model runs on OpenAI and no OpenAI API key is set: set OPENAI_API_KEY or save a key in Settings; nothing was sent"}
	}
	h, ok := s.provider(helperProvider).(Helper)
	if !ok {
		return helperResult{}, &Error{Kind: ErrProvider, Msg: "the helper model is not available in this process; nothing was sent"}
	}
	d, err := s.st.CheckBudget(ctx, store.BudgetCheck{Budget: cost.Budget{MonthlyUSD: s.Config().MonthlyBudgetUSD},
		Estimate: helperEstimate(prices, c.req), Prices: prices})
	if err != nil {
		return helperResult{}, err
	}
	if err := d.Err(); err != nil {
		return helperResult{}, overBudget(err)
	}
	ans, err := h.Help(ctx, c.req)
	if err != nil {
		s.log.WithError(err).WithField("kind", c.kind).Warn("the helper model failed")
		return helperResult{}, &Error{Kind: ErrProvider, JobID: c.about, Err: err,
			Msg: "the helper model (" + model + ") did not answer: " + userMessage(err)}
	}
	return helperResult{answer: ans, model: model, costUSD: cost.Cost(prices, ans.Usage)}, nil
}
