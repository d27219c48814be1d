package worker

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// fleet names the four providers as engine.Providers does.
var fleet = []ProviderName{
	{Name: "openai", Display: "OpenAI", KeyVariable: "OPENAI_API_KEY"},
	{Name: "gemini", Display: "Gemini", KeyVariable: "GEMINI_API_KEY"},
	{Name: "perplexity", Display: "Perplexity", KeyVariable: "PERPLEXITY_API_KEY"},
	{Name: "azure", Display: "Azure OpenAI", KeyVariable: "AZURE_OPENAI_API_KEY"},
}

// setupFleet is setup with one fake provider per provider of the fleet.
func setupFleet(t *testing.T) (*env, map[string]*fakeProvider) {
	t.Helper()
	e := setup(t)
	fakes := map[string]*fakeProvider{}
	ps := map[string]Provider{}
	for _, n := range fleet {
		fakes[n.Name] = &fakeProvider{}
		ps[n.Name] = fakes[n.Name]
	}
	e.cfg.Names = fleet
	e.w = New(e.st, ps, e.cfg, Options{Clock: e.clock, Emitter: e.rec, Notifier: e.rec, Logger: e.logger, Rand: func() float64 { return 0.5 }})
	return e, fakes
}

// jobOf stores a job of one provider.
func (e *env) jobOf(prov string, status job.Status) job.Job {
	e.t.Helper()
	return e.mkJob(status, func(j *job.Job) { j.Provider = prov })
}

