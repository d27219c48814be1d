package mcpserver_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mcpserver"
)

var allTools = []string{"ask_report", "cancel_research", "estimate_research", "get_research", "list_research", "read_report",
	"search_reports", "submit_research"}

// TestToolsAndTemplate: the tools of the contract, each with an input and
// an output schema; submit_research requires max_cost_usd; reports are a
// resource template.
func TestToolsAndTemplate(t *testing.T) {
	f := setup(t, setupOpts{})
	lt, err := f.cs.ListTools(f.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range lt.Tools {
		names = append(names, tool.Name)
		if tool.InputSchema == nil || tool.OutputSchema == nil || tool.Description == "" {
			t.Errorf("tool %s: input schema %v, output schema %v, description %q; want all three", tool.Name, tool.InputSchema != nil, tool.OutputSchema != nil, tool.Description)
		}
		if tool.Name == "submit_research" {
			b, _ := json.Marshal(tool.InputSchema)
			var s struct{ Required []string }
			_ = json.Unmarshal(b, &s)
			if !slices.Contains(s.Required, "max_cost_usd") || !slices.Contains(s.Required, "prompt") || slices.Contains(s.Required, "model") {
				t.Errorf("submit_research requires %v, want prompt and max_cost_usd (and not model)", s.Required)
			}
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, allTools) {
		t.Errorf("tools = %v, want %v", names, allTools)
	}
	rt, err := f.cs.ListResourceTemplates(f.ctx, nil)
	if err != nil || len(rt.ResourceTemplates) != 1 || rt.ResourceTemplates[0].URITemplate != "deepr://reports/{job_id}" {
		t.Errorf("resource templates = %+v, %v; want deepr://reports/{job_id}", rt, err)
	}
}

// TestSpendRefusedUnlessAllowed: by default assistants may not spend:
// submit_research and ask_report are tool errors saying so (nothing is
// sent to the provider), while estimate_research still answers, saying a
// submit would not pass.
func TestSpendRefusedUnlessAllowed(t *testing.T) {
	f := setup(t, setupOpts{poll: true})
	e := f.refused("submit_research", map[string]any{"prompt": "History of green tea", "model": "o4-mini-deep-research", "max_cost_usd": 5},
		"spend_not_allowed", "mcp_allow_spend")
	if !strings.Contains(e.Message, "DEEPR_MCP_ALLOW_SPEND=true") {
		t.Errorf("refusal %q does not say how the user allows spending", e.Message)
	}
	f.refused("ask_report", map[string]any{"job_id": "j-none", "question": "Which tea?"}, "spend_not_allowed", "mcp_allow_spend")
	est := ok[mcpserver.EstimateOut](f, "estimate_research", map[string]any{"prompt": "History of green tea", "model": "o4-mini-deep-research"})
	if est.WouldPass || !strings.Contains(est.Refusal, "DEEPR_MCP_ALLOW_SPEND") || est.Estimate.HighUSD <= 0 || est.Model != "o4-mini-deep-research" {
		t.Errorf("estimate = %+v; want the estimate, not passing, saying why", est)
	}
	if runs := f.fake.Runs(); len(runs) != 0 {
		t.Errorf("the provider got %d runs while spending was refused", len(runs))
	}
	if l := ok[mcpserver.ListOut](f, "list_research", nil); len(l.Jobs) != 0 {
		t.Errorf("list_research = %+v after refusals, want no job", l.Jobs)
	}
}

// TestResearchThroughMCP: an assistant allowed to spend estimates,
// submits (at once, with the estimate), follows the run to its end with
// progress notifications, finds it in the library, reads it as a tool and
// as a resource, and asks it a question; the spend is recorded as an
// assistant's, and the job says it came from one.
func TestResearchThroughMCP(t *testing.T) {
	f := setup(t, setupOpts{poll: true, env: map[string]string{"DEEPR_MCP_ALLOW_SPEND": "true"}})
	args := map[string]any{"prompt": "History of green tea in Japan", "model": "o4-mini-deep-research", "options": map[string]any{"max_tool_calls": 10}}
	est := ok[mcpserver.EstimateOut](f, "estimate_research", args)
	if !est.WouldPass || est.MaxCostUSD != 5 || est.Provider != "openai" {
		t.Fatalf("estimate = %+v; want it to pass under the $5 per-call limit on openai", est)
	}
	args["max_cost_usd"] = 4
	sub := ok[mcpserver.SubmitOut](f, "submit_research", args)
	if sub.JobID == "" || sub.Status != "queued" || sub.Estimate.HighUSD <= 0 || sub.Estimate.HighUSD > 4 || sub.MaxCostUSD != 4 {
		t.Fatalf("submit = %+v; want a queued job with its estimate under its $4 cap", sub)
	}
	res := f.callWith(&mcp.CallToolParams{Name: "get_research", Arguments: map[string]any{"job_id": sub.JobID, "wait_seconds": 30},
		Meta: mcp.Meta{"progressToken": "follow-1"}})
	if res.IsError {
		t.Fatalf("get_research: %s", textOf(res))
	}
	done := f.waitDone(sub.JobID)
	if done.Status != string(job.Completed) || done.Report == nil || done.Report.Summary == "" || len(done.Report.Sources) == 0 ||
		done.Report.URI != "deepr://reports/"+sub.JobID || !done.Assisted || done.CostUSD <= 0 {
		t.Fatalf("finished job = %+v; want completed with a report brief, sources, a link, a cost, from an assistant", done)
	}
	f.mu.Lock()
	got := len(f.progress)
	f.mu.Unlock()
	if got == 0 {
		t.Error("no progress notification while get_research waited with a progress token")
	}
	last := f.call("get_research", map[string]any{"job_id": sub.JobID})
	var link bool
	for _, c := range last.Content {
		if l, isLink := c.(*mcp.ResourceLink); isLink && l.URI == done.Report.URI {
			link = true
		}
	}
	if !link {
		t.Errorf("get_research of a finished job has no resource link to %s", done.Report.URI)
	}

	hits := ok[mcpserver.SearchOut](f, "search_reports", map[string]any{"query": "tea"})
	if len(hits.Hits) == 0 || hits.Hits[0].JobID != sub.JobID || hits.Hits[0].URI != done.Report.URI {
		t.Errorf("search_reports(tea) = %+v; want the report", hits)
	}
	read := ok[mcpserver.ReadOut](f, "read_report", map[string]any{"job_id": sub.JobID})
	if !strings.Contains(read.Markdown, "Sources") || !strings.Contains(read.Markdown, done.Report.Sources[0].URL) {
		t.Errorf("read_report markdown lacks its numbered sources: %.300q", read.Markdown)
	}
	rr, err := f.cs.ReadResource(f.ctx, &mcp.ReadResourceParams{URI: done.Report.URI})
	if err != nil || len(rr.Contents) != 1 || rr.Contents[0].Text != read.Markdown || rr.Contents[0].MIMEType != "text/markdown" {
		t.Errorf("resource %s = %+v, %v; want the report's markdown", done.Report.URI, rr, err)
	}
	ans := ok[mcpserver.AskOut](f, "ask_report", map[string]any{"job_id": sub.JobID, "question": "Which tea is shade-grown?"})
	if ans.Answer == "" || ans.CostUSD <= 0 {
		t.Errorf("ask_report = %+v; want an answer and its cost", ans)
	}
	sp, err := f.svc.Costs(f.ctx, "")
	if err != nil || sp.AssistantUSD <= 0 || sp.AssistantUSD != sp.SpentUSD {
		t.Errorf("spend = %+v, %v; want all of it recorded as the assistant's", sp, err)
	}
}

// TestEveryProvider: through MCP, research on each provider (its default
// model) is estimated, submitted within the assistant's cap, followed to
// its end and read, with its sources, against that provider's fake.
func TestEveryProvider(t *testing.T) {
	f := setup(t, setupOpts{poll: true, env: map[string]string{"DEEPR_MCP_ALLOW_SPEND": "true", "DEEPR_MCP_MAX_COST": "100"}})
	for _, p := range []string{"openai", "azure", "gemini", "perplexity"} {
		args := map[string]any{"prompt": "History of green tea in Japan (" + p + ")", "provider": p}
		est := ok[mcpserver.EstimateOut](f, "estimate_research", args)
		if !est.WouldPass || est.Provider != p {
			t.Fatalf("%s: estimate = %+v; want it to pass", p, est)
		}
		args["max_cost_usd"] = min(100, float64(int(est.Estimate.HighUSD)+1))
		sub := ok[mcpserver.SubmitOut](f, "submit_research", args)
		done := f.waitDone(sub.JobID)
		if done.Status != string(job.Completed) || done.Provider != p || done.Report == nil || len(done.Report.Sources) == 0 || !done.Assisted {
			t.Errorf("%s: finished job = %+v; want completed on %s with a report brief and sources, from an assistant", p, done, p)
			continue
		}
		rr, err := f.cs.ReadResource(f.ctx, &mcp.ReadResourceParams{URI: done.Report.URI})
		if err != nil || !strings.Contains(rr.Contents[0].Text, done.Report.Sources[0].URL) {
			t.Errorf("%s: the report resource = %v; want its markdown with its sources", p, err)
		}
	}
}
