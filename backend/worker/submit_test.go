package worker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

func TestSubmitWriteAheadThenRunning(t *testing.T) {
	e := setup(t)
	j := e.mkJob(job.Queued, nil)
	var seen job.Status
	e.prov.setSubmit(func(r provider.Request) (string, error) {
		// The create call must see the write-ahead state committed.
		other := e.openStore()
		cur, err := other.GetJob(context.Background(), r.JobID)
		if err != nil {
			t.Errorf("GetJob during Submit: %v", err)
		}
		seen = cur.Status
		return "resp_abc", nil
	})
	e.tick()

	if seen != job.Submitting {
		t.Errorf("status seen during Submit = %s, want submitting (committed before the call)", seen)
	}
	got := e.get(j.ID)
	if got.Status != job.Running || got.ProviderJobID != "resp_abc" || got.ProviderStatus != "queued" {
		t.Errorf("after submit: %s provider_job_id=%q, want running resp_abc provider_status queued", describe(got), got.ProviderJobID)
	}
	if got.SubmittedAt == nil || !got.SubmittedAt.Equal(t0) {
		t.Errorf("submitted_at = %v, want %v", got.SubmittedAt, t0)
	}
	if want := t0.Add(10 * time.Second); !got.NextPollAt.Equal(want) {
		t.Errorf("next_poll_at = %v, want now + PollInterval/3 = %v", got.NextPollAt, want)
	}
	s, _, _ := e.prov.calls()
	if s != 1 {
		t.Fatalf("Submit calls = %d, want 1", s)
	}
	r := e.prov.submits[0]
	if r.JobID != j.ID || r.Prompt != j.Prompt || r.Model != j.Model || !r.WebSearch || r.MaxToolCalls != 20 {
		t.Errorf("request = %+v, want the job's id, prompt, model and options", r)
	}
	// Submitting and running were both emitted, with their versions.
	ev := e.rec.changedFor(j.ID)
	if len(ev) != 2 || ev[0].Status != job.Submitting || ev[1].Status != job.Running || ev[1].Version != got.Version {
		t.Errorf("emitted %d events %v, want submitting then running (version %d)", len(ev), statuses(ev), got.Version)
	}
	if n := len(e.rec.finishedFor(j.ID)); n != 0 {
		t.Errorf("JobFinished called %d times for a running job, want 0", n)
	}
}

func statuses(js []job.Job) []job.Status {
	out := make([]job.Status, len(js))
	for i, j := range js {
		out[i] = j.Status
	}
	return out
}

func TestSubmitErrors(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus job.Status
		wantNext   time.Duration // from t0
		wantErr    string
		wantHealth string
		notified   bool
	}{
		{"not sent", &provider.Error{Kind: provider.KindNotSent, Op: "create", Message: "connection refused"},
			job.Queued, 60 * time.Second, "connection refused", ProviderOffline, false},
		{"rate limited with retry-after", &provider.Error{Kind: provider.KindRateLimited, Op: "create", Message: "slow down", HTTPStatus: 429, RetryAfter: 5 * time.Minute},
			job.Queued, 5 * time.Minute, "slow down", ProviderOK, false},
		{"rejected", &provider.Error{Kind: provider.KindRejected, Op: "create", Message: "max_tool_calls is invalid", HTTPStatus: 400},
			job.Failed, 0, "max_tool_calls is invalid", ProviderOK, true},
		{"quota", &provider.Error{Kind: provider.KindQuota, Op: "create", Message: "You exceeded your quota", HTTPStatus: 429},
			job.Failed, 0, "exceeded your quota", ProviderOK, true},
		{"auth", &provider.Error{Kind: provider.KindAuth, Op: "create", Message: "Incorrect API key", HTTPStatus: 401},
			job.Queued, 0, "Incorrect API key", ProviderKeyRejected, false},
		{"ambiguous", &provider.Error{Kind: provider.KindAmbiguous, Op: "create", Message: "server error", HTTPStatus: 500},
			job.Unconfirmed, 0, "may have reached OpenAI", ProviderUnknown, true},
		{"unclassified", errors.New("boom"),
			job.Unconfirmed, 0, "not retried, to avoid paying twice", ProviderUnknown, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := setup(t)
			j := e.mkJob(job.Queued, nil)
			e.prov.setSubmit(func(provider.Request) (string, error) { return "", tt.err })
			e.tick()
			got := e.get(j.ID)
			if got.Status != tt.wantStatus {
				t.Errorf("status = %s, want %s (%s)", got.Status, tt.wantStatus, describe(got))
			}
			if !strings.Contains(got.Error, tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", got.Error, tt.wantErr)
			}
			if tt.wantNext > 0 && !got.NextPollAt.Equal(t0.Add(tt.wantNext)) {
				t.Errorf("next_poll_at = t0+%s, want t0+%s", got.NextPollAt.Sub(t0), tt.wantNext)
			}
			if h := e.w.Health(); h.Provider != tt.wantHealth {
				t.Errorf("health.provider = %q, want %q (message %q)", h.Provider, tt.wantHealth, h.Message)
			}
			if n := len(e.rec.finishedFor(j.ID)); (n == 1) != tt.notified || n > 1 {
				t.Errorf("JobFinished calls = %d, want notified=%v exactly once", n, tt.notified)
			}
			// Later passes never send the same attempt again.
			for range 3 {
				e.clock.Advance(time.Minute)
				e.tick()
			}
			if s, _, _ := e.prov.calls(); tt.wantStatus == job.Unconfirmed && s != 1 {
				t.Errorf("Submit calls after an ambiguous error = %d, want exactly 1", s)
			}
			if n := len(e.rec.finishedFor(j.ID)); n > 1 {
				t.Errorf("JobFinished calls after more passes = %d, want at most 1", n)
			}
		})
	}
}