// entry returns one provider's health.
func entry(t *testing.T, h Health, name string) ProviderHealth {
	t.Helper()
	for _, p := range h.Providers {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("health has no entry for %s: %+v", name, h.Providers)
	return ProviderHealth{}
}

var keyVariable = regexp.MustCompile(`\b[A-Z_]+_API_KEY\b`)

// onlyNames fails unless msg names the provider n and no other one: its
// display name and, when variable is set, its key variable only.
func onlyNames(t *testing.T, what, msg string, n ProviderName, variable bool) {
	t.Helper()
	if !strings.Contains(msg, n.Display) {
		t.Errorf("%s %q does not name %s", what, msg, n.Display)
	}
	if vars := sortedUnique(keyVariable.FindAllString(msg, -1)); variable && !slices.Equal(vars, []string{n.KeyVariable}) {
		t.Errorf("%s %q names the key variables %v, want only %s", what, msg, vars, n.KeyVariable)
	}
	rest := strings.ReplaceAll(msg, n.Display, "")
	for _, o := range fleet {
		if o.Name != n.Name && strings.Contains(rest, o.Display) {
			t.Errorf("%s %q names %s too; only %s is concerned", what, msg, o.Display, n.Display)
		}
	}
}

// A rejected key pauses its own provider only: the other providers' jobs
// are sent and polled, the health names that provider's key variable, and
// the others stay ok. A new key for another provider lifts nothing.
func TestKeyRejectedPausesOnlyItsProvider(t *testing.T) {
	for i, bad := range fleet {
		t.Run(bad.Name, func(t *testing.T) {
			e, fakes := setupFleet(t)
			refused := &provider.Error{Kind: provider.KindAuth, Op: "create", HTTPStatus: 401, Message: "the key was refused (401)"}
			fakes[bad.Name].setSubmit(func(provider.Request) (string, error) { return "", refused })
			fakes[bad.Name].setFetch(func(string) (provider.Snapshot, error) { return provider.Snapshot{}, refused })
			runs, queued := map[string]job.Job{}, map[string]job.Job{}
			for _, n := range fleet {
				runs[n.Name] = e.jobOf(n.Name, job.Running)
				queued[n.Name] = e.jobOf(n.Name, job.Queued)
			}
			e.tick()

			h := e.w.Health()
			if h.Provider != ProviderKeyRejected {
				t.Errorf("worst state = %q, want key_rejected", h.Provider)
			}
			onlyNames(t, "health message", h.Message, bad, true)
			for _, n := range fleet {
				p := entry(t, h, n.Name)
				s, f, _ := fakes[n.Name].calls()
				if n.Name == bad.Name {
					if p.State != ProviderKeyRejected || p.Since == nil || !p.Since.Equal(t0) {
						t.Errorf("%s: %+v, want key_rejected since %s", n.Name, p, t0)
					}
					onlyNames(t, n.Name+"'s message", p.Message, bad, true)
					if got := e.get(queued[n.Name].ID); got.Status != job.Queued {
						t.Errorf("%s's queued job: %s, want still queued", n.Name, describe(got))
					}
					if got := e.get(runs[n.Name].ID); got.Status != job.Running || got.PollErrors != 0 {
						t.Errorf("%s's running job: %s, want running, no error counted", n.Name, describe(got))
					}
					continue
				}
				if p.State != ProviderOK || p.Message != "" {
					t.Errorf("%s: %+v, want ok: another provider's key was rejected", n.Name, p)
				}
				if s != 1 || f != 1 {
					t.Errorf("%s: submits %d fetches %d, want 1 and 1: its jobs go on", n.Name, s, f)
				}
				if got := e.get(queued[n.Name].ID); got.Status != job.Running {
					t.Errorf("%s's queued job: %s, want sent", n.Name, describe(got))
				}
			}

			// While paused, the other providers' new jobs are sent; the
			// rejected one makes no call.
			other := fleet[(i+1)%len(fleet)]
			bs, bf, _ := fakes[bad.Name].calls()
			e.clock.Advance(5 * time.Second)
			later := e.jobOf(other.Name, job.Queued)
			e.tick()
			if got := e.get(later.ID); got.Status != job.Running {
				t.Errorf("a new %s job while %s is paused: %s, want sent", other.Name, bad.Name, describe(got))
			}
			if s, f, _ := fakes[bad.Name].calls(); s != bs || f != bf {
				t.Errorf("%s while paused: submits %d fetches %d, want %d and %d", bad.Name, s, f, bs, bf)
			}

			// A new key for another provider lifts nothing.
			e.w.SetProvider(other.Name, &fakeProvider{})
			h = e.w.Health()
			if p := entry(t, h, bad.Name); p.State != ProviderKeyRejected || h.Provider != ProviderKeyRejected {
				t.Errorf("after a new %s key: %s is %q, worst %q; want still key_rejected", other.Name, bad.Name, p.State, h.Provider)
			}
			e.tick()
			if s, f, _ := fakes[bad.Name].calls(); s != bs || f != bf {
				t.Errorf("%s after another provider's new key: submits %d fetches %d, want still paused", bad.Name, s, f)
			}

			// Its own new key lifts its pause at once.
			good := &fakeProvider{}
			e.w.SetProvider(bad.Name, good)
			if p := entry(t, e.w.Health(), bad.Name); p.State != ProviderUnknown || !strings.Contains(p.Message, "key changed") {
				t.Errorf("%s after its new key: %+v, want unknown until checked", bad.Name, p)
			}
			e.tick()
			if s, f, _ := good.calls(); s != 1 || f != 1 {
				t.Errorf("%s's new key: submits %d fetches %d, want 1 and 1", bad.Name, s, f)
			}
			if h := e.w.Health(); h.Provider != ProviderOK || entry(t, h, bad.Name).State != ProviderOK {
				t.Errorf("after %s's good calls: %+v, want every provider ok", bad.Name, h.Providers)
			}
		})
	}
}

// An outage of one provider is said of that provider only.
func TestOutageNamesOnlyItsProvider(t *testing.T) {
	for _, bad := range fleet {
		t.Run(bad.Name, func(t *testing.T) {
			e, fakes := setupFleet(t)
			fakes[bad.Name].setSubmit(func(provider.Request) (string, error) {
				return "", &provider.Error{Kind: provider.KindNotSent, Op: "create", Err: errors.New("connection refused"), Message: "could not connect"}
			})
			for _, n := range fleet {
				e.jobOf(n.Name, job.Queued)
			}
			e.tick()
			h := e.w.Health()
			if h.Provider != ProviderOffline {
				t.Errorf("worst state = %q, want offline", h.Provider)
			}
			onlyNames(t, "health message", h.Message, bad, false)
			for _, n := range fleet {
				want := ProviderOK
				if n.Name == bad.Name {
					want = ProviderOffline
				}
				if p := entry(t, h, n.Name); p.State != want {
					t.Errorf("%s: %+v, want %s", n.Name, p, want)
				}
			}
		})
	}
}

// One provider's recovery never clears another's warning, and a warning
// keeps the time it began while it lasts.
func TestRecoveryClearsOnlyItsOwnWarning(t *testing.T) {
	e, fakes := setupFleet(t)
	down := true
	fakes["gemini"].setSubmit(func(r provider.Request) (string, error) {
		if down {
			return "", &provider.Error{Kind: provider.KindNotSent, Op: "create", Err: errors.New("connection refused")}
		}
		return "resp_" + r.JobID, nil
	})
	fakes["perplexity"].setSubmit(func(provider.Request) (string, error) {
		return "", &provider.Error{Kind: provider.KindAuth, Op: "create", HTTPStatus: 401, Message: "Perplexity rejected the API key (401)."}
	})
	for _, n := range fleet {
		e.jobOf(n.Name, job.Queued)
	}
	e.tick()
	h := e.w.Health()
	states := func(h Health) []string {
		var out []string
		for _, p := range h.Providers {
			out = append(out, p.Name+"="+p.State)
		}
		return out
	}
	if want := []string{"openai=ok", "gemini=offline", "perplexity=key_rejected", "azure=ok"}; !slices.Equal(states(h), want) {
		t.Fatalf("states = %v, want %v (in the order of Config.Names)", states(h), want)
	}

	// Gemini is still down at its next try: its warning keeps its start.
	e.clock.Advance(11 * time.Minute)
	e.tick()
	if p := entry(t, e.w.Health(), "gemini"); p.State != ProviderOffline || p.Since == nil || !p.Since.Equal(t0) {
		t.Errorf("gemini still down: %+v, want offline since %s", p, t0)
	}

	// Gemini comes back: only its own entry clears.
	down = false
	e.clock.Advance(11 * time.Minute)
	e.tick()
	h = e.w.Health()
	if want := []string{"openai=ok", "gemini=ok", "perplexity=key_rejected", "azure=ok"}; !slices.Equal(states(h), want) {
		t.Errorf("after gemini recovered: %v, want %v", states(h), want)
	}
	if h.Provider != ProviderKeyRejected || !strings.Contains(h.Message, "PERPLEXITY_API_KEY") {
		t.Errorf("worst after gemini recovered = %q %q, want Perplexity's rejected key", h.Provider, h.Message)
	}
	if p := entry(t, h, "gemini"); p.Since == nil || !p.Since.Equal(t0.Add(22*time.Minute)) {
		t.Errorf("gemini ok since %v, want %s", p.Since, t0.Add(22*time.Minute))
	}
}

// Listen hands out the present leadership first, then every change; a slow
// reader gets the newest value, and Unlisten ends the subscription.
func TestListenStartsWithThePresentState(t *testing.T) {
	e := setup(t)
	before := e.w.Listen()
	defer before.Unlisten()
	if got := recv(t, before.C()); got {
		t.Fatalf("first value before the lease = %v, want false", got)
	}
	e.tick()
	if got := recv(t, before.C()); !got {
		t.Fatalf("after taking the lease: %v, want true", got)
	}
	after := e.w.Listen()
	if got := recv(t, after.C()); !got {
		t.Fatalf("first value of a subscription made while leading = %v, want true", got)
	}
	after.Unlisten()

	// Renewals are no change: nothing is sent.
	e.clock.Advance(10 * time.Second)
	e.tick()
	select {
	case v := <-before.C():
		t.Fatalf("a renewal sent %v", v)
	default:
	}

	// Lost and regained while nobody read: the reader sees the newest.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.w.stop(ctx)
	e.tick()
	if got := recv(t, before.C()); !got {
		t.Errorf("after losing and regaining the lease unread: %v, want the newest (true)", got)
	}
	e.w.stop(ctx)
	if got := recv(t, before.C()); got {
		t.Errorf("after stopping: %v, want false", got)
	}
	select {
	case v := <-after.C():
		t.Errorf("a subscription ended by Unlisten received %v", v)
	default:
	}
}

func recv(t *testing.T, c <-chan bool) bool {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("no leadership value within 5s")
		return false
	}
}
