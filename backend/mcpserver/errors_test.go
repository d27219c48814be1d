package mcpserver_test

import (
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mcpserver"
	"github.com/deepr-desktop/deepr/backend/research"
)

// TestBadInputIsAToolError: every bad argument is a tool error that names
// what to change (research.AsView's kind and field), never a protocol
// error or a crash; the server answers the next call as before.
func TestBadInputIsAToolError(t *testing.T) {
	f := setup(t, setupOpts{env: map[string]string{"DEEPR_MCP_ALLOW_SPEND": "true"}})
	queued, err := f.svc.Submit(f.ctx, research.SubmitRequest{Prompt: "A queued run", Model: "o4-mini-deep-research", WebSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	tea := "History of green tea"
	for _, c := range []struct {
		tool        string
		args        map[string]any
		kind, field string
	}{
		{"get_research", map[string]any{"job_id": "nope-123"}, "not_found", ""},
		{"get_research", map[string]any{"job_id": " "}, "invalid", "id"},
		{"get_research", map[string]any{"job_id": queued.Job.ID, "wait_seconds": 31}, "invalid", "wait_seconds"},
		{"get_research", map[string]any{"job_id": queued.Job.ID, "wait_seconds": -1}, "invalid", "wait_seconds"},
		{"submit_research", map[string]any{"prompt": "  ", "max_cost_usd": 5}, "invalid", "prompt"},
		{"submit_research", map[string]any{"prompt": tea, "model": "gpt-5-ultra-deep", "max_cost_usd": 5}, "invalid", "model"},
		{"submit_research", map[string]any{"prompt": tea, "provider": "acme", "max_cost_usd": 5}, "invalid", "provider"},
		{"submit_research", map[string]any{"prompt": tea, "model": "o4-mini-deep-research", "max_cost_usd": -2}, "invalid", "max_cost_usd"},
		{"submit_research", map[string]any{"prompt": tea, "model": "o4-mini-deep-research", "max_cost_usd": 0}, "invalid", "max_cost_usd"},
		{"submit_research", map[string]any{"prompt": tea, "model": "o4-mini-deep-research", "max_cost_usd": 2,
			"options": map[string]any{"max_tool_calls": 5000}}, "invalid", "max_tool_calls"},
		{"estimate_research", map[string]any{"prompt": tea, "model": "gpt-5-ultra-deep"}, "invalid", "model"},
		{"list_research", map[string]any{"status": "finished"}, "invalid", "status"},
		{"list_research", map[string]any{"limit": -3}, "invalid", "limit"},
		{"cancel_research", map[string]any{"job_id": "nope-123"}, "not_found", ""},
		{"search_reports", map[string]any{"query": "tea", "limit": 500}, "invalid", "limit"},
		{"read_report", map[string]any{"job_id": queued.Job.ID}, "not_finished", ""},
		{"read_report", map[string]any{"job_id": "nope-123"}, "not_found", ""},
		{"ask_report", map[string]any{"job_id": queued.Job.ID, "question": "Why?"}, "not_finished", ""},
		{"ask_report", map[string]any{"job_id": queued.Job.ID, "question": ""}, "invalid", "question"},
	} {
		f.refused(c.tool, c.args, c.kind, c.field)
	}
	// Arguments the schema refuses (a missing cap, a wrong type) are tool
	// errors too, naming the argument.
	for _, args := range []map[string]any{
		{"prompt": tea, "model": "o4-mini-deep-research"},
		{"prompt": tea, "max_cost_usd": "five"},
	} {
		res := f.call("submit_research", args)
		if !res.IsError || !strings.Contains(textOf(res), "max_cost_usd") {
			t.Errorf("submit_research(%v) = %q (error %v); want a tool error naming max_cost_usd", args, textOf(res), res.IsError)
		}
	}
	if _, err := f.cs.ReadResource(f.ctx, &mcp.ReadResourceParams{URI: "deepr://reports/nope-123"}); err == nil {
		t.Error("reading the report of an unknown job as a resource succeeded")
	}
	if l := ok[mcpserver.ListOut](f, "list_research", nil); len(l.Jobs) != 1 {
		t.Errorf("after the errors list_research = %+v, want the one queued job", l.Jobs)
	}
}

// TestSubmitOverTheBudgetIsRefused: with spending allowed, a submit whose
// high estimate passes the monthly budget, or whose cap is over the
// per-call limit, is refused before anything is queued; the same check as
// the window's and the CLI's.
func TestSubmitOverTheBudgetIsRefused(t *testing.T) {
	f := setup(t, setupOpts{env: map[string]string{"DEEPR_MCP_ALLOW_SPEND": "true", "DEEPR_MCP_MAX_COST": "3", "DEEPR_MONTHLY_BUDGET": "0.50"}})
	args := map[string]any{"prompt": "History of green tea", "model": "o4-mini-deep-research", "options": map[string]any{"max_tool_calls": 10}, "max_cost_usd": 3}
	e := f.refused("submit_research", args, "over_budget", "budget")
	if !strings.Contains(e.Message, "monthly budget of $0.50") {
		t.Errorf("over-budget refusal %q does not give the budget", e.Message)
	}
	args["max_cost_usd"] = 10
	if e := f.refused("submit_research", args, "invalid", "max_cost_usd"); !strings.Contains(e.Message, "$3.00") {
		t.Errorf("over-limit refusal %q does not give the limit", e.Message)
	}
	delete(args, "max_cost_usd")
	est := ok[mcpserver.EstimateOut](f, "estimate_research", args)
	if est.WouldPass || est.BudgetUSD == nil || *est.BudgetUSD != 0.5 {
		t.Errorf("estimate = %+v; want it refused against the $0.50 budget", est)
	}
	if jobs, _ := f.svc.List(f.ctx, research.ListRequest{}); len(jobs) != 0 {
		t.Errorf("%d jobs queued after refused submits", len(jobs))
	}
}

// TestCancelThroughMCP: a queued job is cancelled at once, with the
// caveat the window shows before cancelling.
func TestCancelThroughMCP(t *testing.T) {
	f := setup(t, setupOpts{})
	res, err := f.svc.Submit(f.ctx, research.SubmitRequest{Prompt: "A queued run", Model: "o4-mini-deep-research", WebSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	want := res.Job.CancelPrompt
	out := ok[mcpserver.CancelOut](f, "cancel_research", map[string]any{"job_id": res.Job.ID})
	if out.Status != string(job.Cancelled) || out.Caveat != want || want == "" {
		t.Errorf("cancel = %+v; want cancelled with the caveat %q", out, want)
	}
}

// TestWaitEndsOnAChange: a get_research waiting on a queued job answers
// as soon as the job changes (here: cancelled by the window once the wait
// has begun), with the change, long before its wait is over.
func TestWaitEndsOnAChange(t *testing.T) {
	f := setup(t, setupOpts{o: mcpserver.Options{ProgressEvery: time.Hour}})
	res, err := f.svc.Submit(f.ctx, research.SubmitRequest{Prompt: "A queued run", Model: "o4-mini-deep-research", WebSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	f.onProg = func(*mcp.ProgressNotificationParams) { // the wait has begun: the window cancels
		go func() { _, _ = f.svc.Cancel(f.ctx, res.Job.ID) }()
	}
	start := time.Now()
	out := decode[mcpserver.GetOut](t, f.callWith(&mcp.CallToolParams{Name: "get_research",
		Arguments: map[string]any{"job_id": res.Job.ID, "wait_seconds": 30}, Meta: mcp.Meta{"progressToken": 7}}))
	if took := time.Since(start); out.Status != string(job.Cancelled) || !out.Changed || took > 10*time.Second {
		t.Errorf("get_research = %+v after %s; want the cancel seen at once (changed)", out.JobView, took)
	}
}

// TestNoCallOutlastsTheLimit: a wait longer than the call limit answers
// before the limit with the job as it is; its progress notifications
// count up to the wait; and work the service has not finished by the
// limit is answered with a tool error saying so.
func TestNoCallOutlastsTheLimit(t *testing.T) {
	limit := 450 * time.Millisecond
	f := setup(t, setupOpts{o: mcpserver.Options{CallLimit: limit, Second: 100 * time.Millisecond, ProgressEvery: 50 * time.Millisecond}})
	res, err := f.svc.Submit(f.ctx, research.SubmitRequest{Prompt: "A queued run", Model: "o4-mini-deep-research", WebSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := f.callWith(&mcp.CallToolParams{Name: "get_research", Arguments: map[string]any{"job_id": res.Job.ID, "wait_seconds": 30},
		Meta: mcp.Meta{"progressToken": "p"}})
	took := time.Since(start)
	out := decode[mcpserver.GetOut](t, r)
	if r.IsError || out.Status != string(job.Queued) || out.Changed || took >= limit || took < limit/2 {
		t.Errorf("get_research waited %s (limit %s) and answered %+v (error %v); want the queued job before the limit", took, limit, out.JobView, r.IsError)
	}
	f.mu.Lock()
	n, last := len(f.progress), f.progress[len(f.progress)-1]
	f.mu.Unlock()
	if n < 3 || last.Total <= 0 || last.Total > 30 || last.Progress <= 0 || last.Progress > last.Total || !strings.Contains(last.Message, res.Job.ID) {
		t.Errorf("%d progress notifications, the last %+v; want several counting the seconds waited of the wait (within the limit), naming the job", n, last)
	}
}
