package worker

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

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
	t.Run("running, billed for what it used", func(t *testing.T) {
		e := setup(t)
		j := e.mkJob(job.Running, nil)
		e.clock.Advance(25 * time.Hour)
		cancelled := false
		e.prov.setFetch(func(id string) (provider.Snapshot, error) {
			if !cancelled {
				// still working when the pass looks; cancelled (with its usage) once asked
				return provider.Snapshot{ID: id, Status: provider.StatusInProgress}, nil
			}
			return provider.Snapshot{ID: id, Status: "cancelled", Usage: job.Usage{InputTokens: 1_000_000, OutputTokens: 100_000}}, nil
		})
		e.prov.cancelFn = func(string) error { cancelled = true; return nil }
		e.tick()
		got := e.get(j.ID)
		if got.Status != job.Failed || !strings.HasPrefix(got.Error, "gave up after 24h0m0s") {
			t.Fatalf("old running job: %s, want failed 'gave up after 24h0m0s ...'", describe(got))
		}
		if got.CostUSD != 14 || got.Usage.InputTokens != 1_000_000 {
			t.Errorf("given-up job: cost $%v, usage %+v; want $14 for the usage the provider reported", got.CostUSD, got.Usage)
		}
		atts, err := e.st.Attempts(e.ctx, j.ID)
		if err != nil || len(atts) != 1 || atts[0].CostUSD != 14 {
			t.Errorf("attempts = %+v, %v; want one attempt costing $14", atts, err)
		}
	})
	t.Run("running, finished before the cancel", func(t *testing.T) {
		e := setup(t)
		j := e.mkJob(job.Running, nil)
		e.clock.Advance(25 * time.Hour)
		cancelled := false
		e.prov.setFetch(func(id string) (provider.Snapshot, error) {
			if !cancelled {
				return provider.Snapshot{ID: id, Status: provider.StatusInProgress}, nil
			}
			return provider.Snapshot{ID: id, Status: "completed", Report: "# Tea\nIt is old.", Usage: job.Usage{InputTokens: 1_000_000}}, nil
		})
		e.prov.cancelFn = func(string) error { cancelled = true; return nil }
		e.tick()
		got := e.get(j.ID)
		if got.Status != job.Completed || got.CostUSD != 10 {
			t.Fatalf("a run that finished as it was given up: %s cost %v, want completed costing 10", describe(got), got.CostUSD)
		}
		if rep, err := e.st.GetReport(e.ctx, j.ID); err != nil || rep.Markdown != "# Tea\nIt is old." {
			t.Errorf("report = %q, %v; want it saved", rep.Markdown, err)
		}
	})
	t.Run("running, provider down", func(t *testing.T) {
		e := setup(t)
		j := e.mkJob(job.Running, nil)
		e.clock.Advance(25 * time.Hour)
		down := true
		e.prov.setFetch(func(id string) (provider.Snapshot, error) {
			if down {
				return provider.Snapshot{}, &provider.Error{Kind: provider.KindTransient, Op: "fetch", HTTPStatus: 503, Message: "unavailable"}
			}
			return provider.Snapshot{ID: id, Status: "completed", Report: "# Tea", Usage: job.Usage{InputTokens: 1_000_000}}, nil
		})
		e.tick()
		if got := e.get(j.ID); got.Status != job.Running {
			t.Fatalf("an old run whose provider is down: %s, want still running until the provider says what it used", describe(got))
		}
		down = false
		e.clock.Advance(time.Hour)
		e.tick()
		if got := e.get(j.ID); got.Status != job.Completed || got.CostUSD != 10 {
			t.Fatalf("once the provider answers: %s cost %v, want completed costing 10", describe(got), got.CostUSD)
		}
	})
	t.Run("running at a provider that cannot cancel", func(t *testing.T) {
		e := setup(t)
		e.w = New(e.st, map[string]Provider{"perplexity": noCancel{e.prov}}, e.cfg, Options{Clock: e.clock, Emitter: e.rec, Notifier: e.rec, Logger: e.logger})
		j := e.mkJob(job.Running, func(j *job.Job) { j.Provider = "perplexity"; j.Model = "sonar-deep-research" })
		e.clock.Advance(25 * time.Hour)
		e.tick()
		if got := e.get(j.ID); got.Status != job.Running {
			t.Fatalf("an old run Perplexity cannot stop: %s, want still running (it finishes and bills anyway)", describe(got))
		}
		if _, _, c := e.prov.calls(); c != 0 {
			t.Errorf("%d cancel calls to a provider that cannot cancel", c)
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
