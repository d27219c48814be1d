package research_test

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/fakegemini"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/fakeperplexity"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Cancel on every provider (issue 22, Money: cancel): a run the provider
// stopped is billed for what it used, and that cost is kept; a run the
// provider cannot stop (Perplexity) is polled to its end and its report
// and cost are kept. Each dialog and warning names the job's own provider.

const (
	cancelGeminiKey     = "AIza-cancel-test-gemini-0001112"
	cancelPerplexityKey = "pplx-cancel-test-perplexity-0001"
	cancelAzureKey      = "azure-cancel-test-key-000111222"
)

// fourProviders runs one process with every provider on its in-repo fake.
// Runs never finish by themselves (the fakes need many polls and the
// poll interval is an hour): only what a test does moves them.
type fourProviders struct {
	*proc
	openai, azure *fakeopenai.Server
	gemini        *fakegemini.Server
	perplexity    *fakeperplexity.Server
}

func openFour(t *testing.T, perplexitySteps int) *fourProviders {
	t.Helper()
	f := &fourProviders{
		openai:     fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1000}),
		azure:      fakeopenai.New(fakeopenai.Options{APIKey: cancelAzureKey, StepsToFinish: 1000, Azure: true}),
		gemini:     fakegemini.New(fakegemini.Options{APIKey: cancelGeminiKey, StepsToFinish: 1000}),
		perplexity: fakeperplexity.New(fakeperplexity.Options{APIKey: cancelPerplexityKey, StepsToFinish: perplexitySteps}),
	}
	t.Cleanup(f.openai.Close)
	t.Cleanup(f.azure.Close)
	t.Cleanup(f.gemini.Close)
	t.Cleanup(f.perplexity.Close)
	// The two OpenAI fakes number their responses alike, and a provider id
	// is unique in the database: move Azure's numbering on.
	skip, err := http.NewRequest(http.MethodPost, f.azure.Endpoint()+"/openai/v1/responses",
		strings.NewReader(`{"model":"o3-deep-research","input":"skip","background":true}`))
	if err != nil {
		t.Fatal(err)
	}
	skip.Header.Set("api-key", cancelAzureKey)
	if r, err := http.DefaultClient.Do(skip); err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("numbering the Azure fake on: %v %v", r, err)
	} else {
		r.Body.Close()
	}
	f.proc = openProc(t, f.openai, map[string]string{
		"DEEPR_POLL_INTERVAL":     "3600",
		"GEMINI_API_KEY":          cancelGeminiKey,
		"GEMINI_BASE_URL":         f.gemini.URL(),
		"PERPLEXITY_API_KEY":      cancelPerplexityKey,
		"PERPLEXITY_BASE_URL":     f.perplexity.URL(),
		"AZURE_OPENAI_API_KEY":    cancelAzureKey,
		"AZURE_OPENAI_ENDPOINT":   f.azure.Endpoint(),
		"AZURE_OPENAI_DEPLOYMENT": "o3-deep-research",
	})
	f.run(t)
	return f
}

