package worker

import (
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

// queueUnder queues a job of prov whose high estimate is high dollars,
// under a monthly budget of budget dollars, one second after the last
// (so the order of queueing is the order of sending).
func (e *env) queueUnder(prov string, budget, high float64) job.Job {
	e.t.Helper()
	e.clock.Advance(time.Second)
	j, err := e.st.CreateJobWithinBudget(e.ctx, job.Job{Provider: prov, Model: "o3-deep-research", Prompt: "Research the history of tea",
		Options: job.Options{WebSearch: true, MaxToolCalls: 40}, NextPollAt: e.clock.Now()},
		store.BudgetCheck{Budget: cost.Budget{MonthlyUSD: budget}, Estimate: cost.Range{LowUSD: high / 10, HighUSD: high},
			Prices: cost.Prices{Provider: prov, Model: "o3-deep-research", InputPerMTok: 10, OutputPerMTok: 40}})
	if err != nil {
		e.t.Fatalf("queueing a $%v job under $%v: %v", high, budget, err)
	}
	return j
}

// paid records a finished attempt of usd dollars this month.
func (e *env) paid(usd float64) {
	e.t.Helper()
	j := e.mkJob(job.Queued, nil)
	e.update(j.ID, func(c *job.Job) { c.Status = job.Submitting })
	now := e.clock.Now()
	e.update(j.ID, func(c *job.Job) { c.Status, c.CostUSD, c.FinishedAt = job.Failed, usd, &now })
}

func submitsOf(p *fakeProvider) int { n, _, _ := p.calls(); return n }

// A budget lowered while jobs wait holds for them: three $10 jobs queued
// under $40, the budget lowered to $12: only the oldest is sent, the
// others stay queued (without a write, told once) until the budget rises.
func TestALoweredBudgetHoldsQueuedJobs(t *testing.T) {
	for _, n := range fleet {
		t.Run(n.Name, func(t *testing.T) {
			e, fakes := setupFleet(t)
			var ids []string
			for range 3 {
				ids = append(ids, e.queueUnder(n.Name, 40, 10).ID)
			}
			e.w.SetBudget(12)
			e.tick()
			if got := submitsOf(fakes[n.Name]); got != 1 {
				t.Fatalf("%d jobs sent under $12, want 1", got)
			}
			if j := e.get(ids[0]); j.Status != job.Running {
				t.Errorf("the oldest job is %s, want it sent first", j.Status)
			}
			held := map[string]int64{}
			for _, id := range ids[1:] {
				j := e.get(id)
				if j.Status != job.Queued || j.Version != 1 {
					t.Errorf("job %s: %s version %d, want still queued and unwritten", id, j.Status, j.Version)
				}
				if len(e.rec.changedFor(id)) != 1 {
					t.Errorf("job %s emitted %d times, want once (so the faces show why it waits)", id, len(e.rec.changedFor(id)))
				}
				held[id] = j.Version
			}
			// Not looked at again in a loop: polls of the running job come
			// and go, the held jobs stay as they are.
			for range 5 {
				e.clock.Advance(time.Minute)
				e.tick()
			}
			if got := submitsOf(fakes[n.Name]); got != 1 {
				t.Errorf("%d jobs sent after more passes, want still 1", got)
			}
			for id, v := range held {
				if j := e.get(id); j.Version != v || len(e.rec.changedFor(id)) != 1 {
					t.Errorf("job %s written or emitted again while held: version %d, %d events", id, j.Version, len(e.rec.changedFor(id)))
				}
			}
			e.w.SetBudget(40)
			e.tick()
			if got := submitsOf(fakes[n.Name]); got != 3 {
				t.Errorf("%d jobs sent after the budget rose to $40, want 3", got)
			}
		})
	}
}

// With every create ambiguous, five $10 jobs under $12: an unconfirmed job
// may be running and billing, so it keeps its reservation and only one
// job ever reaches the provider.
func TestUnconfirmedJobsKeepTheirReservationAtSendTime(t *testing.T) {
	for _, n := range fleet {
		t.Run(n.Name, func(t *testing.T) {
			e, fakes := setupFleet(t)
			fakes[n.Name].setSubmit(func(provider.Request) (string, error) {
				return "", &provider.Error{Kind: provider.KindAmbiguous, Op: "create", HTTPStatus: 500, Message: "The server had an error."}
			})
			var ids []string
			for range 5 {
				ids = append(ids, e.queueUnder(n.Name, 60, 10).ID)
			}
			e.w.SetBudget(12)
			for range 5 {
				e.tick()
				e.clock.Advance(time.Minute)
			}
			if got := submitsOf(fakes[n.Name]); got != 1 {
				t.Errorf("%d creates reached %s under $12, want 1", got, n.Name)
			}
			if j := e.get(ids[0]); j.Status != job.Unconfirmed {
				t.Errorf("the first job is %s, want unconfirmed", j.Status)
			}
			for _, id := range ids[1:] {
				if j := e.get(id); j.Status != job.Queued {
					t.Errorf("job %s is %s, want queued", id, j.Status)
				}
			}
		})
	}
}

// A held job goes as soon as money is free: the sent job ended.
func TestAnEndedJobLetsAHeldJobGo(t *testing.T) {
	for _, n := range fleet {
		t.Run(n.Name, func(t *testing.T) {
			e, fakes := setupFleet(t)
			first := e.queueUnder(n.Name, 40, 10)
			second := e.queueUnder(n.Name, 40, 10)
			e.w.SetBudget(12)
			e.tick()
			if e.get(first.ID).Status != job.Running || e.get(second.ID).Status != job.Queued {
				t.Fatalf("first %s, second %s; want running and queued", e.get(first.ID).Status, e.get(second.ID).Status)
			}
			fakes[n.Name].setFetch(func(id string) (provider.Snapshot, error) {
				return provider.Snapshot{ID: id, Status: provider.StatusFailed, ErrorMessage: "the model failed"}, nil
			})
			e.clock.Advance(time.Minute) // the running job's poll is due
			e.tick()
			e.tick()
			if j := e.get(first.ID); j.Status != job.Failed {
				t.Fatalf("first job %s, want failed", j.Status)
			}
			if j := e.get(second.ID); j.Status != job.Running || submitsOf(fakes[n.Name]) != 2 {
				t.Errorf("held job %s after the first ended (%d creates), want sent", j.Status, submitsOf(fakes[n.Name]))
			}
		})
	}
}

// A cancel or a delete by another process frees money too: the change
// feed sees it.
func TestACancelElsewhereLetsAHeldJobGo(t *testing.T) {
	e, fakes := setupFleet(t)
	first := e.queueUnder("gemini", 40, 10)
	second := e.queueUnder("gemini", 40, 10)
	e.w.SetBudget(12)
	e.tick()
	other := e.openStore()
	if _, err := other.Update(e.ctx, first.ID, func(c *job.Job) error { c.Status = job.Cancelled; return nil }); err != nil {
		t.Fatal(err)
	}
	e.tick()
	e.tick()
	if j := e.get(second.ID); j.Status != job.Running || submitsOf(fakes["gemini"]) != 2 {
		t.Errorf("held job %s after the other was cancelled, want sent", j.Status)
	}
}

// A job held for the budget is not left to expire silently: the next
// check is planned for just after its maximum age, and then it fails
// saying it never fitted the budget and what to do.
func TestAHeldJobGivesUpSayingWhy(t *testing.T) {
	for _, n := range fleet {
		t.Run(n.Name, func(t *testing.T) {
			e, fakes := setupFleet(t)
			e.paid(5)
			j := e.queueUnder(n.Name, 40, 10)
			e.w.SetBudget(12)
			e.tick()
			if got := e.get(j.ID); got.Status != job.Queued || submitsOf(fakes[n.Name]) != 0 {
				t.Fatalf("job %s with $5 spent, a $10 estimate and $12 budget; want held", got.Status)
			}
			want := j.QueuedAt.Add(24*time.Hour + time.Second)
			if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(want) {
				t.Errorf("next check %v, want %v (just after the job's maximum age)", h.NextCheck, want)
			}
			e.clock.Advance(want.Sub(e.clock.Now()))
			e.tick()
			got := e.get(j.ID)
			if got.Status != job.Failed || submitsOf(fakes[n.Name]) != 0 {
				t.Fatalf("job %s (%d creates) after its maximum age, want failed unsent", got.Status, submitsOf(fakes[n.Name]))
			}
			for _, part := range []string{"gave up after 24h0m0s", "did not fit the monthly budget", "$10.00", "$5.00", "$12.00", "Nothing was billed", "Raise the budget in Settings"} {
				if !strings.Contains(got.Error, part) {
					t.Errorf("error %q does not say %q", got.Error, part)
				}
			}
			if len(e.rec.finishedFor(j.ID)) != 1 {
				t.Error("the user was not notified that the job was given up")
			}
		})
	}
}

// Each attempt has its own clock: a job created more than the maximum age
// ago and resubmitted now is sent, not failed unsent.
func TestAResubmitTheNextDayIsSent(t *testing.T) {
	for _, n := range fleet {
		t.Run(n.Name, func(t *testing.T) {
			e, fakes := setupFleet(t)
			j := e.jobOf(n.Name, job.Queued)
			e.update(j.ID, func(c *job.Job) { c.Status = job.Cancelled })
			e.clock.Advance(25 * time.Hour)
			e.update(j.ID, func(c *job.Job) { c.Status, c.Attempt, c.NextPollAt = job.Queued, c.Attempt+1, e.clock.Now() })
			e.tick()
			got := e.get(j.ID)
			if got.Status != job.Running || submitsOf(fakes[n.Name]) != 1 {
				t.Errorf("a resubmit 25h after creation: %s (%q), %d creates; want sent", got.Status, got.Error, submitsOf(fakes[n.Name]))
			}
			// The attempt's own clock still runs out.
			k := e.jobOf(n.Name, job.Queued)
			e.clock.Advance(24*time.Hour + time.Minute)
			e.tick()
			if got := e.get(k.ID); got.Status != job.Failed || !strings.Contains(got.Error, "gave up after 24h0m0s") {
				t.Errorf("a job queued 24h ago without a slot: %s %q, want given up", got.Status, got.Error)
			}
		})
	}
}
