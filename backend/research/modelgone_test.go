package research_test

// A create the provider refuses because the model does not exist (any
// more): OpenAI's and Azure's model_not_found, Gemini's 404 for an
// unknown agent, Perplexity's refusal naming the model. The job fails at
// once, not billed, never retried, naming the model to choose instead.

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// goneStub answers every POST with status and body and counts them.
func goneStub(t *testing.T, status int, body string) (url string, posts func() int) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			n.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() int { return int(n.Load()) }
}

// goneCase is one provider refusing a model: the environment that points
// it at a server that refuses, the model, and the one to choose instead.
type goneCase struct {
	prov, display, model, instead, prompt string
	env                                   map[string]string
	posts                                 func() int
}

func goneCases(t *testing.T) []goneCase {
	const azureKey = "azure-gone-test-key-000111222333"
	oa := fakeopenai.New(fakeopenai.Options{APIKey: testKey, GoneModels: []string{"o4-mini-deep-research"}})
	az := fakeopenai.New(fakeopenai.Options{APIKey: azureKey, Azure: true})
	t.Cleanup(oa.Close)
	t.Cleanup(az.Close)
	geURL, gePosts := goneStub(t, http.StatusNotFound,
		`{"error":{"code":404,"message":"Agent deep-research-max-preview-04-2026 is not found.","status":"NOT_FOUND"}}`)
	agURL, agPosts := goneStub(t, http.StatusBadRequest,
		`{"error":{"message":"Unknown preset 'advanced-deep-research'.","type":"invalid_preset"}}`)
	pxURL, pxPosts := goneStub(t, http.StatusBadRequest,
		`{"error":{"message":"Invalid model 'sonar-deep-research'. Permitted models can be found in the documentation.","type":"invalid_model","code":400}}`)
	return []goneCase{
		{"openai", "OpenAI", "o4-mini-deep-research", "o3-deep-research", "Tea in Kenya",
			map[string]string{"OPENAI_BASE_URL": oa.URL()}, func() int { return len(oa.CreateRequests()) }},
		{"azure", "Azure OpenAI", "o4-mini-deep-research", "o3-deep-research", "[[fake:model-gone]] Tea in Kenya",
			map[string]string{"AZURE_OPENAI_ENDPOINT": az.Endpoint(), "AZURE_OPENAI_API_KEY": azureKey,
				"AZURE_OPENAI_DEPLOYMENT": "o3-deep-research"}, func() int { return len(az.CreateRequests()) }},
		{"gemini", "Gemini", "deep-research-max-preview-04-2026", "deep-research-preview-04-2026", "Tea in Kenya",
			map[string]string{"GEMINI_BASE_URL": geURL}, gePosts},
		{"perplexity", "Perplexity", "sonar-deep-research", "deep-research", "Tea in Kenya",
			map[string]string{"PERPLEXITY_BASE_URL": pxURL}, pxPosts},
		{"perplexity", "Perplexity", "advanced-deep-research", "deep-research", "Tea in Kenya", // the Agent API
			map[string]string{"PERPLEXITY_BASE_URL": agURL}, agPosts},
	}
}

func TestModelNotFoundFailsUnbilled(t *testing.T) {
	for _, c := range goneCases(t) {
		t.Run(c.prov+" "+c.model, func(t *testing.T) {
			p := newBudgetProc(t, c.env)
			p.set("DEEPR_MONTHLY_BUDGET", "100")
			res, err := p.svc.Submit(p.ctx, research.SubmitRequest{Prompt: c.prompt, Provider: c.prov, Model: c.model, WebSearch: true})
			if err != nil {
				t.Fatal(err)
			}
			for range 4 { // the create, then passes that must not send it again
				p.tick()
				p.clock.advance(10 * time.Minute)
			}
			j := p.get(res.Job.ID)
			want := "this model was retired by " + c.display + "; choose " + c.instead
			if j.Status != job.Failed || !strings.Contains(j.Error, want) || !strings.Contains(j.Error, "Nothing was billed") {
				t.Errorf("job %s: %q; want failed with %q and nothing billed", j.Status, j.Error, want)
			}
			if j.CostUSD != 0 || !slices.Contains(j.Actions, job.ActionEdit) {
				t.Errorf("cost %v, actions %v; want 0 and edit", j.CostUSD, j.Actions)
			}
			if n := c.posts(); n != 1 {
				t.Errorf("%d creates reached %s, want 1 (no retry)", n, c.prov)
			}
			sp, err := p.svc.Costs(p.ctx, "")
			if err != nil || sp.SpentUSD != 0 || sp.ReservedUSD != 0 {
				t.Errorf("spend %+v (%v); want nothing spent or reserved", sp, err)
			}
		})
	}
}

// TestModelNotFoundThroughTheCLI: `deepr submit` of a model the provider
// no longer has, then `deepr wait`: the job fails at once with the model
// to choose instead, and `deepr status` shows it with edit among its next
// steps.
func TestModelNotFoundThroughTheCLI(t *testing.T) {
	for _, c := range goneCases(t) {
		t.Run(c.prov+" "+c.model, func(t *testing.T) {
			env := map[string]string{"OPENAI_API_KEY": testKey, "GEMINI_API_KEY": "AIza-gone-test-gemini-key-0001",
				"PERPLEXITY_API_KEY": "pplx-gone-test-perplexity-key-0001"}
			maps.Copy(env, c.env)
			h := newHome(t, env)
			code, stdout, stderr := h.deepr("submit", "--provider", c.prov, "--model", c.model, c.prompt)
			id := strings.TrimSpace(stdout)
			if code != 0 || id == "" {
				t.Fatalf("deepr submit: exit %d, %q, %q", code, stdout, stderr)
			}
			want := "this model was retired by " + c.display + "; choose " + c.instead
			code, stdout, stderr = h.deepr("wait", "--timeout", "60s", id)
			if code == 0 || !strings.Contains(stdout, "failed") || !strings.Contains(stderr, want) {
				t.Errorf("deepr wait: exit %d, stdout %q, stderr %q; want failed with %q", code, stdout, stderr, want)
			}
			code, stdout, _ = h.deepr("status", "--json", id)
			var j job.Job
			if err := json.Unmarshal([]byte(stdout), &j); err != nil || code != 0 {
				t.Fatalf("deepr status --json: exit %d, %v: %s", code, err, stdout)
			}
			if j.Status != job.Failed || j.CostUSD != 0 || !strings.Contains(j.Error, want) || !slices.Contains(j.Actions, job.ActionEdit) {
				t.Errorf("deepr status: %s, cost %v, %q, actions %v", j.Status, j.CostUSD, j.Error, j.Actions)
			}
			if n := c.posts(); n != 1 {
				t.Errorf("%d creates reached %s, want 1", n, c.prov)
			}
		})
	}
}
