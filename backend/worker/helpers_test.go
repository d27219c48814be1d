package worker

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

// t0 is the fake clock's start.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fakeProvider is a scripted Provider that records every call.
type fakeProvider struct {
	mu       sync.Mutex
	submitFn func(r provider.Request) (string, error)
	fetchFn  func(id string) (provider.Snapshot, error)
	cancelFn func(id string) error
	submits  []provider.Request
	fetches  []string
	cancels  []string
}

func (p *fakeProvider) Name() string { return "openai" }

func (p *fakeProvider) Submit(ctx context.Context, r provider.Request) (string, error) {
	p.mu.Lock()
	p.submits = append(p.submits, r)
	fn := p.submitFn
	p.mu.Unlock()
	if fn != nil {
		return fn(r)
	}
	return "resp_" + r.JobID, nil
}

func (p *fakeProvider) Fetch(ctx context.Context, id string) (provider.Snapshot, error) {
	p.mu.Lock()
	p.fetches = append(p.fetches, id)
	fn := p.fetchFn
	p.mu.Unlock()
	if fn != nil {
		return fn(id)
	}
	return provider.Snapshot{ID: id, Status: provider.StatusInProgress}, nil
}

func (p *fakeProvider) Cancel(ctx context.Context, id string) error {
	p.mu.Lock()
	p.cancels = append(p.cancels, id)
	fn := p.cancelFn
	p.mu.Unlock()
	if fn != nil {
		return fn(id)
	}
	return nil
}

func (p *fakeProvider) calls() (submits, fetches, cancels int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.submits), len(p.fetches), len(p.cancels)
}

func (p *fakeProvider) setFetch(fn func(id string) (provider.Snapshot, error)) {
	p.mu.Lock()
	p.fetchFn = fn
	p.mu.Unlock()
}

func (p *fakeProvider) setSubmit(fn func(r provider.Request) (string, error)) {
	p.mu.Lock()
	p.submitFn = fn
	p.mu.Unlock()
}

// recorder is an Emitter and a Notifier that keeps everything it is told.
type recorder struct {
	mu       sync.Mutex
	jobs     []job.Job
	healths  []Health
	finished []job.Job
	deleted  []string
	health   chan Health // every HealthChanged, when non-nil (buffered)
}

func (r *recorder) JobChanged(j job.Job) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jobs = append(r.jobs, j)
}

func (r *recorder) HealthChanged(h Health) {
	r.mu.Lock()
	r.healths = append(r.healths, h)
	ch := r.health
	r.mu.Unlock()
	if ch != nil {
		select {
		case ch <- h:
		default:
		}
	}
}

func (r *recorder) JobDeleted(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deleted = append(r.deleted, id)
}

func (r *recorder) JobFinished(j job.Job) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished = append(r.finished, j)
}

// changedFor returns the emitted versions of one job, in order.
func (r *recorder) changedFor(id string) []job.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []job.Job
	for _, j := range r.jobs {
		if j.ID == id {
			out = append(out, j)
		}
	}
	return out
}

func (r *recorder) finishedFor(id string) []job.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []job.Job
	for _, j := range r.finished {
		if j.ID == id {
			out = append(out, j)
		}
	}
	return out
}

// env is one test's collaborators.
type env struct {
	t      testing.TB
	ctx    context.Context
	dir    string
	path   string
	st     *store.Store
	clock  *fakeClock
	prov   *fakeProvider
	rec    *recorder
	w      *Worker
	cfg    Config
	logs   *logtest.Hook // what the workers logged
	logger *logrus.Logger
}

func testConfig(dir, holder string) Config {
	return Config{
		Holder:       holder,
		PollInterval: 30 * time.Second,
		Concurrency:  4,
		MaxRunning:   3,
		MaxJobAge:    24 * time.Hour,
		Heartbeat:    10 * time.Second,
		DataDir:      filepath.Join(dir, "data"),
		Cost: func(_ job.Job, s provider.Snapshot) float64 {
			return float64(s.Usage.InputTokens)/1e6*10 + float64(s.Usage.OutputTokens)/1e6*40
		},
	}
}

func setup(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, ctx: context.Background(), dir: dir, path: filepath.Join(dir, "deepr.db"),
		clock: newFakeClock(), prov: &fakeProvider{}, rec: &recorder{}}
	e.st = e.openStore()
	e.cfg = testConfig(dir, "test-holder")
	e.w = e.newWorker(e.st, e.prov, e.cfg, e.rec)
	return e
}

