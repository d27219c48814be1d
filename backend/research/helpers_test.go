package research_test

// Helpers of the service tests: a service over a real SQLite file with the
// fakes of fakes_test.go (unit tests), and a recorder of the service's events that lets a test wait for a signal instead of
// sleeping. The tests that run a whole process through engine.Open and the
// fake OpenAI server have their own helpers in process_helpers_test.go.

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/paths"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/secrets"
	"github.com/deepr-desktop/deepr/backend/store"
)

const testKey = "sk-service-test-key-000111"

// recorder implements research.Events and lets a test wait for an event.
type recorder struct {
	mu      sync.Mutex
	jobs    []job.Job
	deleted []string
	health  []research.Health
	ch      chan struct{} // a signal per change; one pending is enough
}

func newRecorder() *recorder { return &recorder{ch: make(chan struct{}, 1)} }

func (r *recorder) signal() {
	select {
	case r.ch <- struct{}{}:
	default:
	}
}

func (r *recorder) JobChanged(j job.Job) {
	r.mu.Lock()
	r.jobs = append(r.jobs, j)
	r.mu.Unlock()
	r.signal()
}

func (r *recorder) JobDeleted(id string) {
	r.mu.Lock()
	r.deleted = append(r.deleted, id)
	r.mu.Unlock()
	r.signal()
}

func (r *recorder) HealthChanged(h research.Health) {
	r.mu.Lock()
	r.health = append(r.health, h)
	r.mu.Unlock()
	r.signal()
}

// await waits until cond (called with the recorder locked) is true, and
// reports false when it is still false after within.
func (r *recorder) await(within time.Duration, cond func() bool) bool {
	deadline := time.After(within)
	for {
		r.mu.Lock()
		ok := cond()
		r.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-r.ch:
		case <-deadline:
			return false
		}
	}
}

// waitFor is await that fails the test on a timeout.
func (r *recorder) waitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	if !r.await(within, cond) {
		t.Fatalf("timed out after %s waiting for %s", within, what)
	}
}

// waitJob waits for an emitted version of job id that satisfies ok.
func (r *recorder) waitJob(t testing.TB, id string, within time.Duration, what string, ok func(job.Job) bool) job.Job {
	t.Helper()
	var got job.Job
	r.waitFor(t, within, "job "+id+" "+what, func() bool {
		for _, j := range r.jobs {
			if j.ID == id && ok(j) {
				got = j
				return true
			}
		}
		return false
	})
	return got
}

func (r *recorder) waitStatus(t testing.TB, id string, st job.Status, within time.Duration) job.Job {
	t.Helper()
	return r.waitJob(t, id, within, "to be "+string(st), func(j job.Job) bool { return j.Status == st })
}

// waitHealth waits for an emitted Health that satisfies ok.
func (r *recorder) waitHealth(t testing.TB, within time.Duration, what string, ok func(research.Health) bool) research.Health {
	t.Helper()
	var got research.Health
	r.waitFor(t, within, what, func() bool {
		for _, h := range r.health {
			if ok(h) {
				got = h
				return true
			}
		}
		return false
	})
	return got
}

func (r *recorder) emitted() []job.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]job.Job(nil), r.jobs...)
}

// unit is a service over a real store on a temp file, with a fake
// provider, in-memory secrets and a fixed clock.
type unit struct {
	t       *testing.T
	ctx     context.Context
	st      *store.Store
	svc     *research.Service
	prov    *fakeProvider
	secrets *fakeSecrets
	rec     *recorder
	dirs    paths.Dirs
}

// base is what every unit-test service starts from: fresh data and config
// folders, the configuration loaded from an injected environment (the
// folders, then defaults, then env on top; reloaded on every settings
// change) and the store on a fixed clock.
type base struct {
	dirs paths.Dirs
	load func() (config.Config, error)
	cfg  config.Config
	st   *store.Store
}

func newBase(t *testing.T, defaults, env map[string]string) base {
	t.Helper()
	root := t.TempDir()
	dirs := paths.Dirs{Data: filepath.Join(root, "data"), Config: filepath.Join(root, "config"), State: filepath.Join(root, "state")}
	if err := dirs.Ensure(); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"DEEPR_DATA_DIR": dirs.Data, "DEEPR_CONFIG_DIR": dirs.Config}
	for k, v := range defaults {
		vars[k] = v
	}
	for k, v := range env {
		vars[k] = v
	}
	load := func() (config.Config, error) {
		return config.Load(config.LoadOptions{
			Getenv:           func(k string) (string, bool) { v, ok := vars[k]; return v, ok && v != "" },
			DefaultDataDir:   dirs.Data,
			DefaultConfigDir: dirs.Config,
		})
	}
	cfg, err := load()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(dirs.Database())
	if err != nil {
		t.Fatal(err)
	}
	st.Now = fixedClock{}.Now
	return base{dirs: dirs, load: load, cfg: cfg, st: st}
}

