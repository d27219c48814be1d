package research_test

// Every provider told apart (issue 24): each job a face gets, in the queue,
// the reader, a search hit, a thread or an event, carries its provider's
// and its model's display names from the provider specs and the model
// catalogue, so an Azure run never looks like an OpenAI one; and each
// provider's Settings card is built from what Go sends.

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/paths"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/store"
)

// displayCases are a job on each provider and the names it must show.
var displayCases = []struct{ provider, model, wantProvider, wantModel string }{
	{"openai", "o3-deep-research", "OpenAI", "o3 deep research"},
	{"azure", "o3-deep-research", "Azure OpenAI", "o3 deep research"},
	{"azure", "team-o4-mini-dr", "Azure OpenAI", "team-o4-mini-dr (o4-mini deep research)"},
	{"gemini", "deep-research-preview-04-2026", "Gemini", "Deep Research (April 2026 preview)"},
	{"perplexity", "sonar-deep-research", "Perplexity", "Sonar Deep Research (async API)"},
}

func checkDisplay(t *testing.T, where string, j job.Job, wantProvider, wantModel string) {
	t.Helper()
	if j.ProviderDisplay != wantProvider || j.ModelDisplay != wantModel {
		t.Errorf("%s: job %s (%s/%s) shows %q / %q, want %q / %q", where, j.ID, j.Provider, j.Model,
			j.ProviderDisplay, j.ModelDisplay, wantProvider, wantModel)
	}
}

