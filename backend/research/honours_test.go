package research_test

// The estimate and validation use only what the chosen provider honours
// (issue 22, Money): tests across OpenAI, Azure, Gemini and Perplexity
// with the engine's own provider specs.

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/store"
)

// fourUnit is a service with the engine's four provider specs over a real
// store and a fixed clock (nothing is ever sent: the poller is not run).
type fourUnit struct {
	unit
}

// models of each provider that the tests use (Azure: its default deployment).
var fourModels = map[string]string{
	"openai": "o3-deep-research", "azure": "o3-deep-research",
	"gemini": "deep-research-preview-04-2026", "perplexity": "deep-research",
}

func newFourUnit(t *testing.T, env map[string]string) *fourUnit {
	t.Helper()
	b := newBase(t, map[string]string{"OPENAI_API_KEY": testKey,
		"GEMINI_API_KEY": testKey, "PERPLEXITY_API_KEY": testKey, "AZURE_OPENAI_API_KEY": testKey,
		"AZURE_OPENAI_ENDPOINT": "https://example.openai.azure.com"}, env)
	dirs, load, cfg, st := b.dirs, b.load, b.cfg, b.st
	u := &fourUnit{unit{t: t, ctx: t.Context(), st: st, secrets: &fakeSecrets{m: map[string]string{}}, rec: newRecorder(), dirs: dirs}}
	u.svc = research.New(research.Deps{Store: st, Dirs: dirs, Config: cfg, Reload: load, Secrets: u.secrets,
		Providers: engine.Providers(), Holder: "honours test", Events: u.rec, Clock: fixedClock{}})
	t.Cleanup(func() { _ = u.svc.Close() })
	return u
}

// ran records a finished run of provider's model sent with o that cost usd.
func (u *fourUnit) ran(prov string, o job.Options, usd float64) {
	u.t.Helper()
	j, err := u.st.CreateJob(u.ctx, job.Job{Status: job.Queued, Provider: prov, Model: fourModels[prov], Prompt: "An earlier question", Options: o})
	if err != nil {
		u.t.Fatal(err)
	}
	for _, next := range []job.Status{job.Submitting, job.Running} {
		if j, err = u.st.Update(u.ctx, j.ID, func(c *job.Job) error {
			c.Status = next
			if next == job.Running {
				c.ProviderJobID = "run_" + c.ID
			}
			return nil
		}); err != nil {
			u.t.Fatal(err)
		}
	}
	if _, err := u.st.Finish(u.ctx, j.ID, store.Report{Markdown: "# Done"}, func(c *job.Job) error {
		c.Status, c.CostUSD = job.Completed, usd
		ts := t0
		c.FinishedAt = &ts
		return nil
	}); err != nil {
		u.t.Fatal(err)
	}
}

func invalidField(err error) string {
	var e *research.Error
	if errors.As(err, &e) && errors.Is(err, research.ErrInvalid) {
		return e.Field
	}
	return ""
}