func TestAuthPausesUntilIntervalOrSetProvider(t *testing.T) {
	e := setup(t)
	run := e.mkJob(job.Running, func(j *job.Job) { j.ProviderJobID = "resp_run" })
	e.prov.setSubmit(func(provider.Request) (string, error) {
		return "", &provider.Error{Kind: provider.KindAuth, Op: "create", Message: "Incorrect API key provided", HTTPStatus: 401}
	})
	e.prov.setFetch(func(string) (provider.Snapshot, error) {
		return provider.Snapshot{}, &provider.Error{Kind: provider.KindAuth, Op: "get", Message: "Incorrect API key provided", HTTPStatus: 401}
	})
	e.tick()
	h := e.w.Health()
	if h.Provider != ProviderKeyRejected || !strings.Contains(h.Message, "Incorrect API key provided") || !strings.Contains(h.Message, "Settings") {
		t.Errorf("health = %+v, want key_rejected with the provider's message and what to do", h)
	}
	got := e.get(run.ID)
	if got.Status != job.Running || got.PollErrors != 0 {
		t.Errorf("job after 401: %s, want still running, no poll error counted", describe(got))
	}
	q := e.mkJob(job.Queued, nil)

	// Paused: more passes make no calls at all.
	_, f0, _ := e.prov.calls()
	for range 3 {
		e.clock.Advance(5 * time.Second)
		e.tick()
	}
	if s, f, _ := e.prov.calls(); s != 0 || f != f0 {
		t.Errorf("calls while paused: submits %d fetches %d, want 0 and %d", s, f, f0)
	}
	if got := e.get(q.ID); got.Status != job.Queued {
		t.Errorf("queued job while paused: %s, want queued", describe(got))
	}
	if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.After(e.clock.Now()) {
		t.Errorf("next check while everything due is paused = %v, want later than now (no busy loop)", h.NextCheck)
	}

	// The pause ends after one poll interval.
	e.clock.Advance(16 * time.Second)
	e.tick()
	// Both due jobs may be tried; the first 401 pauses again, so the other
	// call may not be made. At least one call proves the pause ended.
	if s, f, _ := e.prov.calls(); s+f <= f0 {
		t.Errorf("calls after the pause ended: submits %d fetches %d, want more than %d in total", s, f, f0)
	}

	// A new key lifts the pause at once.
	good := &fakeProvider{}
	e.w.SetProvider("openai", good)
	if h := e.w.Health(); h.Provider == ProviderKeyRejected {
		t.Errorf("health after SetProvider = %q, want the rejection lifted", h.Provider)
	}
	e.tick()
	if s, f, _ := good.calls(); s != 1 || f != 1 {
		t.Errorf("new provider calls: submits %d fetches %d, want 1 and 1", s, f)
	}
	if h := e.w.Health(); h.Provider != ProviderOK {
		t.Errorf("health after a good call = %q, want ok", h.Provider)
	}
}

