package research_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/store"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// The four providers as engine.Providers names them.
var fleetSpecs = []struct{ name, display, variable string }{
	{"openai", "OpenAI", "OPENAI_API_KEY"},
	{"gemini", "Gemini", "GEMINI_API_KEY"},
	{"perplexity", "Perplexity", "PERPLEXITY_API_KEY"},
	{"azure", "Azure OpenAI", "AZURE_OPENAI_API_KEY"},
}

// scripted is a provider whose every call fails with err, or works.
type scripted struct {
	mu  sync.Mutex
	err error
}

func (p *scripted) fail(err error) {
	p.mu.Lock()
	p.err = err
	p.mu.Unlock()
}

func (p *scripted) failure() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *scripted) Name() string { return "scripted" }

func (p *scripted) Submit(_ context.Context, r provider.Request) (string, error) {
	if err := p.failure(); err != nil {
		return "", err
	}
	return "resp_" + r.JobID, nil
}

func (p *scripted) Fetch(_ context.Context, id string) (provider.Snapshot, error) {
	if err := p.failure(); err != nil {
		return provider.Snapshot{}, err
	}
	return provider.Snapshot{ID: id, Status: provider.StatusInProgress}, nil
}

func (p *scripted) Cancel(context.Context, string) error { return nil }
func (p *scripted) CheckKey(context.Context) error       { return p.failure() }

// fleet is a service with the four providers, each a scripted fake, and
// keys saved in the (fake) keychain for those named.
type fleet struct {
	t       *testing.T
	ctx     context.Context
	st      *store.Store
	svc     *research.Service
	rec     *recorder
	secrets *fakeSecrets
	provs   map[string]*scripted
}

func newFleet(t *testing.T, env map[string]string, keyed ...string) *fleet {
	t.Helper()
	b := newBase(t, nil, env)
	dirs, load, cfg, st := b.dirs, b.load, b.cfg, b.st
	f := &fleet{t: t, ctx: context.Background(), st: st, rec: newRecorder(),
		secrets: &fakeSecrets{m: map[string]string{}}, provs: map[string]*scripted{}}
	var specs []research.ProviderSpec
	for _, s := range fleetSpecs {
		p := &scripted{}
		f.provs[s.name] = p
		specs = append(specs, research.ProviderSpec{
			Name: s.name, Display: s.display, KeyVariable: s.variable, SecretName: s.name + "_api_key",
			KeyHelp: s.name + ".example/keys",
			New:     func(config.Config, string) research.Provider { return p },
		})
	}
	for _, name := range keyed {
		f.secrets.m[name+"_api_key"] = "key-of-" + name + "-0123456789abcdef"
	}
	f.svc = research.New(research.Deps{Store: st, Dirs: dirs, Config: cfg, Reload: load, Secrets: f.secrets,
		Providers: specs, Holder: "health test", Events: f.rec, Clock: fixedClock{}})
	t.Cleanup(func() { _ = f.svc.Close() })
	return f
}

func (f *fleet) health() research.Health        { return f.svc.Health() }
func (f *fleet) provider(name string) *scripted { return f.provs[name] }

// waiting is a job's waiting reason, as a face reads it.
func (f *fleet) waiting(id string) string {
	f.t.Helper()
	j, err := f.svc.Get(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return j.Waiting
}

// entry returns one provider's health.
func (f *fleet) entry(h research.Health, name string) research.ProviderHealth {
	f.t.Helper()
	for _, p := range h.Providers {
		if p.Name == name {
			return p
		}
	}
	f.t.Fatalf("health has no entry for %s: %+v", name, h.Providers)
	return research.ProviderHealth{}
}

// run runs the poller (fixed clock: it passes when woken) until the test ends.
func (f *fleet) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.svc.Run(ctx) }()
	f.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			f.t.Errorf("Run: %v", err)
		}
	})
}

// queue stores a queued job of a provider, due since due (the poller
// sends the longest due first).
func (f *fleet) queue(name string, due time.Time) job.Job {
	f.t.Helper()
	j, err := f.st.CreateJob(f.ctx, job.Job{Status: job.Queued, Provider: name, Model: name + "-deep-research",
		Prompt: "Research the history of tea on " + name, NextPollAt: due})
	if err != nil {
		f.t.Fatal(err)
	}
	return j
}

