package worker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
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

func TestPollOutcomes(t *testing.T) {
	usage := job.Usage{InputTokens: 1_000_000, OutputTokens: 500_000, WebSearchCalls: 7}
	cites := []job.Citation{{Index: 1, URL: "https://tea.example/history", Title: "History", Start: 0, End: 5}}
	tests := []struct {
		name       string
		snap       provider.Snapshot
		wantStatus job.Status
		wantErr    string
		wantReport string // "" : no report saved
		notified   bool
	}{
		{"completed", provider.Snapshot{Status: "completed", Report: "# Tea\nIt is old.", Citations: cites, Usage: usage},
			job.Completed, "", "# Tea\nIt is old.", true},
		{"completed empty", provider.Snapshot{Status: "completed", Usage: usage}, job.Failed, "finished with no report text", "", true},
		{"incomplete", provider.Snapshot{Status: "incomplete", Report: "Partial tea", IncompleteReason: "max_output_tokens", Usage: usage},
			job.Incomplete, "max_output_tokens", "Partial tea", true},
		{"failed", provider.Snapshot{Status: "failed", ErrorCode: "server_error", ErrorMessage: "It broke"}, job.Failed, "server_error: It broke", "", true},
		{"cancelled remotely", provider.Snapshot{Status: "cancelled"}, job.Cancelled, "Cancelled at OpenAI", "", true},
		{"unknown status", provider.Snapshot{Status: "thinking_hard"}, job.Running, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := setup(t)
			j := e.mkJob(job.Running, nil)
			e.clock.Advance(time.Minute)
			snap := tt.snap
			snap.ID = j.ProviderJobID
			e.prov.setFetch(func(string) (provider.Snapshot, error) { return snap, nil })
			e.tick()

			got := e.get(j.ID)
			if got.Status != tt.wantStatus || !strings.Contains(got.Error, tt.wantErr) {
				t.Errorf("job: %s, want status %s and error containing %q", describe(got), tt.wantStatus, tt.wantErr)
			}
			if got.ProviderStatus != tt.snap.Status {
				t.Errorf("provider_status = %q, want %q", got.ProviderStatus, tt.snap.Status)
			}
			rep, err := e.st.GetReport(e.ctx, j.ID)
			switch {
			case tt.wantReport == "" && err == nil:
				t.Errorf("GetReport found a report %q, want none", rep.Markdown)
			case tt.wantReport != "" && err != nil:
				t.Errorf("GetReport: %v, want the report", err)
			case tt.wantReport != "" && rep.Markdown != tt.wantReport:
				t.Errorf("report = %q, want %q", rep.Markdown, tt.wantReport)
			}
			if tt.wantStatus.Final() {
				if got.FinishedAt == nil || !got.FinishedAt.Equal(e.clock.Now()) {
					t.Errorf("finished_at = %v, want %v", got.FinishedAt, e.clock.Now())
				}
			} else if !got.NextPollAt.Equal(e.clock.Now().Add(30 * time.Second)) {
				t.Errorf("next_poll_at = t0+%s, want now + PollInterval", got.NextPollAt.Sub(t0))
			}
			if tt.snap.Usage != (job.Usage{}) {
				if got.Usage != usage || got.CostUSD != 30 {
					t.Errorf("usage = %+v cost = %v, want %+v and 30", got.Usage, got.CostUSD, usage)
				}
			}
			if tt.wantReport != "" {
				wantPath := filepath.Join(e.cfg.DataDir, mirror.RelDir(got))
				if got.ReportPath != wantPath {
					t.Errorf("report_path = %q, want %q", got.ReportPath, wantPath)
				}
				if _, err := os.Stat(got.ReportPath); err != nil {
					t.Errorf("mirror folder: %v, want it written after commit", err)
				}
			}
			if n := len(e.rec.finishedFor(j.ID)); (n == 1) != tt.notified || n > 1 {
				t.Errorf("JobFinished calls = %d, want notified=%v once", n, tt.notified)
			}
			ev := e.rec.changedFor(j.ID)
			if tt.notified && (len(ev) == 0 || ev[len(ev)-1].Version != got.Version || ev[len(ev)-1].Status != tt.wantStatus) {
				t.Errorf("last emitted = %v, want the stored job (version %d)", statuses(ev), got.Version)
			}
			// A final job is never polled again.
			e.clock.Advance(time.Hour)
			e.tick()
			if _, f, _ := e.prov.calls(); tt.wantStatus.Final() && f != 1 {
				t.Errorf("fetches after a final state = %d, want 1", f)
			}
		})
	}
}