// TestBudgetRefusesGeminiAtTwoCallsToo is the reproduction: a monthly
// budget that refuses a Gemini (or Perplexity) run at 40 tool calls
// refused it no more at 2, though neither provider honours the limit
// (estimate $0.06-$0.26, billed $0.76). Now every way of asking is
// refused: the default, an explicit limit (not honoured: refused as
// invalid) and the resubmit of a job stored with a limit of 2.
func TestBudgetRefusesGeminiAtTwoCallsToo(t *testing.T) {
	u := newFourUnit(t, map[string]string{"DEEPR_MONTHLY_BUDGET": "1"})
	for _, prov := range []string{"gemini", "perplexity"} {
		req := research.SubmitRequest{Prompt: "Research the tea trade", Provider: prov, WebSearch: true}
		if d, err := u.svc.Estimate(u.ctx, req); err != nil || d.Allowed {
			t.Fatalf("%s by default: %+v, %v; want refused by the $1 budget", prov, d, err)
		}
		for _, calls := range []int{40, 2} {
			req.MaxToolCalls = calls
			if res, err := u.svc.Submit(u.ctx, req); err == nil {
				t.Errorf("%s at %d tool calls: queued %s (estimate %+v); want refused", prov, calls, res.Job.ID, res.Job.Options)
			}
			if d, err := u.svc.Estimate(u.ctx, req); err == nil && d.Allowed {
				t.Errorf("%s at %d tool calls: the dry run allows it: %+v", prov, calls, d)
			}
		}
		// A job stored before with a limit of 2 (a resubmit is priced from
		// the stored options) is refused too.
		j, err := u.st.CreateJob(u.ctx, job.Job{Status: job.Queued, Provider: prov, Model: fourModels[prov], Prompt: "Old job",
			Options: job.Options{WebSearch: true, MaxToolCalls: 2}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := u.st.Update(u.ctx, j.ID, func(c *job.Job) error { c.Status = job.Cancelled; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := u.svc.Resubmit(u.ctx, j.ID); !errors.Is(err, research.ErrOverBudget) {
			t.Errorf("%s: resubmitting a job stored with 2 tool calls: %v; want over budget", prov, err)
		}
	}
	// Where the limit is honoured it still is the lever it was.
	for _, prov := range []string{"openai", "azure"} {
		req := research.SubmitRequest{Prompt: "Research the tea trade", Provider: prov, WebSearch: true, MaxToolCalls: 40}
		if d, err := u.svc.Estimate(u.ctx, req); err != nil || d.Allowed {
			t.Errorf("%s at 40 calls: %+v, %v; want refused by the $1 budget", prov, d, err)
		}
		req.MaxToolCalls = 2
		if d, err := u.svc.Estimate(u.ctx, req); err != nil || !d.Allowed {
			t.Errorf("%s at 2 calls: %+v, %v; want allowed (the limit is honoured)", prov, d, err)
		}
	}
}

// TestSubmitRefusesWhatTheProviderIgnores: an explicit tool-call limit or
// code interpreter on a provider that ignores it is refused, naming the
// field, the provider and why, in the dry run as in the submit; the same
// request is accepted where the provider honours it.
func TestSubmitRefusesWhatTheProviderIgnores(t *testing.T) {
	u := newFourUnit(t, nil)
	cases := []struct {
		req   research.SubmitRequest
		field string
	}{
		{research.SubmitRequest{MaxToolCalls: 2}, "max_tool_calls"},
		{research.SubmitRequest{MaxToolCalls: 40, WebSearch: true}, "max_tool_calls"},
		{research.SubmitRequest{CodeInterpreter: true}, "code_interpreter"},
	}
	display := map[string]string{"gemini": "Gemini", "perplexity": "Perplexity"}
	for _, prov := range []string{"openai", "azure", "gemini", "perplexity"} {
		for _, c := range cases {
			req := c.req
			req.Prompt, req.Provider = "Research the tea trade", prov
			_, serr := u.svc.Submit(u.ctx, req)
			_, eerr := u.svc.Estimate(u.ctx, req)
			if display[prov] == "" {
				if serr != nil || eerr != nil {
					t.Errorf("%s %+v: %v / %v; want it accepted", prov, c.req, serr, eerr)
				}
				continue
			}
			for _, err := range []error{serr, eerr} {
				if invalidField(err) != c.field || !strings.Contains(err.Error(), display[prov]) || !strings.Contains(err.Error(), "does not") {
					t.Errorf("%s %+v: %v; want an invalid %s naming %s and why", prov, c.req, err, c.field, display[prov])
				}
			}
		}
	}
}

// TestStoredOptionsAreWhatIsSent: a job stores the options as its
// provider runs them: Gemini and Perplexity search on every run and take
// no limit; OpenAI and Azure keep the switches and get the default limit.
func TestStoredOptionsAreWhatIsSent(t *testing.T) {
	u := newFourUnit(t, nil)
	want := map[string]job.Options{
		"openai": {MaxToolCalls: 40}, "azure": {MaxToolCalls: 40},
		"gemini": {WebSearch: true}, "perplexity": {WebSearch: true},
	}
	for prov, o := range want {
		res, err := u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: "Research the tea trade", Provider: prov})
		if err != nil {
			t.Fatalf("%s: %v", prov, err)
		}
		if res.Job.Options != o {
			t.Errorf("%s: stored options %+v, want %+v", prov, res.Job.Options, o)
		}
	}
}

// TestEstimateUsesComparableHistoryOnly: five cheap runs sharpen only the
// requests like them, on every provider, and never bring the high end
// below the request's own profile (before: $1-$1 for any o3 request once
// five o3 runs existed).
func TestEstimateUsesComparableHistoryOnly(t *testing.T) {
	u := newFourUnit(t, nil)
	sent := map[string]job.Options{
		"openai": {WebSearch: true, MaxToolCalls: 40}, "azure": {WebSearch: true, MaxToolCalls: 40},
		"gemini": {WebSearch: true}, "perplexity": {WebSearch: true},
	}
	for prov, o := range sent {
		for range 5 {
			u.ran(prov, o, 0.01)
		}
	}
	for prov, o := range sent {
		like := research.SubmitRequest{Prompt: "Research the tea trade", Provider: prov, WebSearch: o.WebSearch, MaxToolCalls: o.MaxToolCalls}
		d, err := u.svc.Estimate(u.ctx, like)
		if err != nil {
			t.Fatal(err)
		}
		if d.Estimate.Samples != 5 || d.Estimate.HighUSD < 0.5 {
			t.Errorf("%s, like the five $0.01 runs: %+v; want their median and the profile's high end", prov, d.Estimate)
		}
	}
	for _, prov := range []string{"openai", "azure"} {
		big := research.SubmitRequest{Prompt: "Research the tea trade", Provider: prov, WebSearch: true, CodeInterpreter: true, MaxToolCalls: 200}
		d, err := u.svc.Estimate(u.ctx, big)
		if err != nil {
			t.Fatal(err)
		}
		if d.Estimate.Samples != 0 || d.Estimate.HighUSD < 44 {
			t.Errorf("%s, 200 calls with web search and code: %+v; want the profile's $44 and more, no history", prov, d.Estimate)
		}
	}
}

// TestProvidersSayWhatTheyHonour: each provider tells the faces which
// options it honours (the form shows only those controls), from the
// engine's specs and the catalogue (their default models): OpenAI and
// Azure every option, Gemini and Perplexity only a cost cap (they always
// search and decide their own tool calls); and whether a run can be
// cancelled there and continued by a follow-up.
func TestProvidersSayWhatTheyHonour(t *testing.T) {
	u := newFourUnit(t, nil)
	responses := provider.Capabilities{WebSearch: provider.ToolOptional, CodeInterpreter: provider.ToolOptional,
		MaxToolCalls: true, CostCap: true, Cancel: true, Continue: true}
	want := map[string]provider.Capabilities{
		"openai": responses, "azure": responses,
		"gemini": {WebSearch: provider.ToolAlways, CodeInterpreter: provider.ToolNever, CostCap: true, Cancel: true, Continue: true},
		// Perplexity's default preset runs on the Agent API, which continues a
		// stored response (previous_response_id).
		"perplexity": {WebSearch: provider.ToolAlways, CodeInterpreter: provider.ToolNever, CostCap: true, Continue: true},
	}
	ps := u.svc.Providers()
	if len(ps) != len(want) {
		t.Fatalf("%d providers, want %d", len(ps), len(want))
	}
	for _, p := range ps {
		if p.Capabilities != want[p.Name] || p.CanCancel != want[p.Name].Cancel {
			t.Errorf("%s: capabilities %+v (can_cancel %v), want %+v", p.Name, p.Capabilities, p.CanCancel, want[p.Name])
		}
		b, err := json.Marshal(p)
		if err != nil || !strings.Contains(string(b), `"capabilities":{"web_search":"`+string(want[p.Name].WebSearch)+`"`) {
			t.Errorf("%s as JSON: %s (%v); want its capabilities", p.Name, b, err)
		}
	}
}

// TestNoDataSourceIsANoteOfTheService: a request with web search off on a
// provider where it is a switch (OpenAI, Azure) has no data source; the
// service says so, in Submit's and Estimate's notes, for every face to show
// as it is. Gemini and Perplexity always search: no note.
func TestNoDataSourceIsANoteOfTheService(t *testing.T) {
	u := newFourUnit(t, nil)
	for _, prov := range []string{"openai", "azure", "gemini", "perplexity"} {
		for _, web := range []bool{false, true} {
			req := research.SubmitRequest{Prompt: "Research the tea trade", Provider: prov, WebSearch: web, CodeInterpreter: !web && prov != "gemini" && prov != "perplexity"}
			res, err := u.svc.Submit(u.ctx, req)
			if err != nil {
				t.Fatalf("%s web %v: %v", prov, web, err)
			}
			d, err := u.svc.Estimate(u.ctx, req)
			if err != nil {
				t.Fatalf("%s web %v: estimate: %v", prov, web, err)
			}
			want := !web && (prov == "openai" || prov == "azure")
			got := false
			for _, n := range res.Notes {
				if n.Code == research.NoteNoSource {
					got = true
					if strings.Contains(n.Message, "DEEPR_") || strings.Contains(n.Message, " --") {
						t.Errorf("%s: note names a variable or flag: %q", prov, n.Message)
					}
				}
			}
			if got != want {
				t.Errorf("%s web %v: submit no-source note = %v, want %v (%+v)", prov, web, got, want, res.Notes)
			}
			if len(d.Notes) > 0 != want {
				t.Errorf("%s web %v: estimate notes %v, want a no-source note %v", prov, web, d.Notes, want)
			}
		}
	}
}

// TestModelsCarryTheToolCallLimits: a model that honours a tool-call limit
// says its range and default (the window writes none of them); one that
// does not carries none.
func TestModelsCarryTheToolCallLimits(t *testing.T) {
	u := newFourUnit(t, nil)
	seen := map[string]bool{}
	for _, m := range u.svc.Models() {
		seen[m.Provider] = true
		want := research.ToolCallLimits{}
		if m.Capabilities.MaxToolCalls {
			want = research.ToolCallLimits{Min: job.MinMaxToolCalls, Max: job.MaxMaxToolCalls, Default: job.DefaultMaxToolCalls}
		}
		if m.ToolCalls != want {
			t.Errorf("%s/%s: tool calls %+v, want %+v", m.Provider, m.ID, m.ToolCalls, want)
		}
	}
	if len(seen) != 4 {
		t.Errorf("models of %v, want all four providers", seen)
	}
}