// waitStates waits for an emitted health whose providers are in states.
func (f *fleet) waitStates(what string, states map[string]string) research.Health {
	f.t.Helper()
	return f.rec.waitHealth(f.t, 20*time.Second, what, func(h research.Health) bool {
		for _, p := range h.Providers {
			if want, ok := states[p.Name]; ok && p.State != want {
				return false
			}
		}
		return len(h.Providers) == len(fleetSpecs)
	})
}

func allBut(bad, badState, rest string) map[string]string {
	m := map[string]string{}
	for _, s := range fleetSpecs {
		m[s.name] = rest
	}
	m[bad] = badState
	return m
}

var keyVariable = regexp.MustCompile(`\b[A-Z_]+_API_KEY\b`)

// namesOnly fails unless msg names display and no other provider, and,
// when variable is set, no key variable but that one.
func namesOnly(t *testing.T, what, msg, display, variable string) {
	t.Helper()
	if !strings.Contains(msg, display) {
		t.Errorf("%s %q does not name %s", what, msg, display)
	}
	if variable != "" {
		vars := keyVariable.FindAllString(msg, -1)
		sort.Strings(vars)
		if vars = slices.Compact(vars); !slices.Equal(vars, []string{variable}) {
			t.Errorf("%s %q names the key variables %v, want only %s", what, msg, vars, variable)
		}
	}
	rest := strings.ReplaceAll(msg, display, "")
	for _, o := range fleetSpecs {
		if o.display != display && strings.Contains(rest, o.display) {
			t.Errorf("%s %q names %s too", what, msg, o.display)
		}
	}
}

// A rejected key of one provider: its jobs wait and say so, the others'
// go on and wait only for what concerns them, Health names that provider
// and its variable (worst state in the summary, each provider in the
// details), and a new key for another provider lifts nothing.
func TestHealthKeyRejectedIsPerProvider(t *testing.T) {
	for i, bad := range fleetSpecs {
		t.Run(bad.name, func(t *testing.T) {
			var keyed []string
			for _, s := range fleetSpecs {
				keyed = append(keyed, s.name)
			}
			f := newFleet(t, map[string]string{"DEEPR_MAX_RUNNING": "1"}, keyed...)
			f.provider(bad.name).fail(&provider.Error{Kind: provider.KindAuth, Op: "create", HTTPStatus: 401,
				Message: fmt.Sprintf("%s rejected the API key (401). Set a new key in Settings or %s.", bad.display, bad.variable)})
			first, second := map[string]job.Job{}, map[string]job.Job{}
			for _, s := range fleetSpecs {
				first[s.name] = f.queue(s.name, t0.Add(-time.Minute))
			}
			for _, s := range fleetSpecs {
				second[s.name] = f.queue(s.name, t0)
			}
			f.run()
			h := f.waitStates(bad.name+" rejected, the others ok", allBut(bad.name, worker.ProviderKeyRejected, worker.ProviderOK))
			for _, s := range fleetSpecs {
				if s.name == bad.name {
					f.rec.waitJob(t, first[s.name].ID, 20*time.Second, "back in the queue",
						func(j job.Job) bool { return j.Status == job.Queued && j.Error != "" })
				} else {
					f.rec.waitStatus(t, first[s.name].ID, job.Running, 20*time.Second)
				}
			}
			if h.Provider != worker.ProviderKeyRejected || h.Summary != bad.display+": API key rejected" {
				t.Errorf("worst = %q, summary %q; want key_rejected and %q", h.Provider, h.Summary, bad.display+": API key rejected")
			}
			namesOnly(t, "health message", h.Message, bad.display, bad.variable)
			for _, s := range fleetSpecs {
				p := f.entry(h, s.name)
				if s.name == bad.name {
					namesOnly(t, s.name+"'s details", p.Summary+" "+p.Message, bad.display, bad.variable)
					if w := f.waiting(first[s.name].ID); !strings.Contains(w, "key was rejected") || !strings.Contains(w, bad.variable) {
						t.Errorf("%s's queued job waits with %q, want its rejected key and %s", s.name, w, bad.variable)
					}
					continue
				}
				if p.Summary != s.display+": reachable" || p.Message != "" {
					t.Errorf("%s: %+v, want reachable with no message", s.name, p)
				}
				if w := f.waiting(second[s.name].ID); strings.Contains(w, "rejected") || !strings.Contains(w, "free slot") {
					t.Errorf("%s's second job waits with %q, want a free slot (not another provider's key)", s.name, w)
				}
			}

			// A new key for another provider lifts nothing.
			other := fleetSpecs[(i+1)%len(fleetSpecs)]
			if _, err := f.svc.SetKey(f.ctx, other.name, "another-key-"+other.name+"-0123456789"); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.Reload(f.ctx); err != nil {
				t.Fatal(err)
			}
			h = f.health()
			if p := f.entry(h, bad.name); p.State != worker.ProviderKeyRejected || h.Provider != worker.ProviderKeyRejected {
				t.Errorf("after a new %s key and a reload: %s is %q (worst %q), want still key_rejected", other.name, bad.name, p.State, h.Provider)
			}

			// Its own working key: its job is sent and every provider is ok.
			f.provider(bad.name).fail(nil)
			if _, err := f.svc.SetKey(f.ctx, bad.name, "a-working-key-"+bad.name+"-0123456789"); err != nil {
				t.Fatal(err)
			}
			h = f.waitStates("every provider ok", allBut(bad.name, worker.ProviderOK, worker.ProviderOK))
			f.rec.waitFor(t, 20*time.Second, "a "+bad.name+" job sent", func() bool {
				return slices.ContainsFunc(f.rec.jobs, func(j job.Job) bool { return j.Provider == bad.name && j.Status == job.Running })
			})
			if got := f.health(); got.Provider != worker.ProviderOK || got.Message != "" {
				t.Errorf("all ok: worst %q, message %q", got.Provider, got.Message)
			}
		})
	}
}

