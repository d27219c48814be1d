package research

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Helper is the cheap helper model as the service uses it: one plain
// request, answered at once. The OpenAI provider (OpenAI and Azure,
// backend/provider/openai) and the Gemini provider satisfy it; which one
// runs it is DEEPR_HELPER_PROVIDER (see helperTarget).
type Helper interface {
	Help(ctx context.Context, r provider.HelperRequest) (provider.HelperAnswer, error)
}

// helperCall is one use of the helper model: what it is for (a
// store.Kind*), the job it is about, what the spend view lists, and the
// request.
type helperCall struct {
	kind, about, title string
	req                provider.HelperRequest
	via                string  // "" or job.ViaAssistant, kept with its cost
	maxCostUSD         float64 // the call's own cap (0: none), an assistant's limit
}

// helperResult is a helper call's answer and what it cost; id is the
// call's own id (its reservation, then its attempt row).
type helperResult struct {
	id       string
	answer   provider.HelperAnswer
	provider string // the provider it ran on (see helperTarget)
	model    string
	costUSD  float64
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

// callHelper runs one helper call under the budget rule. The call's high
// estimate is first reserved (store.ReserveHelper: the budget rule and the
// reservation in one write, so concurrent calls from any process cannot
// all pass on the same remaining budget), then the call is sent once. A
// failed call releases its reservation (it cost nothing); an answered one
// keeps it until the caller settles it with what it got (settleHelper).
// A helper that cannot be used or fails is an *Error (ErrInvalid,
// ErrOverBudget, ErrProvider); nothing is billed for a refused call.
func (s *Service) callHelper(ctx context.Context, c helperCall) (helperResult, error) {
	t, err := s.helperTarget()
	if err != nil {
		return helperResult{}, err
	}
	model, prices := t.model, t.prices
	c.req.Model = model
	r, err := s.st.ReserveHelper(ctx, store.HelperReservation{Kind: c.kind, About: c.about, Provider: t.provider, Model: model, Title: c.title, Via: c.via},
		store.BudgetCheck{Budget: cost.Budget{MonthlyUSD: s.Config().MonthlyBudgetUSD, MaxCostUSD: c.maxCostUSD}, Estimate: helperEstimate(prices, c.req), Prices: prices})
	if err != nil {
		return helperResult{}, overBudget(err)
	}
	ans, err := t.helper.Help(ctx, c.req)
	if err != nil {
		s.log.WithError(err).WithField("kind", c.kind).Warn("the helper model failed")
		if provider.KindOf(err) == provider.KindAmbiguous {
			// The request may have reached OpenAI and been billed: the
			// reservation stays and is counted at its high estimate when it
			// expires (store.HelperExpiry), never at nothing.
			return helperResult{}, &Error{Kind: ErrProvider, JobID: c.about, Err: err,
				Msg: "the helper model (" + model + ") did not answer: " + userMessage(err) +
					"; the request may have been billed, so its estimate stays counted in this month's spend"}
		}
		if rerr := s.st.ReleaseHelper(context.WithoutCancel(ctx), r.ID); rerr != nil {
			s.log.WithError(rerr).WithField("id", r.ID).Warn("could not release a failed helper call's reservation; it is settled at its estimate when it expires")
		}
		return helperResult{}, &Error{Kind: ErrProvider, JobID: c.about, Err: err,
			Msg: "the helper model (" + model + ") did not answer: " + userMessage(err)}
	}
	return helperResult{id: r.ID, answer: ans, provider: t.provider, model: model, costUSD: cost.Cost(prices, ans.Usage)}, nil
}

// Settling a paid helper call: each write is tried settleTries times,
// settleWait apart, each within settleTimeout, whatever the caller's
// context (the money is spent once the answer came).
const (
	settleTries   = 3
	settleWait    = 200 * time.Millisecond
	settleTimeout = 30 * time.Second
)

// settleHelper records what an answered helper call cost in ONE write that
// ends its reservation. save is that write with what the call produced
// (a question and its answer with the cost); when it keeps failing, or
// when save is nil, the cost alone is recorded (store.RecordHelperCall
// with c), so an answer that cannot be kept is still counted. When even
// that fails the reservation stays and is settled at its high estimate
// once it expires (store.HelperExpiry): the reservation and the cost are
// never both absent. It returns whether the cost is recorded and save's
// error (nil when save succeeded).
func (s *Service) settleHelper(ctx context.Context, c store.HelperCall, save func(context.Context) error) (recorded bool, err error) {
	ctx = context.WithoutCancel(ctx)
	if save != nil {
		if err = s.retrySettle(ctx, save); err == nil {
			s.budgetAlert(ctx)
			return true, nil
		}
		s.log.WithError(err).WithField("id", c.ID).Warn("could not save a helper call's answer; recording its cost alone")
	}
	if cerr := s.retrySettle(ctx, func(ctx context.Context) error {
		_, err := s.st.RecordHelperCall(ctx, c)
		return err
	}); cerr != nil {
		s.log.WithError(cerr).WithField("id", c.ID).Error("could not record a helper call's cost; its reservation stays and is counted at its estimate")
		return false, err
	}
	s.budgetAlert(ctx)
	return true, err
}

// retrySettle runs one settling write up to settleTries times; a missing
// report is not retried.
func (s *Service) retrySettle(ctx context.Context, write func(context.Context) error) error {
	var err error
	for i := range settleTries {
		if i > 0 {
			time.Sleep(settleWait)
		}
		wctx, cancel := context.WithTimeout(ctx, settleTimeout)
		err = write(wctx)
		cancel()
		if err == nil || errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return err
}

// helperCost is the attempt row of an answered helper call.
func helperCost(kind, about, title string, res helperResult) store.HelperCall {
	return store.HelperCall{ID: res.id, Kind: kind, About: about, Provider: res.provider, Model: res.model,
		Title: title, Usage: res.answer.Usage, CostUSD: res.costUSD}
}

// settleExpiredHelpers settles the helper reservations left by processes
// that died (store.SettleExpiredHelpers), so the spend view lists them as
// spent; it writes nothing when none has expired. A failure is logged:
// until settled they count as reserved.
func (s *Service) settleExpiredHelpers(ctx context.Context) {
	if n, err := s.st.SettleExpiredHelpers(ctx); err != nil {
		s.log.WithError(err).Warn("could not settle expired helper reservations")
	} else if n > 0 {
		s.log.WithField("count", n).Warn("settled helper calls left unfinished by a stopped process at their high estimate")
	}
}
