package store

import (
	"errors"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

// unconfirm takes a queued job to unconfirmed, as an ambiguous create does.
func (e *env) unconfirm(id string) job.Job {
	e.t.Helper()
	e.update(id, func(c *job.Job) { c.Status = job.Submitting })
	return e.update(id, func(c *job.Job) { c.Status = job.Unconfirmed })
}

// wantOver fails unless err is a monthly-budget refusal.
func wantOver(t *testing.T, what string, err error) *cost.BudgetError {
	t.Helper()
	var be *cost.BudgetError
	if !errors.As(err, &be) || be.PerJob {
		t.Fatalf("%s: err = %v, want a refusal by the monthly budget", what, err)
	}
	return be
}

// An unconfirmed job may be running and billing at the provider: its
// reservation holds until it is adopted (still held, now as running),
// dismissed or deleted.
func TestUnconfirmedKeepsItsReservation(t *testing.T) {
	for _, end := range []string{"dismissed", "adopted", "deleted"} {
		t.Run(end, func(t *testing.T) {
			e := setup(t)
			first, err := e.submit(check(12, 0, 10))
			if err != nil {
				t.Fatal(err)
			}
			e.unconfirm(first.ID)
			be := wantOver(t, "a second $10 job while the first is unconfirmed", func() error { _, err := e.submit(check(12, 0, 10)); return err }())
			if be.ReservedUSD != 10 {
				t.Errorf("reserved = %v, want the unconfirmed job's $10", be.ReservedUSD)
			}
			if sp, err := e.st.MonthSpend(e.ctx, ""); err != nil || sp.ReservedUSD != 10 {
				t.Errorf("the month's reserved = %v (%v), want $10", sp.ReservedUSD, err)
			}
			switch end {
			case "dismissed":
				e.update(first.ID, func(c *job.Job) { c.Status = job.Cancelled })
			case "adopted":
				e.update(first.ID, func(c *job.Job) { c.Status, c.ProviderJobID = job.Running, "resp_found" })
				wantOver(t, "a second $10 job while the first runs", func() error { _, err := e.submit(check(12, 0, 10)); return err }())
				return
			case "deleted":
				if err := e.st.DeleteJob(e.ctx, first.ID); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := e.submit(check(12, 0, 10)); err != nil {
				t.Errorf("after the unconfirmed job was %s: %v, want its reservation released", end, err)
			}
		})
	}
}

// Resubmitting an unconfirmed job does not forget its first run: that run
// may be billing, so its estimate stays reserved for its month, counted in
// the resubmit's own check.
func TestResubmitOfAnUnconfirmedJobKeepsTheFirstReservation(t *testing.T) {
	e := setup(t)
	first, err := e.submit(check(15, 0, 10))
	if err != nil {
		t.Fatal(err)
	}
	e.unconfirm(first.ID)
	_, err = e.st.ResubmitWithinBudget(e.ctx, first.ID, check(15, 0, 10), resubmitFn)
	be := wantOver(t, "resubmitting a $10 unconfirmed job under $15", err)
	if be.ReservedUSD != 10 {
		t.Errorf("reserved = %v, want the first run's $10", be.ReservedUSD)
	}
	if n := e.count(`SELECT count(*) FROM attempts WHERE unconfirmed_reserve_usd > 0`); n != 0 {
		t.Errorf("a refused resubmit kept %d reservations, want none written", n)
	}
	j, err := e.st.ResubmitWithinBudget(e.ctx, first.ID, check(25, 0, 10), resubmitFn)
	if err != nil || j.Status != job.Queued || j.Attempt != 2 {
		t.Fatalf("resubmit under $25 = %s attempt %d, %v", j.Status, j.Attempt, err)
	}
	be = wantOver(t, "a $10 job next to both runs", func() error { _, err := e.submit(check(25, 0, 10)); return err }())
	if be.ReservedUSD != 20 {
		t.Errorf("reserved = %v, want $20 (the first run and the queued attempt)", be.ReservedUSD)
	}
	e.clock.Advance(31 * 24 * time.Hour) // the first run belongs to last month
	if _, err := e.submit(check(25, 0, 10)); err != nil {
		t.Errorf("next month: %v, want only the queued attempt reserved", err)
	}
}

// The cap is the job's: it is read with the job and kept by a resubmit.
func TestTheCapTravelsWithTheJob(t *testing.T) {
	e := setup(t)
	j, err := e.submit(check(0, 5, 4))
	if err != nil {
		t.Fatal(err)
	}
	if j.MaxCostUSD != 5 || e.get(j.ID).MaxCostUSD != 5 {
		t.Errorf("cap returned %v, stored %v; want 5", j.MaxCostUSD, e.get(j.ID).MaxCostUSD)
	}
	e.runAttempt(j.ID, job.Failed, 0.5)
	j, err = e.st.ResubmitWithinBudget(e.ctx, j.ID, check(0, 5, 4), resubmitFn)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := e.st.GetCharge(e.ctx, j.ID)
	if j.MaxCostUSD != 5 || e.get(j.ID).MaxCostUSD != 5 || c.MaxCostUSD != 5 {
		t.Errorf("after a resubmit: cap returned %v, stored %v, charge %v; want 5", j.MaxCostUSD, e.get(j.ID).MaxCostUSD, c.MaxCostUSD)
	}
	// Another update keeps it.
	if got := e.update(j.ID, func(c *job.Job) { c.Error = "x" }); got.MaxCostUSD != 5 {
		t.Errorf("an update dropped the cap: %v", got.MaxCostUSD)
	}
}

// A queued job is checked again when it is about to be sent, against the
// budget in force then: spent + what jobs already sent reserve + its own
// estimate. Queued jobs do not hold each other back.
func TestClaimWithinBudget(t *testing.T) {
	e := setup(t)
	var ids []string
	for range 3 {
		j, err := e.submit(check(40, 0, 10))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	claim := func(id string, budget float64) (job.Job, error) {
		return e.st.ClaimWithinBudget(e.ctx, id, budget, func(c *job.Job) error { c.Status = job.Submitting; return nil })
	}
	// The budget is lowered to $12: the newest goes first here, the others
	// do not hold it back.
	if j, err := claim(ids[2], 12); err != nil || j.Status != job.Submitting {
		t.Fatalf("claim of the third job under $12 = %s, %v; want it sent (queued jobs do not count)", j.Status, err)
	}
	for _, id := range ids[:2] {
		before := e.get(id)
		_, err := claim(id, 12)
		be := wantOver(t, "a second $10 job under $12", err)
		if be.ReservedUSD != 10 || be.EstimateUSD != 10 || be.BudgetUSD != 12 {
			t.Errorf("refusal = %+v, want $10 reserved by the sent job, $10 estimate, $12 budget", be)
		}
		if got := e.get(id); got.Version != before.Version || got.Status != job.Queued {
			t.Errorf("a refused claim wrote the job: %s version %d, want queued version %d", got.Status, got.Version, before.Version)
		}
		d, err := e.st.SendDecision(e.ctx, id, 12)
		if err != nil || d.Allowed || d.ReservedUSD != 10 || d.Estimate.HighUSD != 10 {
			t.Errorf("SendDecision = %+v, %v; want refused with $10 reserved", d, err)
		}
	}
	// An unconfirmed job counts as sent; a finished one by what it cost.
	e.update(ids[2], func(c *job.Job) { c.Status = job.Unconfirmed })
	if _, err := claim(ids[0], 19.99); err == nil {
		t.Error("claim next to a $10 unconfirmed job under $19.99 passed")
	}
	e.update(ids[2], func(c *job.Job) { c.Status = job.Cancelled })
	paid := e.create(job.Job{})
	e.runAttempt(paid.ID, job.Completed, 3)
	if _, err := claim(ids[0], 12.99); err == nil {
		t.Error("claim of a $10 job with $3 spent under $12.99 passed")
	}
	if j, err := claim(ids[0], 13); err != nil || j.Status != job.Submitting {
		t.Errorf("claim at exactly the budget = %s, %v; want sent", j.Status, err)
	}
	// No budget: anything goes.
	if j, err := claim(ids[1], 0); err != nil || j.Status != job.Submitting {
		t.Errorf("claim without a budget = %s, %v", j.Status, err)
	}
	if _, err := e.st.SendDecision(e.ctx, "nope", 12); !errors.Is(err, ErrNotFound) {
		t.Errorf("SendDecision of a missing job = %v, want ErrNotFound", err)
	}
}

// Each attempt has its own clock: queued_at is set on creation and on every
// new attempt, and never moved by other updates.
func TestQueuedAtPerAttempt(t *testing.T) {
	e := setup(t)
	created := e.clock.Now()
	j := e.create(job.Job{})
	if !j.QueuedAt.Equal(created) || !e.get(j.ID).QueuedAt.Equal(created) {
		t.Errorf("queued_at of a new job = %v, want its creation %v", e.get(j.ID).QueuedAt, created)
	}
	e.clock.Advance(25 * time.Hour)
	e.update(j.ID, func(c *job.Job) { c.Status = job.Cancelled })
	if got := e.get(j.ID); !got.QueuedAt.Equal(created) {
		t.Errorf("an update moved queued_at to %v", got.QueuedAt)
	}
	resubmitted := e.clock.Now()
	j = e.resubmit(j.ID)
	if got := e.get(j.ID); !j.QueuedAt.Equal(resubmitted) || !got.QueuedAt.Equal(resubmitted) || !got.CreatedAt.Equal(created) {
		t.Errorf("after a resubmit: queued_at %v (returned %v), created %v; want %v and %v", got.QueuedAt, j.QueuedAt, got.CreatedAt, resubmitted, created)
	}
}

// A database from before queued_at gives each job its created_at.
func TestMigrateQueuedAt(t *testing.T) {
	e, db, jobs, _ := oldSchema(t, 6)
	if _, err := db.Exec("PRAGMA user_version = 6"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	e.st = e.open()
	for id, want := range jobs {
		if got := e.get(id); !got.QueuedAt.Equal(want.CreatedAt) {
			t.Errorf("job %s: queued_at %v after migrating, want its created_at %v", id, got.QueuedAt, want.CreatedAt)
		}
	}
}
