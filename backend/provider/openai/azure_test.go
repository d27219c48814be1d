package openai

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// The worker's Provider interface plus what Settings and the new-research
// form use; checked at compile time.
var _ interface {
	Name() string
	Submit(context.Context, provider.Request) (string, error)
	Fetch(context.Context, string) (provider.Snapshot, error)
	Cancel(context.Context, string) error
	CheckKey(context.Context) error
	CanCancel() bool
} = (*Provider)(nil)

const azureKey = "0123456789abcdef0123456789abcdef"

// pathRecorder keeps the path and headers of every request.
type pathRecorder struct {
	mu      sync.Mutex
	paths   []string
	headers []http.Header
}

func (p *pathRecorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.paths = append(p.paths, r.Method+" "+r.URL.Path)
		p.headers = append(p.headers, r.Header.Clone())
		p.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func azureSetup(t *testing.T, cfg Config) (*fakeopenai.Server, *pathRecorder, *Provider) {
	t.Helper()
	fake := fakeopenai.NewHandler(fakeopenai.Options{APIKey: azureKey, Azure: true, StepsToFinish: 2})
	rec := &pathRecorder{}
	ts := httptest.NewServer(rec.wrap(fake.Handler()))
	t.Cleanup(ts.Close)
	cfg.AzureEndpoint = ts.URL + "/"
	if cfg.APIKey == "" {
		cfg.APIKey = azureKey
	}
	return fake, rec, New(cfg)
}

func TestAzureRunsAJobOnTheDeployment(t *testing.T) {
	// OpenAI's own settings must not leak into an Azure provider.
	fake, rec, p := azureSetup(t, Config{DefaultModel: "my-o3-deployment", BaseURL: "http://127.0.0.1:1/v1", OrgID: "org-x"})
	if p.Name() != "azure" || p.DefaultModel() != "my-o3-deployment" {
		t.Fatalf("Name/DefaultModel = %q/%q, want azure/my-o3-deployment", p.Name(), p.DefaultModel())
	}
	ctx := context.Background()
	if err := p.CheckKey(ctx); err != nil {
		t.Fatalf("CheckKey: %v", err)
	}
	id, err := p.Submit(ctx, provider.Request{JobID: "job-az", Prompt: "Azure question", WebSearch: true})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	var snap provider.Snapshot
	for range 2 {
		if snap, err = p.Fetch(ctx, id); err != nil {
			t.Fatalf("Fetch: %v", err)
		}
	}
	if snap.Status != provider.StatusCompleted || !strings.Contains(snap.Report, "Azure question") || len(snap.Citations) != 3 {
		t.Fatalf("snapshot: status %q, %d citations, report %q", snap.Status, len(snap.Citations), snap.Report)
	}
	if snap.Model != "my-o3-deployment" {
		t.Errorf("Snapshot.Model = %q, want the deployment the fake reports", snap.Model)
	}
	if err := p.Cancel(ctx, id); err != nil {
		t.Errorf("Cancel of a finished response: %v", err)
	}
	var body map[string]any
	if err := json.Unmarshal(fake.CreateRequests()[0], &body); err != nil {
		t.Fatal(err)
	}
	if body["model"] != "my-o3-deployment" || body["background"] != true {
		t.Errorf("create body model/background = %v/%v, want the deployment and background", body["model"], body["background"])
	}
	want := []string{"GET /openai/v1/models", "POST /openai/v1/responses", "GET /openai/v1/responses/" + id,
		"GET /openai/v1/responses/" + id, "POST /openai/v1/responses/" + id + "/cancel"}
	if strings.Join(rec.paths, "\n") != strings.Join(want, "\n") {
		t.Errorf("paths:\n%s\nwant\n%s", strings.Join(rec.paths, "\n"), strings.Join(want, "\n"))
	}
	for i, h := range rec.headers {
		if h.Get("Api-Key") != azureKey || h.Get("Authorization") != "" || h.Get("OpenAI-Organization") != "" {
			t.Errorf("request %d: api-key %q, Authorization %q, org %q; want only api-key", i,
				h.Get("Api-Key"), h.Get("Authorization"), h.Get("OpenAI-Organization"))
		}
	}
}

func TestAzureDefaultsAndFailures(t *testing.T) {
	fake, _, p := azureSetup(t, Config{})
	if p.DefaultModel() != DefaultModel {
		t.Errorf("DefaultModel = %q, want %q when no deployment is configured", p.DefaultModel(), DefaultModel)
	}
	ctx := context.Background()
	_, err := p.Submit(ctx, provider.Request{JobID: "j", Prompt: "q [[fake:create500]]", WebSearch: true})
	pe := wantKind(t, err, provider.KindAmbiguous)
	if !strings.Contains(pe.Message, "Azure OpenAI") || strings.Contains(pe.Message, "platform.openai.com") {
		t.Errorf("ambiguous message %q should name Azure OpenAI and not OpenAI's console", pe.Message)
	}
	if fake.Creates() != 1 || len(fake.CreateRequests()) != 1 {
		t.Errorf("creates = %d, bodies = %d; want one create, never retried", fake.Creates(), len(fake.CreateRequests()))
	}

	_, _, wrong := azureSetup(t, Config{APIKey: "ffffffffffffffffffffffffffffffff"})
	for op, err := range map[string]error{"check": wrong.CheckKey(ctx), "cancel": wrong.Cancel(ctx, "resp_x")} {
		pe := wantKind(t, err, provider.KindAuth)
		if !strings.Contains(pe.Message, "Azure OpenAI rejected the API key (401)") || !strings.Contains(pe.Message, "AZURE_OPENAI_API_KEY") {
			t.Errorf("%s: message %q should name Azure OpenAI and AZURE_OPENAI_API_KEY", op, pe.Message)
		}
	}
	none := New(Config{AzureEndpoint: "https://example.openai.azure.com"})
	_, err = none.Submit(ctx, provider.Request{Prompt: "q"})
	if pe := wantKind(t, err, provider.KindAuth); !strings.Contains(pe.Message, "AZURE_OPENAI_API_KEY") {
		t.Errorf("no-key message %q should name AZURE_OPENAI_API_KEY", pe.Message)
	}
}

func TestAzureBaseURLAndDeployments(t *testing.T) {
	for in, want := range map[string]string{
		"https://res.openai.azure.com":    "https://res.openai.azure.com/openai/v1/",
		" https://res.openai.azure.com/ ": "https://res.openai.azure.com/openai/v1/",
	} {
		if got := AzureBaseURL(in); got != want {
			t.Errorf("AzureBaseURL(%q) = %q, want %q", in, got, want)
		}
	}
	for _, ok := range []string{"o3-deep-research", "my_dep.1", "A1"} {
		if !ValidDeployment(ok) {
			t.Errorf("ValidDeployment(%q) = false, want true", ok)
		}
	}
	for _, bad := range []string{"", "a", "-lead", "has space", "slash/name", strings.Repeat("x", 65)} {
		if ValidDeployment(bad) {
			t.Errorf("ValidDeployment(%q) = true, want false", bad)
		}
	}
	if got := AzureModels(""); len(got) != 1 || got[0] != "o3-deep-research" {
		t.Errorf("AzureModels(\"\") = %v, want [o3-deep-research]", got)
	}
	if got := AzureModels("team-dr"); len(got) != 1 || got[0] != "team-dr" {
		t.Errorf("AzureModels(team-dr) = %v", got)
	}
}
