package worker

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// A cancel the user asked for while a job ran: the job stays running until
// the provider says how the run ended, and what the run used is recorded
// on its attempt (issue 22, Money: cancel).

// noCancel is a provider that cannot stop a run (Perplexity).
type noCancel struct{ *fakeProvider }

func (noCancel) CanCancel() bool { return false }

// cancelRequested makes j's cancel requested at the fake clock's now.
func (e *env) cancelRequested(mut func(j *job.Job)) job.Job {
	e.t.Helper()
	j := e.mkJob(job.Running, mut)
	return e.update(j.ID, func(c *job.Job) {
		at := e.clock.Now()
		c.CancelRequestedAt = &at
	})
}

func TestDecideAfterACancelRequest(t *testing.T) {
	at := t0
	j := job.Job{ID: "j1", Status: job.Running, Provider: "openai", ProviderJobID: "resp_1", CancelRequestedAt: &at}
	used := job.Usage{InputTokens: 1000, OutputTokens: 500}
	tests := []struct {
		name       string
		snap       provider.Snapshot
		wantStatus job.Status
		wantErr    string
		wantLate   bool
	}{
		{"cancelled with its usage", provider.Snapshot{Status: "cancelled", Usage: used}, job.Cancelled, "Cancelled by the user.", false},
		{"cancelled, usage not reported yet", provider.Snapshot{Status: "cancelled", Usage: job.Usage{WebSearchCalls: 3}}, job.Cancelled, "reported no usage", true},
		{"cancelled with a reported cost", provider.Snapshot{Status: "cancelled", CostUSD: 0.4}, job.Cancelled, "Cancelled by the user.", false},
		{"finished before the cancel", provider.Snapshot{Status: "completed", Report: "# Tea", Usage: used}, job.Completed, "", false},
		{"still running", provider.Snapshot{Status: "in_progress"}, job.Running, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := decide(j, tt.snap)
			if o.status != tt.wantStatus || o.usageLate != tt.wantLate || !strings.Contains(o.err, tt.wantErr) {
				t.Errorf("decide = {%s %q late %v}, want {%s ~%q late %v}", o.status, o.err, o.usageLate, tt.wantStatus, tt.wantErr, tt.wantLate)
			}
		})
	}
	// Cancelled at the provider without a request here: as before.
	if o := decide(job.Job{Provider: "gemini"}, provider.Snapshot{Status: "cancelled"}); !strings.Contains(o.err, "Cancelled at Gemini, not from this app") || o.usageLate {
		t.Errorf("a remote cancel = %+v", o)
	}
}

// TestCancelledRunIsBilled: the fetch after a cancel the provider accepted
// gives the run's usage, which is priced and kept on the attempt.
func TestCancelledRunIsBilled(t *testing.T) {
	e := setup(t)
	j := e.cancelRequested(nil)
	used := job.Usage{InputTokens: 1_000_000, OutputTokens: 500_000}
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		return provider.Snapshot{ID: id, Status: "cancelled", Usage: used}, nil
	})
	e.tick()
	got := e.get(j.ID)
	if got.Status != job.Cancelled || got.Error != "Cancelled by the user." || got.CostUSD != 30 || got.Usage != used {
		t.Fatalf("after the fetch: %s cost %v usage %+v", describe(got), got.CostUSD, got.Usage)
	}
	atts, err := e.st.Attempts(e.ctx, j.ID)
	if err != nil || len(atts) != 1 || atts[0].CostUSD != 30 || atts[0].Status != job.Cancelled {
		t.Errorf("attempts = %+v, %v; want one cancelled attempt costing 30", atts, err)
	}
	if n := len(e.rec.finishedFor(j.ID)); n != 1 {
		t.Errorf("JobFinished calls = %d, want 1", n)
	}
}

// TestCancelledUsageArrivesLate: while the provider reports the run
// cancelled without its usage, the job stays running (reserved) and is
// fetched again on a short schedule; the usage that comes is recorded.
func TestCancelledUsageArrivesLate(t *testing.T) {
	e := setup(t)
	j := e.cancelRequested(nil)
	used := job.Usage{InputTokens: 1_000_000, OutputTokens: 500_000}
	fetches := 0
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		fetches++
		if fetches < 3 {
			return provider.Snapshot{ID: id, Status: "cancelled"}, nil
		}
		return provider.Snapshot{ID: id, Status: "cancelled", Usage: used}, nil
	})
	e.tick()
	got := e.get(j.ID)
	if got.Status != job.Running || got.ProviderStatus != "cancelled" {
		t.Fatalf("cancelled without usage: %s, want still running", describe(got))
	}
	if wait := got.NextPollAt.Sub(e.clock.Now()); wait <= 0 || wait > 5*time.Second {
		t.Errorf("next fetch in %s, want a short recheck (a few seconds)", wait)
	}
	for i := 0; i < 5 && e.get(j.ID).Status == job.Running; i++ {
		e.clock.Advance(10 * time.Second)
		e.tick()
	}
	got = e.get(j.ID)
	if got.Status != job.Cancelled || got.CostUSD != 30 || fetches != 3 {
		t.Fatalf("after the usage came: %s cost %v after %d fetches, want cancelled costing 30 after 3", describe(got), got.CostUSD, fetches)
	}
	if atts, _ := e.st.Attempts(e.ctx, j.ID); len(atts) != 1 || atts[0].CostUSD != 30 {
		t.Errorf("attempts = %+v, want one costing 30", atts)
	}
}