func TestPollProgressEmitsOnlyChanges(t *testing.T) {
	e := setup(t)
	j := e.mkJob(job.Running, func(j *job.Job) { j.ProviderStatus = "queued" })
	prog := job.Progress{Steps: 2, Searches: 1, Summary: "Looking up tea"}
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		return provider.Snapshot{ID: id, Status: "in_progress", Progress: prog}, nil
	})
	e.tick()
	got := e.get(j.ID)
	if got.ProviderStatus != "in_progress" || got.Progress != prog {
		t.Errorf("after progress: provider_status %q progress %+v, want in_progress %+v", got.ProviderStatus, got.Progress, prog)
	}
	if n := len(e.rec.changedFor(j.ID)); n != 1 {
		t.Fatalf("JobChanged after a progress change = %d, want 1", n)
	}
	// Same snapshot again: nothing is written or emitted, and the next
	// check is a poll interval away.
	for i := range 3 {
		e.clock.Advance(30 * time.Second)
		e.tick()
		if _, f, _ := e.prov.calls(); f != i+2 {
			t.Fatalf("fetches after %d more intervals = %d, want %d", i+1, f, i+2)
		}
		if again := e.get(j.ID); again.Version != got.Version {
			t.Errorf("unchanged poll %d wrote the job: version %d -> %d", i+1, got.Version, again.Version)
		}
		if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(e.clock.Now().Add(30*time.Second)) {
			t.Errorf("next check after unchanged poll %d = %v, want now + 30s", i+1, h.NextCheck)
		}
	}
	if n := len(e.rec.changedFor(j.ID)); n != 1 {
		t.Errorf("JobChanged after unchanged polls = %d events, want still 1", n)
	}
	// A change is written again.
	prog.Steps = 3
	e.clock.Advance(30 * time.Second)
	e.tick()
	if again := e.get(j.ID); again.Version != got.Version+1 || again.Progress.Steps != 3 {
		t.Errorf("changed progress: version %d steps %d, want version %d steps 3", again.Version, again.Progress.Steps, got.Version+1)
	}
}

