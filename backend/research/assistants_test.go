package research_test

// Paid work asked for by an AI assistant (deepr mcp): refused unless the
// user allowed it, bounded per call, and recorded as an assistant's.

import (
	"context"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/research"
)

const tea = "Research the history of green tea in Japan"

// TestAssistantsMayNotSpendUnlessAllowed: with DEEPR_MCP_ALLOW_SPEND off
// (the default) an assistant's submit and question are refused as data
// (ErrSpendOff on the setting's field), nothing is queued, reserved or
// asked; the window's own submit is not affected; and the assistant's
// estimate is shown, saying a submit would not pass and why.
func TestAssistantsMayNotSpendUnlessAllowed(t *testing.T) {
	u := newUnit(t, nil)
	rep := u.finish(job.Completed, "# Tea\n\nGyokuro is shade-grown.", nil)
	asked := 0
	u.prov.help = func(context.Context, provider.HelperRequest) (provider.HelperAnswer, error) {
		asked++
		return provider.HelperAnswer{Text: "Gyokuro."}, nil
	}
	_, err := u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: tea, WebSearch: true, MaxCostUSD: 2, Via: job.ViaAssistant})
	e := wantError(t, err, research.ErrSpendOff, "mcp_allow_spend")
	if !strings.Contains(e.Msg, "DEEPR_MCP_ALLOW_SPEND=true") || !strings.Contains(e.Msg, "Settings") {
		t.Errorf("refusal %q does not say how the user allows it", e.Msg)
	}
	if v := research.AsView(err); v.Kind != "spend_not_allowed" || v.Field != "mcp_allow_spend" {
		t.Errorf("AsView = %+v, want kind spend_not_allowed on mcp_allow_spend", v)
	}
	_, err = u.svc.Ask(u.ctx, research.AskRequest{ID: rep.ID, Question: "Which tea?", Via: job.ViaAssistant})
	wantError(t, err, research.ErrSpendOff, "mcp_allow_spend")
	if asked != 0 {
		t.Errorf("the helper model was asked %d times while assistants may not spend", asked)
	}
	if jobs, _ := u.svc.List(u.ctx, research.ListRequest{}); len(jobs) != 1 {
		t.Errorf("%d jobs after the refused submit, want only the report's", len(jobs))
	}
	d, err := u.svc.Estimate(u.ctx, research.SubmitRequest{Prompt: tea, WebSearch: true, Via: job.ViaAssistant})
	if err != nil || d.Allowed || !strings.Contains(d.Refusal, "DEEPR_MCP_ALLOW_SPEND") || d.Estimate.HighUSD <= 0 {
		t.Errorf("assistant's Estimate = %+v, %v; want the estimate, not allowed, saying why", d, err)
	}
	if d.MaxCostUSD == nil || *d.MaxCostUSD != 5 {
		t.Errorf("assistant's Estimate cap = %v, want DEEPR_MCP_MAX_COST's default $5", d.MaxCostUSD)
	}
	if res, err := u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: tea, WebSearch: true}); err != nil || res.Job.Via != "" {
		t.Errorf("the window's Submit = %+v, %v; want it queued with no via", res.Job, err)
	}
}