// newUnit builds the service. env is the process environment the
// configuration is loaded from (reloaded on every settings change); the
// data and config folders and OPENAI_API_KEY are filled in unless given
// (an empty OPENAI_API_KEY means no key).
func newUnit(t *testing.T, env map[string]string) *unit {
	t.Helper()
	b := newBase(t, map[string]string{"OPENAI_API_KEY": testKey}, env)
	return startUnit(t, b, &fakeSecrets{m: map[string]string{}})
}

// startUnit builds the service of a unit test over b's folders and store.
func startUnit(t *testing.T, b base, sec *fakeSecrets) *unit {
	t.Helper()
	dirs, load, cfg, st := b.dirs, b.load, b.cfg, b.st
	u := &unit{t: t, ctx: context.Background(), st: st, prov: newFakeProvider(),
		secrets: sec, rec: newRecorder(), dirs: dirs}
	u.svc = research.New(research.Deps{
		Store: st, Dirs: dirs, Config: cfg, Reload: load, Secrets: u.secrets,
		Providers: []research.ProviderSpec{{
			Name: "openai", Display: "OpenAI", KeyVariable: "OPENAI_API_KEY", SecretName: secrets.OpenAIAPIKey,
			KeyHelp: "platform.openai.com/api-keys",
			New: func(_ config.Config, key string) research.Provider {
				u.prov.mu.Lock()
				u.prov.keys = append(u.prov.keys, key)
				u.prov.mu.Unlock()
				return u.prov
			},
		}},
		Holder: "service unit test", Events: u.rec, Clock: fixedClock{},
	})
	t.Cleanup(func() { _ = u.svc.Close() })
	return u
}

// steps lists the moves (after queued) that reach each status.
var steps = map[job.Status][]job.Status{
	job.Queued:      nil,
	job.Submitting:  {job.Submitting},
	job.Running:     {job.Submitting, job.Running},
	job.Completed:   {job.Submitting, job.Running, job.Completed},
	job.Incomplete:  {job.Submitting, job.Running, job.Incomplete},
	job.Failed:      {job.Submitting, job.Failed},
	job.Cancelled:   {job.Cancelled},
	job.Unconfirmed: {job.Submitting, job.Unconfirmed},
}

// mkJob creates a queued job and walks it to status through the store, so
// every move passes the state table. A running job gets the provider id
// "resp_<id>"; a final one the error "some error". No report is saved
// (see finish).
func (u *unit) mkJob(status job.Status) job.Job {
	u.t.Helper()
	j, err := u.st.CreateJob(u.ctx, job.Job{Status: job.Queued, Provider: "openai", Model: "o3-deep-research",
		Prompt: "Research the history of tea", Options: job.Options{WebSearch: true, MaxToolCalls: 40}})
	if err != nil {
		u.t.Fatal(err)
	}
	for _, next := range steps[status] {
		j, err = u.st.Update(u.ctx, j.ID, func(c *job.Job) error {
			c.Status = next
			switch next {
			case job.Submitting:
				ts := t0
				c.SubmittedAt = &ts
			case job.Running:
				c.ProviderJobID = "resp_" + c.ID
				c.ProviderStatus = provider.StatusInProgress
			case job.Completed, job.Incomplete, job.Failed, job.Cancelled:
				ts := t0
				c.FinishedAt = &ts
				c.Error = "some error"
			}
			return nil
		})
		if err != nil {
			u.t.Fatalf("moving job to %s: %v", next, err)
		}
	}
	return j
}

// finish moves a running job to status with a saved report text.
func (u *unit) finish(status job.Status, markdown string, cites []job.Citation) job.Job {
	u.t.Helper()
	j := u.mkJob(job.Running)
	j, err := u.st.Finish(u.ctx, j.ID, store.Report{Markdown: markdown, Citations: cites}, func(c *job.Job) error {
		c.Status = status
		ts := t0
		c.FinishedAt = &ts
		return nil
	})
	if err != nil {
		u.t.Fatal(err)
	}
	return j
}

func (u *unit) stored(id string) job.Job {
	u.t.Helper()
	j, err := u.st.GetJob(u.ctx, id)
	if err != nil {
		u.t.Fatalf("GetJob(%s): %v", id, err)
	}
	return j
}

// wantError checks that err is a *research.Error of kind (and, when field
// is not "", for that field) whose message names no CLI command.
func wantError(t *testing.T, err error, kind error, field string) *research.Error {
	t.Helper()
	e, ok := research.AsError(err)
	if !ok {
		t.Fatalf("error = %v (%T), want a *research.Error of kind %v", err, err, kind)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %q has kind %v, want %v", e.Msg, e.Kind, kind)
	}
	if field != "" && e.Field != field {
		t.Errorf("error %q names field %q, want %q", e.Msg, e.Field, field)
	}
	noCLI(t, e.Msg)
	return e
}

// noCLI fails when a message from the service tells the user to run a
// CLI command: the window shows the same text.
func noCLI(t *testing.T, msg string) {
	t.Helper()
	if strings.Contains(msg, "`deepr") || strings.Contains(msg, "deepr ") {
		t.Errorf("message names a CLI command: %q", msg)
	}
}