func TestMaxRunningSlots(t *testing.T) {
	e := setup(t)
	var running []job.Job
	for range 3 {
		running = append(running, e.mkJob(job.Running, func(j *job.Job) { j.NextPollAt = t0.Add(time.Hour) }))
	}
	q1 := e.mkJob(job.Queued, nil)
	e.clock.Advance(time.Second)
	q2 := e.mkJob(job.Queued, nil)
	e.tick()
	if s, _, _ := e.prov.calls(); s != 0 {
		t.Fatalf("Submit calls with 3 of 3 slots used = %d, want 0", s)
	}
	for _, q := range []job.Job{q1, q2} {
		got := e.get(q.ID)
		if got.Status != job.Queued || got.Version != q.Version {
			t.Errorf("parked job: %s version %d, want queued and not written (version %d)", describe(got), got.Version, q.Version)
		}
	}
	if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(e.clock.Now().Add(30*time.Second)) {
		t.Errorf("next check with every slot used = %v, want a poll interval from now (no busy loop)", h.NextCheck)
	}

	// One running job ends: its slot goes to the oldest queued job.
	done := running[0].ProviderJobID
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		if id == done {
			return provider.Snapshot{ID: id, Status: "failed", ErrorMessage: "x"}, nil
		}
		return provider.Snapshot{ID: id, Status: "in_progress"}, nil
	})
	e.w.Wake(running[0].ID)
	e.tick()
	if got := e.get(running[0].ID); got.Status != job.Failed {
		t.Fatalf("ended job: %s, want failed", describe(got))
	}
	e.tick() // the freed slot woke the parked jobs
	if s, _, _ := e.prov.calls(); s != 1 {
		t.Fatalf("Submit calls after one slot freed = %d, want 1", s)
	}
	if got := e.get(q1.ID); got.Status != job.Running {
		t.Errorf("oldest queued job: %s, want running", describe(got))
	}
	if got := e.get(q2.ID); got.Status != job.Queued {
		t.Errorf("newer queued job: %s, want still queued", describe(got))
	}
}

func TestTakeoverRecovery(t *testing.T) {
	e := setup(t)
	stuck := e.mkJob(job.Submitting, nil)
	run := e.mkJob(job.Running, func(j *job.Job) { j.NextPollAt = t0.Add(time.Hour) })
	e.tick()

	got := e.get(stuck.ID)
	if got.Status != job.Unconfirmed || !strings.Contains(got.Error, "may or may not have been created") || !strings.Contains(got.Error, "resubmit or dismiss") {
		t.Errorf("job left submitting: %s, want unconfirmed with an explanation", describe(got))
	}
	if n := len(e.rec.finishedFor(stuck.ID)); n != 1 {
		t.Errorf("JobFinished for the unconfirmed job = %d calls, want 1", n)
	}
	if s, f, _ := e.prov.calls(); s != 0 || f != 1 || e.prov.fetches[0] != run.ProviderJobID {
		t.Errorf("calls after takeover: submits %d fetches %v, want 0 and [%s] (running jobs are due now)", s, e.prov.fetches, run.ProviderJobID)
	}
	// Recovery runs once per acquisition, not every pass.
	e.tick()
	if _, f, _ := e.prov.calls(); f != 1 {
		t.Errorf("fetches after a second pass = %d, want still 1 (job not due)", f)
	}
}

func TestSubmitIdArrivesAfterTakeover(t *testing.T) {
	e := setup(t)
	j := e.mkJob(job.Queued, nil)
	e.prov.setSubmit(func(r provider.Request) (string, error) {
		// Meanwhile another process decided this attempt was lost.
		e.update(r.JobID, func(c *job.Job) { c.Status = job.Unconfirmed; c.Error = fmt.Sprintf(msgCrashed, "OpenAI") })
		return "resp_late", nil
	})
	e.tick()
	got := e.get(j.ID)
	if got.Status != job.Unconfirmed || got.ProviderJobID != "resp_late" || !strings.Contains(got.Error, "resp_late") {
		t.Errorf("job: %s provider_job_id %q, want unconfirmed, the id kept and named in the error", describe(got), got.ProviderJobID)
	}
}