func TestFetchErrors(t *testing.T) {
	t.Run("not found fails the job", func(t *testing.T) {
		e := setup(t)
		j := e.mkJob(job.Running, nil)
		e.prov.setFetch(func(string) (provider.Snapshot, error) {
			return provider.Snapshot{}, &provider.Error{Kind: provider.KindNotFound, Op: "get", HTTPStatus: 404, Message: "No response found"}
		})
		e.tick()
		got := e.get(j.ID)
		if got.Status != job.Failed || !strings.Contains(got.Error, "OpenAI no longer has this response") {
			t.Errorf("job after 404: %s, want failed, 'OpenAI no longer has this response'", describe(got))
		}
		if n := len(e.rec.finishedFor(j.ID)); n != 1 {
			t.Errorf("JobFinished = %d, want 1", n)
		}
	})
	t.Run("transient backs off and never decides", func(t *testing.T) {
		e := setup(t)
		j := e.mkJob(job.Running, nil)
		e.prov.setFetch(func(string) (provider.Snapshot, error) {
			return provider.Snapshot{}, &provider.Error{Kind: provider.KindTransient, Op: "get", HTTPStatus: 503, Message: "overloaded"}
		})
		wantWaits := []time.Duration{60 * time.Second, 120 * time.Second, 240 * time.Second, 480 * time.Second, 600 * time.Second, 600 * time.Second}
		for i, want := range wantWaits {
			e.tick()
			got := e.get(j.ID)
			if got.Status != job.Running || got.PollErrors != i+1 {
				t.Fatalf("after error %d: %s, want running with poll_errors %d", i+1, describe(got), i+1)
			}
			if w := got.NextPollAt.Sub(e.clock.Now()); w != want {
				t.Errorf("after error %d: next poll in %s, want %s", i+1, w, want)
			}
			e.clock.Advance(want)
		}
		// Success resets the count and clears the error.
		e.prov.setFetch(nil)
		e.tick()
		if got := e.get(j.ID); got.PollErrors != 0 || got.Error != "" || got.Status != job.Running {
			t.Errorf("after success: %s, want poll_errors 0, no error", describe(got))
		}
	})
	t.Run("retry-after is honoured", func(t *testing.T) {
		e := setup(t)
		j := e.mkJob(job.Running, nil)
		e.prov.setFetch(func(string) (provider.Snapshot, error) {
			return provider.Snapshot{}, &provider.Error{Kind: provider.KindRateLimited, Op: "get", HTTPStatus: 429, RetryAfter: 20 * time.Minute}
		})
		e.tick()
		if got := e.get(j.ID); !got.NextPollAt.Equal(t0.Add(20 * time.Minute)) {
			t.Errorf("next_poll_at = t0+%s, want t0+20m (Retry-After)", got.NextPollAt.Sub(t0))
		}
	})
	t.Run("no connection is offline", func(t *testing.T) {
		e := setup(t)
		j := e.mkJob(job.Running, nil)
		e.prov.setFetch(func(string) (provider.Snapshot, error) {
			return provider.Snapshot{}, &provider.Error{Kind: provider.KindNotSent, Op: "get", Message: "dial tcp: connection refused"}
		})
		e.tick()
		if h := e.w.Health(); h.Provider != ProviderOffline {
			t.Errorf("health = %+v, want offline", h)
		}
		if got := e.get(j.ID); got.Status != job.Running || got.PollErrors != 1 {
			t.Errorf("job: %s, want running with one poll error", describe(got))
		}
		e.prov.setFetch(nil)
		e.clock.Advance(time.Hour)
		e.tick()
		if h := e.w.Health(); h.Provider != ProviderOK {
			t.Errorf("health after a good call = %+v, want ok", h)
		}
	})
}

func TestLocalStateWins(t *testing.T) {
	e := setup(t)
	j := e.mkJob(job.Running, nil)
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		// The user cancels while the poll is in flight.
		e.update(j.ID, func(c *job.Job) { c.Status = job.Cancelled; c.Error = "Cancelled by the user." })
		return provider.Snapshot{ID: id, Status: "completed", Report: "too late"}, nil
	})
	if err := e.w.Tick(e.ctx); err != nil {
		t.Fatalf("Tick returned %v, want nil (a row changed meanwhile is skipped, not an error)", err)
	}
	got := e.get(j.ID)
	if got.Status != job.Cancelled || got.Error != "Cancelled by the user." {
		t.Errorf("job: %s, want still cancelled by the user", describe(got))
	}
	if _, err := e.st.GetReport(e.ctx, j.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetReport error = %v, want ErrNotFound (nothing saved)", err)
	}
	if n := len(e.rec.finishedFor(j.ID)); n != 0 {
		t.Errorf("JobFinished = %d, want 0 (the worker made no transition)", n)
	}
}