// logged reports whether the worker logged a message at level containing text.
func (e *env) logged(level logrus.Level, text string) bool {
	for _, en := range e.logs.AllEntries() {
		if en.Level == level && strings.Contains(en.Message, text) {
			return true
		}
	}
	return false
}

// openStore opens another handle on the test database, as a second
// process would.
func (e *env) openStore() *store.Store {
	e.t.Helper()
	st, err := store.Open(e.path)
	if err != nil {
		e.t.Fatalf("store.Open(%s): %v", e.path, err)
	}
	st.Now = e.clock.Now
	e.t.Cleanup(func() { st.Close() })
	return st
}

func (e *env) newWorker(st *store.Store, p Provider, cfg Config, rec *recorder) *Worker {
	if e.logs == nil {
		e.logger, e.logs = logtest.NewNullLogger()
		e.logger.SetLevel(logrus.DebugLevel)
	}
	var em Emitter
	var no Notifier
	if rec != nil {
		em, no = rec, rec
	}
	return New(st, map[string]Provider{"openai": p}, cfg, Options{
		Clock: e.clock, Emitter: em, Notifier: no, Logger: e.logger, Rand: func() float64 { return 0.5 },
	})
}

// mkJob stores a job in the given status, moving it there through legal
// transitions if the store does not accept the status on create.
func (e *env) mkJob(status job.Status, mut func(j *job.Job)) job.Job {
	e.t.Helper()
	j := job.Job{
		Status:     status,
		Provider:   "openai",
		Model:      "o3-deep-research",
		Prompt:     "Research the history of tea",
		Options:    job.Options{WebSearch: true, MaxToolCalls: 20},
		NextPollAt: e.clock.Now(),
	}
	if status == job.Running || status == job.Submitting {
		sub := e.clock.Now()
		j.SubmittedAt = &sub
		j.ProviderStatus = provider.StatusInProgress
	}
	if mut != nil {
		mut(&j)
	}
	want := j
	j, err := e.st.CreateJob(e.ctx, j)
	if err != nil {
		e.t.Fatalf("CreateJob: %v", err)
	}
	if want.Status == job.Running && want.ProviderJobID == "" {
		want.ProviderJobID = "resp_" + j.ID
	}
	path := map[job.Status][]job.Status{
		job.Submitting:  {job.Submitting},
		job.Running:     {job.Submitting, job.Running},
		job.Unconfirmed: {job.Submitting, job.Unconfirmed},
		job.Cancelled:   {job.Cancelled},
	}
	for _, s := range path[want.Status] {
		if j.Status == want.Status {
			break
		}
		j = e.update(j.ID, func(c *job.Job) { c.Status = s })
	}
	return e.update(j.ID, func(c *job.Job) {
		c.ProviderJobID = want.ProviderJobID
		c.ProviderStatus = want.ProviderStatus
		c.SubmittedAt = want.SubmittedAt
		c.NextPollAt = want.NextPollAt
	})
}

func (e *env) update(id string, fn func(c *job.Job)) job.Job {
	e.t.Helper()
	j, err := e.st.Update(e.ctx, id, func(c *job.Job) error { fn(c); return nil })
	if err != nil {
		e.t.Fatalf("Update(%s): %v", id, err)
	}
	return j
}

func (e *env) get(id string) job.Job {
	e.t.Helper()
	j, err := e.st.GetJob(e.ctx, id)
	if err != nil {
		e.t.Fatalf("GetJob(%s): %v", id, err)
	}
	return j
}

func (e *env) tick() {
	e.t.Helper()
	if err := e.w.Tick(e.ctx); err != nil {
		e.t.Fatalf("Tick: %v", err)
	}
}

func sortedUnique(ss []string) []string {
	m := map[string]bool{}
	for _, s := range ss {
		m[s] = true
	}
	out := make([]string, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func describe(j job.Job) string {
	return fmt.Sprintf("status=%s provider_status=%q error=%q poll_errors=%d next=%s", j.Status, j.ProviderStatus, j.Error, j.PollErrors, j.NextPollAt.Sub(t0))
}

func secs(n int) time.Duration { return time.Duration(n) * time.Second }