func TestEveryJobCarriesDisplayNames(t *testing.T) {
	u := newCatalogUnit(t, nil, t0)
	ids := map[string]int{}
	var parent string
	for i, c := range displayCases {
		j, err := u.st.CreateJob(u.ctx, job.Job{Status: job.Queued, Provider: c.provider, Model: c.model,
			Prompt: "Tea harvests in Darjeeling", ParentID: parent})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []job.Status{job.Submitting, job.Running} {
			if j, err = u.st.Update(u.ctx, j.ID, func(c *job.Job) error {
				c.Status, c.ProviderJobID = st, "resp_"+c.ID
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err = u.st.Finish(u.ctx, j.ID, store.Report{Markdown: "Darjeeling tea report"}, func(c *job.Job) error {
			c.Status = job.Completed
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		ids[j.ID] = i
		parent = j.ID
	}
	want := func(where string, j job.Job) {
		t.Helper()
		i, ok := ids[j.ID]
		if !ok {
			t.Fatalf("%s: unknown job %s", where, j.ID)
		}
		checkDisplay(t, where, j, displayCases[i].wantProvider, displayCases[i].wantModel)
	}

	jobs, err := u.svc.List(u.ctx, research.ListRequest{})
	if err != nil || len(jobs) != len(displayCases) {
		t.Fatalf("List: %d jobs, %v", len(jobs), err)
	}
	for id := range ids {
		g, err := u.svc.Get(u.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want("Get", g)
		r, err := u.svc.Report(u.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want("Report", r.Job)
	}
	for _, j := range jobs {
		want("List", j)
	}
	res, err := u.svc.Search(u.ctx, research.SearchRequest{Query: "Darjeeling"})
	if err != nil || len(res.Hits) != len(displayCases) {
		t.Fatalf("Search: %d hits, %v", len(res.Hits), err)
	}
	for _, h := range res.Hits {
		want("Search", h.Job)
	}
	th, err := u.svc.Thread(u.ctx, parent)
	if err != nil || len(th.Jobs) != len(displayCases) {
		t.Fatalf("Thread: %+v, %v", th, err)
	}
	for _, tj := range th.Jobs {
		want("Thread", tj.Job)
	}
}

// TestSubmittedJobsCarryDisplayNames: a job submitted on each provider is
// told to the faces (the event and the result) with its names.
func TestSubmittedJobsCarryDisplayNames(t *testing.T) {
	u := newCatalogUnit(t, map[string]string{"AZURE_OPENAI_DEPLOYMENT": "team-o4-mini-dr"}, t0)
	for _, c := range displayCases {
		if c.provider == "azure" && c.model == "o3-deep-research" {
			continue // the deployment in force is the other Azure case
		}
		res, err := u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: "Tea", Provider: c.provider, Model: c.model})
		if err != nil {
			t.Fatalf("Submit %s/%s: %v", c.provider, c.model, err)
		}
		checkDisplay(t, "Submit", res.Job, c.wantProvider, c.wantModel)
		ev := u.rec.waitJob(t, res.Job.ID, 5*time.Second, "the job's event", func(job.Job) bool { return true })
		checkDisplay(t, "JobChanged", ev, c.wantProvider, c.wantModel)
	}
}

// TestProviderCardsComeFromGo: Settings gets, per provider, everything its
// card shows: the display name, the key's variable and where to get one,
// and for Azure the endpoint it needs, with its variable and value.
func TestProviderCardsComeFromGo(t *testing.T) {
	u := newCatalogUnit(t, nil, t0)
	want := map[string]struct{ display, keyVar, endpointVar, endpoint string }{
		"openai":     {"OpenAI", "OPENAI_API_KEY", "", ""},
		"gemini":     {"Gemini", "GEMINI_API_KEY", "", ""},
		"perplexity": {"Perplexity", "PERPLEXITY_API_KEY", "", ""},
		"azure":      {"Azure OpenAI", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com"},
	}
	ps := u.svc.Settings().Providers
	if len(ps) != len(want) {
		t.Fatalf("Settings has %d providers, want %d", len(ps), len(want))
	}
	for _, p := range ps {
		w, ok := want[p.Name]
		if !ok {
			t.Fatalf("unexpected provider %q", p.Name)
		}
		if p.Display != w.display || p.KeyVariable != w.keyVar || p.KeyHelp == "" {
			t.Errorf("%s: display %q, key variable %q, key help %q; want %q, %q and a help text", p.Name, p.Display, p.KeyVariable, p.KeyHelp, w.display, w.keyVar)
		}
		if p.EndpointVariable != w.endpointVar || p.Endpoint != w.endpoint {
			t.Errorf("%s: endpoint %q = %q, want %q = %q", p.Name, p.EndpointVariable, p.Endpoint, w.endpointVar, w.endpoint)
		}
		if p.EndpointLocked != (w.endpointVar != "") {
			t.Errorf("%s: endpoint locked %v (it is set in the environment)", p.Name, p.EndpointLocked)
		}
	}
}

// TestEndpointIsSavedFromItsCard: the endpoint a provider needs (Azure's)
// is saved from its Settings card, checked with start-up's rules before
// anything is written, and makes the provider ready; a provider that needs
// none refuses one.
func TestEndpointIsSavedFromItsCard(t *testing.T) {
	root := t.TempDir()
	dirs := paths.Dirs{Data: filepath.Join(root, "data"), Config: filepath.Join(root, "config"), State: filepath.Join(root, "state")}
	if err := dirs.Ensure(); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"DEEPR_DATA_DIR": dirs.Data, "DEEPR_CONFIG_DIR": dirs.Config, "AZURE_OPENAI_API_KEY": testKey}
	load := func(saved map[string]string) (config.Config, error) {
		return config.Load(config.LoadOptions{Getenv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
			DefaultDataDir: dirs.Data, DefaultConfigDir: dirs.Config, Saved: saved})
	}
	cfg, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(dirs.Database())
	if err != nil {
		t.Fatal(err)
	}
	svc := research.New(research.Deps{Store: st, Dirs: dirs, Config: cfg, Secrets: &fakeSecrets{m: map[string]string{}},
		Reload: func() (config.Config, error) { return load(nil) }, Resolve: load,
		Providers: engine.Providers(), Holder: "endpoint test", Events: newRecorder(), Clock: fixedClock{}})
	t.Cleanup(func() { _ = svc.Close() })
	azure := func(v research.SettingsView) research.ProviderInfo {
		for _, p := range v.Providers {
			if p.Name == "azure" {
				return p
			}
		}
		t.Fatal("no azure provider")
		return research.ProviderInfo{}
	}
	if p := azure(svc.Settings()); p.Ready || p.Endpoint != "" || p.EndpointLocked {
		t.Fatalf("before: %+v", p)
	}
	if _, err := svc.SetEndpoint(t.Context(), "azure", "https://example.openai.azure.com/openai/v1/"); err == nil {
		t.Fatal("an endpoint with the API path was saved")
	} else {
		wantError(t, err, research.ErrInvalid, "endpoint")
	}
	if saved, _ := config.LoadSettings(dirs.Config); saved["AZURE_OPENAI_ENDPOINT"] != "" {
		t.Fatalf("a refused endpoint was written: %v", saved)
	}
	v, err := svc.SetEndpoint(t.Context(), "azure", " https://example.openai.azure.com ")
	if err != nil {
		t.Fatal(err)
	}
	if p := azure(v); !p.Ready || p.Endpoint != "https://example.openai.azure.com" {
		t.Errorf("after saving: %+v", p)
	}
	if _, err := svc.SetEndpoint(t.Context(), "gemini", "https://example.com"); err == nil {
		t.Error("Gemini took an endpoint")
	}
	v, err = svc.SetEndpoint(t.Context(), "azure", "")
	if err != nil || azure(v).Endpoint != "" || azure(v).Ready {
		t.Errorf("removing the endpoint: %+v, %v", azure(v), err)
	}
}