func TestMaxJobAge(t *testing.T) {
	t.Run("running", func(t *testing.T) {
		e := setup(t)
		j := e.mkJob(job.Running, nil)
		e.clock.Advance(25 * time.Hour)
		e.tick()
		got := e.get(j.ID)
		if got.Status != job.Failed || !strings.HasPrefix(got.Error, "gave up after 24h0m0s") {
			t.Errorf("old running job: %s, want failed 'gave up after 24h0m0s ...'", describe(got))
		}
		if _, _, c := e.prov.calls(); c != 1 || e.prov.cancels[0] != j.ProviderJobID {
			t.Errorf("Cancel calls = %v, want [%s]", e.prov.cancels, j.ProviderJobID)
		}
	})
	t.Run("running, cancel fails", func(t *testing.T) {
		e := setup(t)
		j := e.mkJob(job.Running, nil)
		e.prov.cancelFn = func(string) error { return errors.New("network down") }
		e.clock.Advance(25 * time.Hour)
		e.tick()
		if got := e.get(j.ID); got.Status != job.Failed {
			t.Errorf("old running job whose cancel failed: %s, want failed anyway", describe(got))
		}
	})
	t.Run("running, finished meanwhile is saved", func(t *testing.T) {
		e := setup(t)
		j := e.mkJob(job.Running, nil)
		e.prov.setFetch(func(id string) (provider.Snapshot, error) {
			return provider.Snapshot{ID: id, Status: "completed", Report: "Done at last"}, nil
		})
		e.clock.Advance(25 * time.Hour)
		e.tick()
		if got := e.get(j.ID); got.Status != job.Completed {
			t.Errorf("old job that completed: %s, want completed (a paid report is kept)", describe(got))
		}
	})
	t.Run("queued", func(t *testing.T) {
		e := setup(t)
		for range 3 { // fill every slot so the job stays queued
			e.mkJob(job.Running, func(j *job.Job) { j.NextPollAt = t0.Add(48 * time.Hour) })
		}
		j := e.mkJob(job.Queued, nil)
		e.tick()
		e.clock.Advance(25 * time.Hour)
		e.tick()
		got := e.get(j.ID)
		if got.Status != job.Failed || !strings.HasPrefix(got.Error, "gave up after 24h0m0s") {
			t.Errorf("old queued job: %s, want failed 'gave up after 24h0m0s ...'", describe(got))
		}
		if s, _, _ := e.prov.calls(); s != 0 {
			t.Errorf("Submit calls = %d, want 0", s)
		}
	})
}

func TestTwoWorkersOnlyOnePolls(t *testing.T) {
	e := setup(t)
	st2 := e.openStore()
	p2, rec2 := &fakeProvider{}, &recorder{}
	w2 := e.newWorker(st2, p2, testConfig(e.dir, "second-holder"), rec2)
	for range 5 {
		e.mkJob(job.Queued, nil)
		e.mkJob(job.Running, nil)
	}
	for i := range 6 {
		if err := w2.Tick(e.ctx); err != nil && i > 0 {
			t.Fatalf("w2.Tick: %v", err)
		}
		e.tick()
		e.clock.Advance(5 * time.Second) // less than a heartbeat: both stay fresh
	}
	s1, f1, _ := e.prov.calls()
	s2, f2, _ := p2.calls()
	if (s1+f1 > 0) == (s2+f2 > 0) {
		t.Fatalf("provider calls: first %d, second %d; want exactly one worker calling", s1+f1, s2+f2)
	}
	leader, standby := e.w, w2
	if s2+f2 > 0 {
		leader, standby = w2, e.w
	}
	if h := leader.Health(); h.Poller != PollerRunning {
		t.Errorf("leader health = %+v, want poller running", h)
	}
	if h := standby.Health(); h.Poller != PollerStandby || h.LeaseHolder != leader.cfg.Holder {
		t.Errorf("standby health = %+v, want poller standby, lease_holder %q", h, leader.cfg.Holder)
	}
}

