package research_test

// Helpers of the budget tests: one process from engine.Open (real
// SQLite, the real providers) against the in-repo fakes of all four
// providers, on a clock the test moves, driven pass by pass with Tick.

import (
	"context"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/fakegemini"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/fakeperplexity"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// movingClock moves only when told; its timers never fire (Tick needs none).
type movingClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *movingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *movingClock) NewTimer(time.Duration) worker.Timer { return neverTimer{} }

func (c *movingClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// A request per provider, with the model each is tested with.
var fleetModels = map[string]string{
	"openai": "o3-deep-research", "azure": "o3-deep-research",
	"gemini": "deep-research-preview-04-2026", "perplexity": "sonar-deep-research",
}

var providerOrder = []string{"openai", "azure", "gemini", "perplexity"}

// budgetProc is one Deepr process with every provider's fake.
type budgetProc struct {
	t       *testing.T
	ctx     context.Context
	svc     *research.Service
	clock   *movingClock
	env     map[string]string
	creates map[string]func() int // provider -> creates its fake saw
}

func newBudgetProc(t *testing.T, env map[string]string) *budgetProc {
	t.Helper()
	const azureKey, geminiKey, pplxKey = "azure-test-key-0001112223334445", "AIza-test-gemini-key-000111222", "pplx-test-perplexity-key-000111"
	oa := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1000})
	az := fakeopenai.New(fakeopenai.Options{APIKey: azureKey, Azure: true, StepsToFinish: 1000, IDPrefix: "resp_azfake"})
	ge := fakegemini.New(fakegemini.Options{APIKey: geminiKey, StepsToFinish: 1000})
	px := fakeperplexity.New(fakeperplexity.Options{APIKey: pplxKey, StepsToFinish: 1000})
	for _, c := range []func(){oa.Close, az.Close, ge.Close, px.Close} {
		t.Cleanup(c)
	}
	data := t.TempDir()
	vars := map[string]string{
		"DEEPR_DATA_DIR": data, "DEEPR_CONFIG_DIR": filepath.Join(data, "config"),
		"OPENAI_API_KEY": testKey, "OPENAI_BASE_URL": oa.URL(),
		"AZURE_OPENAI_API_KEY": azureKey, "AZURE_OPENAI_ENDPOINT": az.Endpoint(),
		"GEMINI_API_KEY": geminiKey, "GEMINI_BASE_URL": ge.URL(),
		"PERPLEXITY_API_KEY": pplxKey, "PERPLEXITY_BASE_URL": px.URL(),
	}
	for k, v := range env {
		vars[k] = v
	}
	l := logrus.New()
	l.SetOutput(io.Discard)
	p := &budgetProc{t: t, ctx: context.Background(), clock: &movingClock{now: t0}, env: vars,
		creates: map[string]func() int{"openai": oa.Creates, "azure": az.Creates, "gemini": ge.Creates, "perplexity": px.Creates}}
	svc, err := engine.Open(engine.Options{
		Getenv:  func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		WorkDir: t.TempDir(), Holder: "budget test", Log: l, Clock: p.clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	p.svc = svc
	t.Cleanup(func() { _ = svc.Close() })
	return p
}

// set changes one setting as the environment gives it (""= unset) and
// reloads the configuration, as a change in Settings does.
func (p *budgetProc) set(name, value string) {
	p.t.Helper()
	if value == "" {
		delete(p.env, name)
	} else {
		p.env[name] = value
	}
	if err := p.svc.Reload(p.ctx); err != nil {
		p.t.Fatalf("reloading with %s=%q: %v", name, value, err)
	}
}

// tick runs one pass of the poller.
func (p *budgetProc) tick() {
	p.t.Helper()
	if err := p.svc.Tick(p.ctx); err != nil {
		p.t.Fatalf("Tick: %v", err)
	}
}

// request is a research request on prov with prompt.
func request(prov, prompt string) research.SubmitRequest {
	return research.SubmitRequest{Prompt: prompt, Provider: prov, Model: fleetModels[prov], WebSearch: true}
}

// high is the high estimate of a request now.
func (p *budgetProc) high(r research.SubmitRequest) float64 {
	p.t.Helper()
	d, err := p.svc.Estimate(p.ctx, r)
	if err != nil {
		p.t.Fatalf("Estimate: %v", err)
	}
	return d.Estimate.HighUSD
}

func (p *budgetProc) get(id string) job.Job {
	p.t.Helper()
	j, err := p.svc.Get(p.ctx, id)
	if err != nil {
		p.t.Fatal(err)
	}
	return j
}