// TestAssistantSpendIsBoundedPerCall: with spending allowed, an
// assistant's run must give its cap, at most DEEPR_MCP_MAX_COST; a run
// whose high estimate is over its cap is refused by the one budget rule;
// one that fits is queued marked as an assistant's; a question is
// bounded by the limit and its cost recorded as an assistant's.
func TestAssistantSpendIsBoundedPerCall(t *testing.T) {
	u := newUnit(t, map[string]string{"DEEPR_MCP_ALLOW_SPEND": "true", "DEEPR_MCP_MAX_COST": "20"})
	for _, c := range []struct {
		usd  float64
		kind error
		want string
	}{
		{0, research.ErrInvalid, "give max_cost_usd"},
		{-1, research.ErrInvalid, "positive number"},
		{25, research.ErrInvalid, "over the most an assistant may spend on one call, $20.00"},
		{0.01, research.ErrOverBudget, "over its cost cap of $0.01"},
	} {
		_, err := u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: tea, WebSearch: true, MaxCostUSD: c.usd, Via: job.ViaAssistant})
		field := "max_cost_usd"
		if c.kind == research.ErrOverBudget {
			field = "budget"
		}
		if e := wantError(t, err, c.kind, field); !strings.Contains(e.Msg, c.want) {
			t.Errorf("max_cost_usd %v: refusal %q, want it to say %q", c.usd, e.Msg, c.want)
		}
	}
	if v := research.AsView(func() error {
		_, err := u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: tea, WebSearch: true, MaxCostUSD: 0.01, Via: job.ViaAssistant})
		return err
	}()); v.Kind != "over_budget" {
		t.Errorf("an over-budget refusal crosses as kind %q, want over_budget", v.Kind)
	}
	res, err := u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: tea, WebSearch: true, MaxCostUSD: 20, Via: job.ViaAssistant})
	if err != nil {
		t.Fatalf("Submit within the limit: %v", err)
	}
	if got := u.stored(res.Job.ID); got.Via != job.ViaAssistant || got.MaxCostUSD != 20 {
		t.Errorf("stored job via %q cap %v, want %q and $20", got.Via, got.MaxCostUSD, job.ViaAssistant)
	}
	_, err = u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: tea, Via: "robot"})
	wantError(t, err, research.ErrInvalid, "via")

	rep := u.finish(job.Completed, "# Tea\n\nGyokuro is shade-grown.", nil)
	u.prov.help = func(context.Context, provider.HelperRequest) (provider.HelperAnswer, error) {
		return provider.HelperAnswer{Text: "Gyokuro.", Usage: job.Usage{InputTokens: 1000, OutputTokens: 10}}, nil
	}
	a, err := u.svc.Ask(u.ctx, research.AskRequest{ID: rep.ID, Question: "Which tea is shade-grown?", Via: job.ViaAssistant})
	if err != nil || a.CostUSD <= 0 {
		t.Fatalf("assistant's Ask = %+v, %v; want an answer with its cost", a, err)
	}
	sp, err := u.svc.Costs(u.ctx, "")
	if err != nil || !near(sp.AssistantUSD, a.CostUSD) {
		t.Errorf("Costs = %+v, %v; want the assistant's question ($%v) as assistants' spend", sp, err, a.CostUSD)
	}
}

// TestAssistantSettingsCard: the AI assistants card saves its two fields
// alone, with the range declared in config; a bad limit is refused on its
// field and a limit from the environment is locked.
func TestAssistantSettingsCard(t *testing.T) {
	u := newUnit(t, nil)
	allow, limit := true, 2.5
	v, err := u.svc.SaveSettingsPatch(u.ctx, research.SettingsPatch{MCPAllowSpend: &allow, MCPMaxCostUSD: &limit})
	if err != nil || !v.MCPAllowSpend || v.MCPMaxCostUSD != 2.5 || !u.svc.Config().MCPAllowSpend {
		t.Fatalf("SaveSettingsPatch = allow %v limit %v, %v; want both saved and in force", v.MCPAllowSpend, v.MCPMaxCostUSD, err)
	}
	f := v.Fields["mcp_max_cost_usd"]
	if !f.HasRange || f.Max != 1000 || f.Unit != "USD" || f.Default != "5" {
		t.Errorf("field mcp_max_cost_usd = %+v, want the range up to 1000 USD, default 5", f)
	}
	bad := -1.0
	_, err = u.svc.SaveSettingsPatch(u.ctx, research.SettingsPatch{MCPMaxCostUSD: &bad})
	wantError(t, err, research.ErrInvalid, "mcp_max_cost_usd")
	none := 0.0
	if v, err := u.svc.SaveSettingsPatch(u.ctx, research.SettingsPatch{MCPMaxCostUSD: &none}); err != nil || v.MCPMaxCostUSD != 5 || !v.MCPAllowSpend {
		t.Errorf("a limit of 0 = %v, %v; want the default $5 back, spending still allowed", v.MCPMaxCostUSD, err)
	}
	locked := newUnit(t, map[string]string{"DEEPR_MCP_ALLOW_SPEND": "false"})
	if v := locked.svc.Settings(); v.Locked["mcp_allow_spend"] != "DEEPR_MCP_ALLOW_SPEND" {
		t.Errorf("Locked = %v, want mcp_allow_spend locked by DEEPR_MCP_ALLOW_SPEND", v.Locked)
	}
}