func TestTakeoverAfterHeartbeatStops(t *testing.T) {
	e := setup(t)
	st2 := e.openStore()
	p2, rec2 := &fakeProvider{}, &recorder{}
	w2 := e.newWorker(st2, p2, testConfig(e.dir, "second-holder"), rec2)
	j := e.mkJob(job.Running, nil)

	e.tick() // first holds the lease
	e.clock.Advance(10 * time.Second)
	e.tick() // renews
	e.clock.Advance(25 * time.Second)
	if err := w2.Tick(e.ctx); err != nil {
		t.Fatalf("w2.Tick: %v", err)
	}
	if h := w2.Health(); h.Poller != PollerStandby {
		t.Fatalf("second worker 25s after a renewal: %+v, want standby (lease still fresh)", h)
	}
	// The first stops heartbeating; after 3 heartbeats the second takes over.
	e.clock.Advance(6 * time.Second)
	if err := w2.Tick(e.ctx); err != nil {
		t.Fatalf("w2.Tick: %v", err)
	}
	if h := w2.Health(); h.Poller != PollerRunning {
		t.Fatalf("second worker after the lease went stale: %+v, want running", h)
	}
	if _, f, _ := p2.calls(); f != 1 {
		t.Errorf("second worker fetches after takeover = %d, want 1 (running jobs are due at once)", f)
	}
	// The first one comes back: it lost the lease and stands by.
	_, before, _ := e.prov.calls()
	e.update(j.ID, func(c *job.Job) { c.NextPollAt = e.clock.Now() })
	e.tick()
	if h := e.w.Health(); h.Poller != PollerStandby || h.LeaseHolder != "second-holder" {
		t.Errorf("first worker after losing the lease: %+v, want standby, holder second-holder", h)
	}
	if _, f, _ := e.prov.calls(); f != before {
		t.Errorf("first worker fetched %d times on standby, want 0", f-before)
	}
}

func TestStandbyWatchesOtherProcess(t *testing.T) {
	e := setup(t)
	st2 := e.openStore()
	p2, rec2 := &fakeProvider{}, &recorder{}
	w2 := e.newWorker(st2, p2, testConfig(e.dir, "second-holder"), rec2)
	j := e.mkJob(job.Running, nil)
	e.tick() // leader
	if err := w2.Tick(e.ctx); err != nil {
		t.Fatalf("w2.Tick: %v", err)
	}
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		return provider.Snapshot{ID: id, Status: "completed", Report: "Tea is old."}, nil
	})
	e.clock.Advance(time.Minute)
	e.tick()
	if err := w2.Tick(e.ctx); err != nil {
		t.Fatalf("w2.Tick: %v", err)
	}
	ev := rec2.changedFor(j.ID)
	if len(ev) == 0 || ev[len(ev)-1].Status != job.Completed {
		t.Fatalf("standby emitted %v for the job, want its completion seen in the database", statuses(ev))
	}
	// Nothing new: nothing emitted again.
	n := len(rec2.changedFor(j.ID))
	e.clock.Advance(10 * time.Second)
	if err := w2.Tick(e.ctx); err != nil {
		t.Fatalf("w2.Tick: %v", err)
	}
	if got := len(rec2.changedFor(j.ID)); got != n {
		t.Errorf("standby emitted %d events on an unchanged database, want 0", got-n)
	}
	if s, f, _ := p2.calls(); s+f != 0 {
		t.Errorf("standby provider calls = %d, want 0", s+f)
	}
	if n := len(rec2.finishedFor(j.ID)); n != 0 {
		t.Errorf("standby JobFinished = %d, want 0 (the leader notifies)", n)
	}
}

func TestThousandRunningJobsInOneTick(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 1,000 jobs")
	}
	e := setup(t)
	var ids []string
	for range 1000 {
		ids = append(ids, e.mkJob(job.Running, nil).ProviderJobID)
	}
	e.clock.Advance(time.Minute)
	e.tick()
	_, f, _ := e.prov.calls()
	if f != 1000 {
		t.Fatalf("fetches in one Tick = %d, want 1000 (no page cap)", f)
	}
	if got := sortedUnique(e.prov.fetches); len(got) != 1000 {
		t.Errorf("distinct jobs fetched = %d, want 1000", len(got))
	}
	// Nothing changed at the provider: nothing was written, and no job is
	// checked again before a poll interval has passed.
	if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(e.clock.Now().Add(30*time.Second)) {
		t.Errorf("next check after the pass = %v, want now + 30s", h.NextCheck)
	}
	e.clock.Advance(29 * time.Second)
	e.tick()
	if _, f, _ := e.prov.calls(); f != 1000 {
		t.Errorf("fetches 29s later = %d, want still 1000", f)
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	e := setup(t)
	for range 12 {
		e.mkJob(job.Running, nil)
	}
	var mu sync.Mutex
	cur, peak := 0, 0
	release := make(chan struct{})
	arrived := make(chan struct{}, 12)
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		mu.Lock()
		cur++
		peak = max(peak, cur)
		mu.Unlock()
		arrived <- struct{}{}
		<-release
		mu.Lock()
		cur--
		mu.Unlock()
		return provider.Snapshot{ID: id, Status: "in_progress"}, nil
	})
	done := make(chan error)
	go func() { done <- e.w.Tick(e.ctx) }()
	for range 4 {
		<-arrived
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Tick: %v", err)
	}
	if peak > 4 {
		t.Errorf("peak parallel provider calls = %d, want at most Concurrency=4", peak)
	}
	if _, f, _ := e.prov.calls(); f != 12 {
		t.Errorf("fetches = %d, want 12", f)
	}
}

