package research_test

// The model catalogue as the service reads it (issue 24): what is offered,
// what is refused, what is held, and when a deprecated model is warned
// about, across the four providers of engine.Providers.

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/fakegemini"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/worker"
)

const (
	retiredAgent     = "deep-research-pro-preview-12-2025"
	replacementAgent = "deep-research-preview-04-2026"
)

// atClock is a clock standing at one moment; its timers never fire.
type atClock struct{ at time.Time }

func (c atClock) Now() time.Time                    { return c.at }
func (atClock) NewTimer(time.Duration) worker.Timer { return neverTimer{} }

// newCatalogUnit is a service with the engine's four providers on a clock
// standing at now (nothing is sent unless the test ticks the poller).
func newCatalogUnit(t *testing.T, env map[string]string, now time.Time) *unit {
	t.Helper()
	b := newBase(t, map[string]string{"OPENAI_API_KEY": testKey,
		"GEMINI_API_KEY": testKey, "PERPLEXITY_API_KEY": testKey, "AZURE_OPENAI_API_KEY": testKey,
		"AZURE_OPENAI_ENDPOINT": "https://example.openai.azure.com"}, env)
	b.st.Now = atClock{now}.Now
	u := &unit{t: t, ctx: t.Context(), st: b.st, secrets: &fakeSecrets{m: map[string]string{}}, rec: newRecorder(), dirs: b.dirs}
	u.svc = research.New(research.Deps{Store: b.st, Dirs: b.dirs, Config: b.cfg, Reload: b.load, Secrets: u.secrets,
		Providers: engine.Providers(), Holder: "catalogue test", Events: u.rec, Clock: atClock{now}})
	t.Cleanup(func() { _ = u.svc.Close() })
	return u
}

func modelOf(ms []research.ModelInfo, provider, id string) (research.ModelInfo, bool) {
	for _, m := range ms {
		if m.Provider == provider && m.ID == id {
			return m, true
		}
	}
	return research.ModelInfo{}, false
}

// TestModelsComeFromTheCatalogue: the form and Settings are offered every
// model of the catalogue that is not retired, with its lifecycle, default
// and what it honours; never a retired one.
func TestModelsComeFromTheCatalogue(t *testing.T) {
	u := newCatalogUnit(t, nil, t0)
	ms := u.svc.Models()
	if _, ok := modelOf(ms, "gemini", retiredAgent); ok {
		t.Errorf("the retired Gemini agent is offered: %+v", ms)
	}
	for _, p := range u.svc.Providers() {
		if _, ok := modelOf(p.Models, "gemini", retiredAgent); ok {
			t.Errorf("the retired Gemini agent is offered by %s", p.Name)
		}
	}
	d, ok := modelOf(ms, "gemini", replacementAgent)
	if !ok || !d.Default || d.Lifecycle != string(catalog.Preview) || d.Capabilities.MaxToolCalls || !d.Capabilities.Continue {
		t.Errorf("gemini's default agent: %+v, %v", d, ok)
	}
	s, ok := modelOf(ms, "perplexity", "sonar-deep-research")
	if !ok || s.Lifecycle != string(catalog.Deprecated) || s.ShutdownDate != "2026-09-27" || s.Replacement != "deep-research" || s.Capabilities.Cancel {
		t.Errorf("sonar-deep-research: %+v, %v; want it offered as deprecated with its date and replacement", s, ok)
	}
	if s.Warning != "" {
		t.Errorf("sonar-deep-research warns on %s, seven months before its date: %q", t0.Format(time.DateOnly), s.Warning)
	}
	if o, ok := modelOf(ms, "openai", "o3-deep-research"); !ok || !o.Default || o.Label == "" || o.Description == "" || !o.Capabilities.MaxToolCalls {
		t.Errorf("openai's default: %+v, %v", o, ok)
	}
	for _, m := range ms {
		if m.Lifecycle == string(catalog.Retired) {
			t.Errorf("a retired model is offered: %+v", m)
		}
	}
}