// running submits a job to prov and waits until the provider runs it.
func (f *fourProviders) running(t *testing.T, prov, prompt string) job.Job {
	t.Helper()
	res, err := f.svc.Submit(context.Background(), research.SubmitRequest{Prompt: prompt, Provider: prov, WebSearch: true})
	if err != nil {
		t.Fatalf("submit to %s: %v", prov, err)
	}
	f.rec.waitStatus(t, res.Job.ID, job.Running, 15*time.Second)
	j, err := f.svc.Get(context.Background(), res.Job.ID)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// display is how each provider is named to the user.
var display = map[string]string{"openai": "OpenAI", "azure": "Azure OpenAI", "gemini": "Gemini", "perplexity": "Perplexity"}

// wantNamesOnly checks that text names the job's provider and no other.
func wantNamesOnly(t *testing.T, what, text, prov string) {
	t.Helper()
	if !strings.Contains(text, display[prov]) {
		t.Errorf("%s of a %s job = %q, want it to name %s", what, prov, text, display[prov])
	}
	for other, name := range display {
		if other != prov && !strings.Contains(display[prov], name) && strings.Contains(text, name) {
			t.Errorf("%s of a %s job = %q names %s", what, prov, text, name)
		}
	}
}

// priced is a job's usage at today's price of its model.
func priced(t *testing.T, svc *research.Service, j job.Job) float64 {
	t.Helper()
	p, ok := svc.Config().PriceTable().Lookup(j.Provider, j.Model)
	if !ok {
		t.Fatalf("no price for %s/%s", j.Provider, j.Model)
	}
	return cost.Cost(p, j.Usage)
}

func TestCancelBillsWhatTheRunUsed(t *testing.T) {
	f := openFour(t, 1000)
	for _, prov := range []string{"openai", "azure", "gemini"} {
		t.Run(prov, func(t *testing.T) {
			ctx := context.Background()
			j := f.running(t, prov, "cancel me on "+prov)
			if !slices.Contains(j.Actions, job.ActionCancel) {
				t.Fatalf("a running %s job offers %v, want cancel", prov, j.Actions)
			}
			wantNamesOnly(t, "the cancel prompt", j.CancelPrompt, prov)
			before, err := f.svc.Costs(ctx, "")
			if err != nil {
				t.Fatal(err)
			}

			res, err := f.svc.Cancel(ctx, j.ID)
			if err != nil {
				t.Fatalf("Cancel: %v", err)
			}
			got := res.Job
			if got.Status != job.Cancelled || res.Warning != "" {
				t.Fatalf("after a cancel %s accepted: %s (%q), warning %q; want cancelled at once", prov, got.Status, got.Error, res.Warning)
			}
			if got.CostUSD <= 0 || got.Usage.InputTokens == 0 {
				t.Fatalf("cancelled %s run: cost %v usage %+v, want what it used before it stopped", prov, got.CostUSD, got.Usage)
			}
			if want := priced(t, f.svc, got); math.Abs(got.CostUSD-want) > 1e-9 {
				t.Errorf("cost %v, want its usage priced: %v", got.CostUSD, want)
			}
			after, err := f.svc.Costs(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if d := after.SpentUSD - before.SpentUSD; math.Abs(d-got.CostUSD) > 1e-9 {
				t.Errorf("the month's spend rose by %v, want the cancelled run's %v", d, got.CostUSD)
			}
			var line *store.JobSpend
			for i := range after.Jobs {
				if after.Jobs[i].JobID == j.ID {
					line = &after.Jobs[i]
				}
			}
			if line == nil || math.Abs(line.CostUSD-got.CostUSD) > 1e-9 || line.Status != job.Cancelled {
				t.Errorf("spend line of the job = %+v, want cancelled at %v", line, got.CostUSD)
			}
			if slices.Contains(got.Actions, job.ActionCancel) || got.CancelPrompt != "" {
				t.Errorf("a cancelled job offers %v with prompt %q", got.Actions, got.CancelPrompt)
			}
		})
	}
}

func TestCancelPerplexityKeepsTheRun(t *testing.T) {
	f := openFour(t, 2)
	ctx := context.Background()
	j := f.running(t, "perplexity", "[[fake:unicode]] tidal power in Scotland")
	wantNamesOnly(t, "the cancel prompt", j.CancelPrompt, "perplexity")
	if !strings.Contains(j.CancelPrompt, "cannot stop a run") {
		t.Errorf("cancel prompt = %q, want it to say Perplexity cannot stop a run", j.CancelPrompt)
	}

	const honest = "Perplexity cannot stop a run; it will finish and bill; Deepr will keep the report"
	res, err := f.svc.Cancel(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Warning, honest) {
		t.Errorf("warning = %q, want %q", res.Warning, honest)
	}
	noCLI(t, res.Warning)
	got := res.Job
	if got.Status != job.Running || got.CancelRequestedAt == nil || slices.Contains(got.Actions, job.ActionCancel) {
		t.Fatalf("after the cancel: %s, requested %v, actions %v; want running, requested, no second cancel", got.Status, got.CancelRequestedAt, got.Actions)
	}
	if !strings.Contains(got.CancelNote, honest) {
		t.Errorf("the job says %q, want %q", got.CancelNote, honest)
	}
	if spend, _ := f.svc.Costs(ctx, ""); spend.ReservedUSD <= 0 {
		t.Errorf("reserved = %v while the run goes on, want its estimate held", spend.ReservedUSD)
	}
	again, err := f.svc.Cancel(ctx, j.ID) // a second cancel changes nothing
	if err != nil || again.Job.Status != job.Running || !strings.Contains(again.Warning, honest) {
		t.Errorf("second cancel = %s %q, %v", again.Job.Status, again.Warning, err)
	}

	// Polled to the end like any run.
	for i := 0; i < 3; i++ {
		if _, err := f.svc.CheckNow(ctx, j.ID); err != nil {
			break // it finished: nothing left to check
		}
		f.rec.waitFor(t, 15*time.Second, "a poll after check now", func() bool {
			// CheckNow may have read the job just before a poll under way
			// saved its end: then no poll follows, and none is needed.
			cur, err := f.svc.Get(ctx, j.ID)
			return f.perplexity.Gets(j.ProviderJobID) > i || (err == nil && !cur.Status.Active())
		})
	}
	done := f.rec.waitStatus(t, j.ID, job.Completed, 15*time.Second)
	done, err = f.svc.Get(ctx, done.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.CostUSD <= 0 {
		t.Errorf("cost of the finished run = %v, want Perplexity's figure", done.CostUSD)
	}
	wantNamesOnly(t, "the note of the finished job", done.CancelNote, "perplexity")
	rep, err := f.svc.Report(ctx, j.ID)
	if err != nil || rep.Markdown == "" || len(rep.Citations) == 0 {
		t.Fatalf("report after the run finished: %d bytes, %d citations, %v", len(rep.Markdown), len(rep.Citations), err)
	}
	words := strings.Fields(rep.Markdown)
	word := strings.Trim(words[len(words)/2], "#*.,:;()[]")
	hits, err := f.svc.Search(ctx, research.SearchRequest{Query: word})
	if err != nil || !slices.ContainsFunc(hits.Hits, func(h research.SearchHit) bool { return h.Job.ID == j.ID }) {
		t.Errorf("search %q did not find the report (%v)", word, err)
	}
	spend, err := f.svc.Costs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(spend.SpentUSD-done.CostUSD) > 1e-9 || spend.ReservedUSD != 0 {
		t.Errorf("spend %v reserved %v, want the run's %v and nothing reserved", spend.SpentUSD, spend.ReservedUSD, done.CostUSD)
	}
}

// TestCancelPromptOfAQueuedJob: nothing has been sent, so nothing is
// billed, and the prompt says so with the job's provider.
func TestCancelPromptOfAQueuedJob(t *testing.T) {
	u := newUnit(t, nil)
	j, err := u.svc.Get(u.ctx, u.mkJob(job.Queued).ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(j.CancelPrompt, "OpenAI") || !strings.Contains(j.CancelPrompt, "nothing is billed") {
		t.Errorf("cancel prompt of a queued job = %q", j.CancelPrompt)
	}
}
