package mcpserver

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// EstimateIn is estimate_research's arguments.
type EstimateIn struct {
	Prompt   string      `json:"prompt" jsonschema:"what to research, as you would submit it"`
	Provider string      `json:"provider,omitempty" jsonschema:"openai, gemini, perplexity or azure (default: the provider of the model, else the user's default)"`
	Model    string      `json:"model,omitempty" jsonschema:"a model the provider offers (default: the user's default model)"`
	Options  *RunOptions `json:"options,omitempty"`
}

// EstimateOut is estimate_research's answer.
type EstimateOut struct {
	Provider    string   `json:"provider"`
	Model       string   `json:"model"`
	Estimate    Range    `json:"estimate"`
	Month       string   `json:"month" jsonschema:"the calendar month (UTC) the budget counts"`
	BudgetUSD   *float64 `json:"budget_usd,omitempty" jsonschema:"the monthly budget; absent: none"`
	SpentUSD    float64  `json:"spent_usd" jsonschema:"spent this month"`
	ReservedUSD float64  `json:"reserved_usd" jsonschema:"reserved this month by queued and running work"`
	MaxCostUSD  float64  `json:"max_cost_usd" jsonschema:"the most one call from an assistant may cost"`
	WouldPass   bool     `json:"would_pass" jsonschema:"whether submit_research with this request would be accepted now"`
	Refusal     string   `json:"refusal,omitempty" jsonschema:"why it would not pass, and what to change"`
	Notes       []string `json:"notes,omitempty"`
	failure
}

// SubmitIn is submit_research's arguments.
type SubmitIn struct {
	Prompt     string      `json:"prompt" jsonschema:"what to research: the question, its scope and what the report should cover"`
	Provider   string      `json:"provider,omitempty" jsonschema:"openai, gemini, perplexity or azure (default: the provider of the model, else the user's default)"`
	Model      string      `json:"model,omitempty" jsonschema:"a model the provider offers (default: the user's default model)"`
	Options    *RunOptions `json:"options,omitempty"`
	MaxCostUSD float64     `json:"max_cost_usd" jsonschema:"the most this run may cost in dollars: refused if its high estimate is more; at most the user's per-call limit (DEEPR_MCP_MAX_COST)"`
}

// SubmitOut is submit_research's answer.
type SubmitOut struct {
	JobID      string   `json:"job_id"`
	Status     string   `json:"status"`
	Estimate   Range    `json:"estimate"`
	MaxCostUSD float64  `json:"max_cost_usd"`
	Notes      []string `json:"notes,omitempty" jsonschema:"why it may not start soon"`
	failure
}

func (o *RunOptions) request(r *research.SubmitRequest) {
	r.WebSearch = true
	if o == nil {
		return
	}
	if o.WebSearch != nil {
		r.WebSearch = *o.WebSearch
	}
	r.CodeInterpreter, r.MaxToolCalls = o.CodeInterpreter, o.MaxToolCalls
}

func (s *Server) addResearchTools() {
	addTool(s, &mcp.Tool{Name: "estimate_research", Title: "Estimate deep research",
		Description: "What a deep-research run would cost (a range in dollars), the monthly budget, what is spent and reserved this month, " +
			"and whether submit_research would accept it now. Free: nothing is sent.",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: ptr(false)}}, s.estimate)
	addTool(s, &mcp.Tool{Name: "submit_research", Title: "Submit deep research",
		Description: "Queue a deep-research run. It returns at once with the job id; the run takes minutes (often 5 to 30): follow it with " +
			"get_research. Costs money: allowed only when the user let assistants spend, within max_cost_usd and the monthly budget. " +
			"Search the library (search_reports) first.",
		Annotations: &mcp.ToolAnnotations{DestructiveHint: ptr(false), OpenWorldHint: ptr(true)}}, s.submit)
	addTool(s, &mcp.Tool{Name: "get_research", Title: "Follow a research job",
		Description: fmt.Sprintf("A job's status, progress and cost so far; when finished, the report's title, a summary of its first "+
			"paragraphs, its sources and a link to the whole report (read_report). wait_seconds (at most %d) waits for the job to change "+
			"first, with progress notifications.", MaxWaitSeconds),
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: ptr(false)}}, s.get)
	addTool(s, &mcp.Tool{Name: "list_research", Title: "List research jobs",
		Description: "Research jobs, newest first, optionally of some statuses (comma-separated).",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: ptr(false)}}, s.list)
	addTool(s, &mcp.Tool{Name: "cancel_research", Title: "Cancel a research job",
		Description: "Cancel a queued or running job. A queued job costs nothing; a running one is billed for what it used, and some " +
			"providers cannot stop a run at all (the answer's caveat says so).",
		Annotations: &mcp.ToolAnnotations{DestructiveHint: ptr(true), IdempotentHint: true, OpenWorldHint: ptr(true)}}, s.cancel)
}

func ptr[T any](v T) *T { return &v }