// TestRetiredModelRefusedNamingTheReplacement: a retired model is never
// queued: submit, estimate and resubmit refuse it on the model field,
// naming the model to use instead, for the retired Gemini agent and for
// models of the other providers retired by an override.
func TestRetiredModelRefusedNamingTheReplacement(t *testing.T) {
	env := map[string]string{catalog.Setting: `{"openai/o4-mini-deep-research": {"lifecycle": "retired", "replacement": "o3-deep-research"},
		"azure/o4-mini-deep-research": {"lifecycle": "retired", "replacement": "o3-deep-research"},
		"perplexity/sonar-deep-research": {"lifecycle": "retired", "replacement": "deep-research"}}`}
	u := newCatalogUnit(t, env, t0)
	for _, c := range []struct{ provider, model, instead string }{
		{"gemini", retiredAgent, replacementAgent},
		{"", retiredAgent, replacementAgent}, // the model names its provider
		{"openai", "o4-mini-deep-research", "o3-deep-research"},
		{"azure", "o4-mini-deep-research", "o3-deep-research"},
		{"perplexity", "sonar-deep-research", "deep-research"},
	} {
		in := research.SubmitRequest{Prompt: "Tea in Kenya", Provider: c.provider, Model: c.model}
		_, err := u.svc.Submit(u.ctx, in)
		e := wantError(t, err, research.ErrInvalid, "model")
		if !strings.Contains(e.Msg, c.model) || !strings.Contains(e.Msg, c.instead) || !strings.Contains(e.Msg, "retired") {
			t.Errorf("submit %s/%s: %q, want it to say it is retired and name %s", c.provider, c.model, e.Msg, c.instead)
		}
		_, err = u.svc.Estimate(u.ctx, in)
		wantError(t, err, research.ErrInvalid, "model")
	}
	if jobs, _ := u.svc.List(u.ctx, research.ListRequest{}); len(jobs) != 0 {
		t.Errorf("%d jobs were queued", len(jobs))
	}
	// A failed job on the retired agent is not resubmitted as it is.
	j, err := u.st.CreateJob(u.ctx, job.Job{Status: job.Queued, Provider: "gemini", Model: retiredAgent, Prompt: "Old question"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.svc.Cancel(u.ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	_, err = u.svc.Resubmit(u.ctx, j.ID)
	if e := wantError(t, err, research.ErrInvalid, "model"); !strings.Contains(e.Msg, replacementAgent) {
		t.Errorf("resubmit: %q, want the replacement named", e.Msg)
	}
	got, _ := u.svc.Get(u.ctx, j.ID)
	if slices.Contains(got.Actions, job.ActionResubmit) || !slices.Contains(got.Actions, job.ActionEdit) {
		t.Errorf("a cancelled job on a retired model offers %v, want edit and not resubmit", got.Actions)
	}
}

// TestQueuedJobOnRetiredModelIsHeld: a job queued on the Gemini agent
// before it retired (or imported) is never sent: the poller holds it, its
// waiting reason names the replacement, and it offers "Edit and
// resubmit"; a job on a current agent in the same pass goes. Editing it
// replaces it: the held job is cancelled, unsent.
func TestQueuedJobOnRetiredModelIsHeld(t *testing.T) {
	fake := fakegemini.New(fakegemini.Options{})
	t.Cleanup(fake.Close)
	u := newCatalogUnit(t, map[string]string{"GEMINI_BASE_URL": fake.URL()}, t0)
	old, err := u.st.CreateJob(u.ctx, job.Job{Status: job.Queued, Provider: "gemini", Model: retiredAgent, Prompt: "Tea in Kenya, from before"})
	if err != nil {
		t.Fatal(err)
	}
	cur, err := u.st.CreateJob(u.ctx, job.Job{Status: job.Queued, Provider: "gemini", Model: replacementAgent, Prompt: "Tea in India"})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := u.svc.Tick(u.ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := fake.Creates(); n != 1 {
		t.Fatalf("Gemini got %d creates, want 1 (the current agent's job only)", n)
	}
	if got := u.stored(cur.ID); got.Status != job.Running {
		t.Errorf("the job on the current agent is %s, want running", got.Status)
	}
	held, err := u.svc.Get(u.ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if held.Status != job.Queued {
		t.Fatalf("the job on the retired agent is %s, want still queued", held.Status)
	}
	for _, want := range []string{retiredAgent, "retired", replacementAgent, "Edit and resubmit"} {
		if !strings.Contains(held.Waiting, want) {
			t.Errorf("waiting %q, want it to contain %q", held.Waiting, want)
		}
	}
	noCLI(t, held.Waiting)
	if !slices.Contains(held.Actions, job.ActionEdit) {
		t.Errorf("the held job offers %v, want edit", held.Actions)
	}
	u.rec.waitJob(t, old.ID, 5*time.Second, "emitted with its waiting reason", func(j job.Job) bool { return strings.Contains(j.Waiting, replacementAgent) })

	// Edit and resubmit: a new job on the replacement, the held one cancelled.
	res, err := u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: held.Prompt, Provider: "gemini", Model: replacementAgent, EditedFrom: held.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Job.Options.EditedFrom != held.ID {
		t.Errorf("the edit is not linked to the held job: %+v", res.Job.Options)
	}
	if got := u.stored(old.ID); got.Status != job.Cancelled || got.Attempt != old.Attempt || got.ProviderJobID != "" {
		t.Errorf("the held job after its edit: %s (attempt %d, id %q), want cancelled, never sent", got.Status, got.Attempt, got.ProviderJobID)
	}
}

// TestOldReportOfRetiredModelStaysReadable: a report a retired agent wrote
// is read like any other.
func TestOldReportOfRetiredModelStaysReadable(t *testing.T) {
	u := newCatalogUnit(t, nil, t0)
	j := u.finish(job.Completed, "# Tea\n\nKenya grows tea.", nil)
	if _, err := u.st.Update(u.ctx, j.ID, func(c *job.Job) error { c.Provider, c.Model = "gemini", retiredAgent; return nil }); err != nil {
		t.Fatal(err)
	}
	r, err := u.svc.Report(u.ctx, j.ID)
	if err != nil || !strings.Contains(string(r.HTML), "Kenya grows tea") {
		t.Errorf("Report of a retired agent's job: %v", err)
	}
}

// TestDeprecatedModelWarnsFrom30Days: the form's model and the doctor warn
// about a deprecated model from 30 days before its shutdown date, not 31.
func TestDeprecatedModelWarnsFrom30Days(t *testing.T) {
	shutdown := time.Date(2026, 9, 27, 0, 0, 0, 0, time.UTC) // sonar-deep-research
	for _, c := range []struct {
		days int
		warn bool
	}{{31, false}, {30, true}, {1, true}, {-71, true}} {
		now := shutdown.AddDate(0, 0, -c.days).Add(9 * time.Hour)
		u := newCatalogUnit(t, nil, now)
		m, ok := modelOf(u.svc.Models(), "perplexity", "sonar-deep-research")
		if !ok {
			t.Fatalf("sonar-deep-research is not offered on %s", now)
		}
		if (m.Warning != "") != c.warn {
			t.Errorf("%d days before: warning %q, want one: %v", c.days, m.Warning, c.warn)
		}
		if c.warn && (!strings.Contains(m.Warning, "2026-09-27") || !strings.Contains(m.Warning, "deep-research")) {
			t.Errorf("%d days before: warning %q, want the date and the replacement", c.days, m.Warning)
		}
		if o, _ := modelOf(u.svc.Models(), "openai", "o3-deep-research"); o.Warning != "" {
			t.Errorf("o3-deep-research warns: %q", o.Warning)
		}
		var line research.Check
		for _, ch := range u.svc.Doctor(u.ctx, "").Checks {
			if ch.Name == "models" {
				line = ch
			}
		}
		if line.Name == "" {
			t.Fatalf("the doctor has no models line")
		}
		if strings.Contains(line.Detail, "sonar-deep-research") != c.warn {
			t.Errorf("%d days before: doctor %+v, want sonar-deep-research named: %v", c.days, line, c.warn)
		}
		if !line.OK {
			t.Errorf("%d days before: the models line fails though the default model is current: %+v", c.days, line)
		}
	}
	// The default model itself deprecated: the doctor's line fails.
	u := newCatalogUnit(t, map[string]string{"DEEPR_MODEL": "sonar-deep-research"}, shutdown.AddDate(0, 0, -10))
	for _, ch := range u.svc.Doctor(u.ctx, "").Checks {
		if ch.Name == "models" && (ch.OK || !strings.Contains(ch.Detail, "The default model")) {
			t.Errorf("doctor with a deprecated default model: %+v, want a failed line naming the default model", ch)
		}
	}
}