func TestHeartbeatDuringLongPass(t *testing.T) {
	e := setup(t)
	e.mkJob(job.Running, nil)
	st2 := e.openStore()
	entered, release := make(chan struct{}), make(chan struct{})
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		close(entered)
		<-release
		return provider.Snapshot{ID: id, Status: "in_progress"}, nil
	})
	stop := e.run()
	<-entered
	// The pass hangs in a provider call while three heartbeats pass: the
	// elector has its own loop, so the lease stays fresh.
	e.clock.waitTimers(t, 2) // elector and feed; the scheduler is in its pass
	for i := 1; i <= 30; i++ {
		e.clock.Advance(time.Second)
		e.clock.waitTimers(t, 2)
		if i%10 == 0 {
			want := t0.Add(time.Duration(i) * time.Second)
			l, ok, err := st2.CurrentLease(e.ctx)
			if err != nil || !ok || !l.Heartbeat.Equal(want) {
				t.Fatalf("lease at t0+%ds = %+v, %v, %v; want renewed at t0+%ds", i, l, ok, err, i)
			}
		}
	}
	ok, err := st2.AcquireLease(e.ctx, "intruder", e.clock.Now(), 30*time.Second)
	if err != nil || ok {
		t.Errorf("AcquireLease by another holder during a long pass = %v, %v; want false (lease kept fresh)", ok, err)
	}
	close(release)
	stop()
}

// run starts e.w.Run in the background and returns a function that stops
// it and waits for it to return.
func (e *env) run() (stop func()) {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.w.Run(ctx) }()
	return func() {
		e.t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				e.t.Errorf("Run = %v, want nil", err)
			}
		case <-time.After(5 * time.Second):
			e.t.Fatal("Run did not return within 5s of cancel")
		}
	}
}

// waitFor polls cond (it reads a database another goroutine writes).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestSetPollInterval(t *testing.T) {
	e := setup(t)
	j := e.mkJob(job.Running, nil)
	e.w.SetPollInterval(2 * time.Minute)
	e.tick()
	if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("next check = %v, want t0+2m after SetPollInterval", h.NextCheck)
	}
	// A planned check moves with the interval at once.
	e.w.SetPollInterval(time.Minute)
	e.tick()
	if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(t0.Add(time.Minute)) {
		t.Errorf("next check = %v, want t0+1m after SetPollInterval(1m)", h.NextCheck)
	}
	if _, f, _ := e.prov.calls(); f != 1 {
		t.Errorf("fetches = %d, want 1 (not due before t0+1m)", f)
	}
	_ = j
}