// An outage of one provider is said of that provider only, and another
// provider's queued job does not blame it.
func TestHealthOutageIsPerProvider(t *testing.T) {
	for _, bad := range fleetSpecs {
		t.Run(bad.name, func(t *testing.T) {
			var keyed []string
			for _, s := range fleetSpecs {
				keyed = append(keyed, s.name)
			}
			f := newFleet(t, map[string]string{"DEEPR_MAX_RUNNING": "1"}, keyed...)
			f.provider(bad.name).fail(&provider.Error{Kind: provider.KindNotSent, Op: "create", Err: errors.New("connection refused"),
				Message: "could not connect"})
			var second []job.Job
			for _, s := range fleetSpecs {
				f.queue(s.name, t0.Add(-time.Minute))
			}
			for _, s := range fleetSpecs {
				second = append(second, f.queue(s.name, t0))
			}
			f.run()
			h := f.waitStates(bad.name+" offline, the others ok", allBut(bad.name, worker.ProviderOffline, worker.ProviderOK))
			if h.Provider != worker.ProviderOffline || h.Summary != bad.display+" unreachable" {
				t.Errorf("worst %q, summary %q; want offline, %q", h.Provider, h.Summary, bad.display+" unreachable")
			}
			namesOnly(t, "health message", h.Message, bad.display, "")
			for _, j := range second {
				if w := f.waiting(j.ID); j.Provider != bad.name && strings.Contains(w, "reach") {
					t.Errorf("a %s job waits with %q: another provider's outage", j.Provider, w)
				}
			}
		})
	}
}

// A provider without a key is no warning while another works; with no key
// at all, the status bar says so and how to add one.
func TestHealthWithoutKeys(t *testing.T) {
	f := newFleet(t, nil, "openai")
	h := f.health()
	var got []string
	for _, p := range h.Providers {
		got = append(got, p.State+": "+p.Summary)
	}
	want := []string{"unknown: OpenAI: not checked yet", "no_key: Gemini: no key", "no_key: Perplexity: no key", "no_key: Azure OpenAI: no key"}
	if !slices.Equal(got, want) {
		t.Errorf("providers = %q, want %q", got, want)
	}
	if h.Provider != worker.ProviderUnknown || h.Summary != "OpenAI: not checked yet" {
		t.Errorf("worst %q, summary %q; want unknown, OpenAI not checked yet", h.Provider, h.Summary)
	}
	if p := f.entry(h, "gemini"); !strings.Contains(p.Message, "GEMINI_API_KEY") {
		t.Errorf("gemini without a key: message %q, want its variable", p.Message)
	}

	f = newFleet(t, nil)
	h = f.health()
	if h.Provider != research.ProviderNoKey || h.Summary != "No API key" ||
		h.Message != "No API key: add one (OpenAI, Gemini, Perplexity or Azure OpenAI) in Settings." {
		t.Errorf("no key at all: %q %q %q", h.Provider, h.Summary, h.Message)
	}
}