// TestCancelledUsageNeverReported: a bounded wait, then the job ends
// cancelled and says that the provider reported no usage.
func TestCancelledUsageNeverReported(t *testing.T) {
	e := setup(t)
	j := e.cancelRequested(nil)
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		return provider.Snapshot{ID: id, Status: "cancelled"}, nil
	})
	for i := 0; i < 20 && e.get(j.ID).Status == job.Running; i++ {
		e.tick()
		e.clock.Advance(5 * time.Second)
	}
	got := e.get(j.ID)
	_, f, _ := e.prov.calls()
	if got.Status != job.Cancelled || !strings.Contains(got.Error, "OpenAI reported no usage") || f > 10 {
		t.Errorf("usage never reported: %s after %d fetches, want cancelled within a few fetches, saying so", describe(got), f)
	}
}

// TestCancelNotStoppedYetIsAskedAgain: a run the provider still reports
// running after the cancel is asked to stop again at each short recheck.
func TestCancelNotStoppedYetIsAskedAgain(t *testing.T) {
	e := setup(t)
	j := e.cancelRequested(nil)
	e.tick() // at the moment of the request: the service has just asked
	if _, _, c := e.prov.calls(); c != 0 {
		t.Fatalf("%d cancel calls right after the request, want none", c)
	}
	e.clock.Advance(CancelRecheck)
	e.tick()
	got := e.get(j.ID)
	if _, _, c := e.prov.calls(); got.Status != job.Running || c != 1 {
		t.Fatalf("still in progress: %s, %d cancel calls, want running and the cancel sent again", describe(got), c)
	}
	if at, _ := e.w.plannedAt(got); at.Sub(e.clock.Now()) <= 0 || at.Sub(e.clock.Now()) > 5*time.Second {
		t.Errorf("next check at t0+%s, want a short recheck", at.Sub(t0))
	}
	if wait := e.w.Health().NextCheck.Sub(e.clock.Now()); wait <= 0 || wait > 5*time.Second {
		t.Errorf("next check in %s, want a short recheck", wait)
	}
}

// TestCannotCancelKeepsPollingToTheEnd: a provider that cannot stop a run
// (Perplexity) is never asked to; the run is polled at the normal interval
// until it ends, and its report and cost are saved.
func TestCannotCancelKeepsPollingToTheEnd(t *testing.T) {
	e := setup(t)
	e.w = New(e.st, map[string]Provider{"perplexity": noCancel{e.prov}}, e.cfg, Options{Clock: e.clock, Emitter: e.rec, Notifier: e.rec, Logger: e.logger})
	j := e.cancelRequested(func(j *job.Job) { j.Provider = "perplexity"; j.Model = "sonar-deep-research" })
	e.tick()
	got := e.get(j.ID)
	if at, _ := e.w.plannedAt(got); got.Status != job.Running || !at.Equal(e.clock.Now().Add(e.cfg.PollInterval)) {
		t.Fatalf("in progress: %s, next check at t0+%s, want running at the normal interval", describe(got), at.Sub(t0))
	}
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		return provider.Snapshot{ID: id, Status: "completed", Report: "# Tea\nIt is old.",
			Usage: job.Usage{InputTokens: 1_000_000, OutputTokens: 500_000}}, nil
	})
	e.clock.Advance(e.cfg.PollInterval)
	e.tick()
	got = e.get(j.ID)
	if got.Status != job.Completed || got.CostUSD != 30 {
		t.Fatalf("finished: %s cost %v, want completed costing 30", describe(got), got.CostUSD)
	}
	if rep, err := e.st.GetReport(e.ctx, j.ID); err != nil || rep.Markdown != "# Tea\nIt is old." {
		t.Errorf("report = %q, %v; want it saved", rep.Markdown, err)
	}
	if _, _, c := e.prov.calls(); c != 0 {
		t.Errorf("%d cancel calls to a provider that cannot cancel", c)
	}
}

// TestRefreshWithoutTheLease: the service fetches a cancelled run once
// more in any process, leader or not, and the outcome is recorded as a
// poll records it.
func TestRefreshWithoutTheLease(t *testing.T) {
	e := setup(t)
	j := e.cancelRequested(nil)
	used := job.Usage{InputTokens: 1_000_000, OutputTokens: 500_000}
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		return provider.Snapshot{ID: id, Status: "cancelled", Usage: used}, nil
	})
	got, err := e.w.Refresh(context.Background(), j.ID) // no Tick: this worker never took the lease
	if err != nil || got.Status != job.Cancelled || got.CostUSD != 30 {
		t.Fatalf("Refresh = %s cost %v, %v; want cancelled costing 30", describe(got), got.CostUSD, err)
	}
	if ev := e.rec.changedFor(j.ID); len(ev) == 0 || ev[len(ev)-1].Status != job.Cancelled {
		t.Errorf("emitted %v, want the cancelled job", statuses(ev))
	}
}