func TestRunWakeAndStop(t *testing.T) {
	e := setup(t)
	j := e.mkJob(job.Running, func(j *job.Job) { j.NextPollAt = t0.Add(time.Hour) })
	fetched := make(chan string, 10)
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		fetched <- id
		return provider.Snapshot{ID: id, Status: "in_progress"}, nil
	})
	e.rec.health = make(chan Health, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.w.Run(ctx) }()

	// Takeover recovery polls the running job once at start.
	if id := <-fetched; id != j.ProviderJobID {
		t.Fatalf("first fetch = %s, want %s", id, j.ProviderJobID)
	}
	// Not due for an hour; Wake makes it due now without moving the clock.
	e.w.Wake(j.ID)
	select {
	case id := <-fetched:
		if id != j.ProviderJobID {
			t.Errorf("fetch after Wake = %s, want %s", id, j.ProviderJobID)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wake did not lead to a fetch within 5s")
	}
	if err := e.w.Run(ctx); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("second Run = %v, want ErrAlreadyRunning", err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after cancel = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5s of cancel")
	}
	if h := e.w.Health(); h.Poller != PollerStopped {
		t.Errorf("health after Run = %+v, want stopped", h)
	}
	// The lease was released: another holder gets it at once.
	ok, err := e.st.AcquireLease(e.ctx, "next", e.clock.Now(), 30*time.Second)
	if err != nil || !ok {
		t.Errorf("AcquireLease right after Run stopped = %v, %v; want true (released)", ok, err)
	}
}

func TestSubmitIdArrivesAfterTakeover(t *testing.T) {
	e := setup(t)
	j := e.mkJob(job.Queued, nil)
	e.prov.setSubmit(func(r provider.Request) (string, error) {
		// Meanwhile another process decided this attempt was lost.
		e.update(r.JobID, func(c *job.Job) { c.Status = job.Unconfirmed; c.Error = msgCrashed })
		return "resp_late", nil
	})
	e.tick()
	got := e.get(j.ID)
	if got.Status != job.Unconfirmed || got.ProviderJobID != "resp_late" || !strings.Contains(got.Error, "resp_late") {
		t.Errorf("job: %s provider_job_id %q, want unconfirmed, the id kept and named in the error", describe(got), got.ProviderJobID)
	}
}

func TestMirrorErrorKeepsJobCompleted(t *testing.T) {
	e := setup(t)
	// The mirror root is a file, so the on-disk copy cannot be written.
	blocker := filepath.Join(e.dir, "not-a-dir")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := e.cfg
	cfg.DataDir = blocker
	e.w = e.newWorker(e.st, e.prov, cfg, e.rec)
	j := e.mkJob(job.Running, nil)
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		return provider.Snapshot{ID: id, Status: "completed", Report: "Saved in the database"}, nil
	})
	if err := e.w.Tick(e.ctx); err != nil {
		t.Fatalf("Tick = %v, want nil (a mirror error only logs)", err)
	}
	got := e.get(j.ID)
	if got.Status != job.Completed {
		t.Errorf("job: %s, want completed despite the mirror error", describe(got))
	}
	if got.ReportPath != "" {
		t.Errorf("report_path = %q after a failed mirror write, want empty (set only once written)", got.ReportPath)
	}
	if rep, err := e.st.GetReport(e.ctx, j.ID); err != nil || rep.Markdown != "Saved in the database" {
		t.Errorf("GetReport = %q, %v; want the report in the database", rep.Markdown, err)
	}
	if !e.logged(logrus.ErrorLevel, "copy on disk could not be written") {
		t.Errorf("no error logged for the failed mirror write")
	}
}

func TestUnknownStatusIsLoggedAndKeptRunning(t *testing.T) {
	e := setup(t)
	j := e.mkJob(job.Running, nil)
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		return provider.Snapshot{ID: id, Status: "requires_action"}, nil
	})
	for range 3 {
		e.tick()
		e.clock.Advance(30 * time.Second)
	}
	got := e.get(j.ID)
	if got.Status != job.Running || got.ProviderStatus != "requires_action" {
		t.Errorf("job: %s, want running with provider_status requires_action", describe(got))
	}
	if _, f, _ := e.prov.calls(); f != 3 {
		t.Errorf("fetches = %d, want 3 (polled again, never dropped)", f)
	}
	if !e.logged(logrus.WarnLevel, "unknown provider status") {
		t.Errorf("no warning logged for an unknown provider status")
	}
}