func (s *Server) estimate(ctx context.Context, _ *mcp.CallToolRequest, in EstimateIn) (EstimateOut, []mcp.Content, error) {
	req := research.SubmitRequest{Prompt: in.Prompt, Provider: in.Provider, Model: in.Model, Via: job.ViaAssistant}
	in.Options.request(&req)
	if strings.TrimSpace(in.Prompt) == "" { // an estimate without a prompt is the form's, not an assistant's
		_, err := s.svc.Validate(req)
		return EstimateOut{}, nil, err
	}
	d, err := s.svc.Estimate(ctx, req)
	if err != nil {
		return EstimateOut{}, nil, err
	}
	v, _ := s.svc.Validate(req)
	out := EstimateOut{Provider: v.Provider, Model: v.Model, Estimate: rangeOf(d.Estimate), Month: d.Month, BudgetUSD: d.BudgetUSD,
		SpentUSD: d.SpentUSD, ReservedUSD: d.ReservedUSD, WouldPass: d.Allowed, Refusal: d.Refusal, Notes: d.Notes}
	if d.MaxCostUSD != nil {
		out.MaxCostUSD = *d.MaxCostUSD
	}
	verdict := "a submit would pass now"
	if !d.Allowed {
		verdict = "a submit would be refused: " + d.Refusal
	}
	return out, text("%s/%s may cost %s to %s; %s", out.Provider, out.Model, cost.FormatUSD(d.Estimate.LowUSD), cost.FormatUSD(d.Estimate.HighUSD), verdict), nil
}

func (s *Server) submit(ctx context.Context, _ *mcp.CallToolRequest, in SubmitIn) (SubmitOut, []mcp.Content, error) {
	req := research.SubmitRequest{Prompt: in.Prompt, Provider: in.Provider, Model: in.Model, MaxCostUSD: in.MaxCostUSD, Via: job.ViaAssistant}
	in.Options.request(&req)
	res, err := s.svc.Submit(ctx, req)
	if err != nil {
		return SubmitOut{}, nil, err
	}
	out := SubmitOut{JobID: res.Job.ID, Status: string(res.Job.Status), Estimate: rangeOf(res.Estimate), MaxCostUSD: res.Job.MaxCostUSD}
	for _, n := range res.Notes {
		out.Notes = append(out.Notes, n.Message)
	}
	msg := fmt.Sprintf("Queued job %s (%s/%s), estimated %s to %s. It takes minutes: follow it with get_research {\"job_id\": %q, \"wait_seconds\": %d}.",
		res.Job.ID, res.Job.Provider, res.Job.Model, cost.FormatUSD(res.Estimate.LowUSD), cost.FormatUSD(res.Estimate.HighUSD), res.Job.ID, MaxWaitSeconds)
	if len(out.Notes) > 0 {
		msg += " Note: " + strings.Join(out.Notes, " ")
	}
	return out, text("%s", msg), nil
}

// ListIn is list_research's arguments.
type ListIn struct {
	Status string `json:"status,omitempty" jsonschema:"only jobs of these statuses, comma-separated: queued, submitting, running, completed, incomplete, failed, cancelled, unconfirmed"`
	Limit  int    `json:"limit,omitempty" jsonschema:"the most jobs to list (default 20)"`
}

// ListOut is list_research's answer.
type ListOut struct {
	Jobs []JobView `json:"jobs"`
	failure
}

// defaultListLimit is list_research's page when no limit is given.
const defaultListLimit = 20

func (s *Server) list(ctx context.Context, _ *mcp.CallToolRequest, in ListIn) (ListOut, []mcp.Content, error) {
	if in.Limit == 0 {
		in.Limit = defaultListLimit
	}
	var sts []string
	if in.Status != "" {
		sts = []string{in.Status}
	}
	jobs, err := s.svc.List(ctx, research.ListRequest{Statuses: sts, Limit: in.Limit})
	if err != nil {
		return ListOut{}, nil, err
	}
	out := ListOut{Jobs: make([]JobView, len(jobs))}
	lines := make([]string, len(jobs))
	for i, j := range jobs {
		out.Jobs[i] = viewOf(j)
		lines[i] = line(out.Jobs[i])
	}
	if len(jobs) == 0 {
		return out, text("No research jobs."), nil
	}
	return out, text("%d jobs:\n%s", len(jobs), strings.Join(lines, "\n")), nil
}

// CancelIn is cancel_research's arguments.
type CancelIn struct {
	JobID string `json:"job_id"`
}

// CancelOut is cancel_research's answer: the job after the cancel.
type CancelOut struct {
	JobView
	Caveat  string `json:"caveat,omitempty" jsonschema:"what cancelling this job means at its provider, as Deepr's window says it before cancelling"`
	Warning string `json:"warning,omitempty" jsonschema:"what did not go as asked (the provider could not be told, or cannot stop the run)"`
	failure
}

func (s *Server) cancel(ctx context.Context, _ *mcp.CallToolRequest, in CancelIn) (CancelOut, []mcp.Content, error) {
	before, err := s.svc.Get(ctx, in.JobID)
	if err != nil {
		return CancelOut{}, nil, err
	}
	res, err := s.svc.Cancel(ctx, before.ID)
	if err != nil {
		return CancelOut{}, nil, err
	}
	out := CancelOut{JobView: viewOf(res.Job), Caveat: before.CancelPrompt, Warning: res.Warning}
	msg := line(out.JobView)
	for _, m := range []string{out.Caveat, out.Warning} {
		if m != "" {
			msg += "\n" + m
		}
	}
	return out, text("%s", msg), nil
}
