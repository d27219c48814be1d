package store

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

func TestCreateJobWithinBudget(t *testing.T) {
	e := setup(t)
	// Spent this month: $3 (a failed-but-billed attempt) + $2 (its retry).
	paid := e.create(job.Job{})
	e.runAttempt(paid.ID, job.Failed, 3)
	e.resubmit(paid.ID)
	e.runAttempt(paid.ID, job.Completed, 2)
	// Last month's spend does not count.
	e.clock.Advance(-30 * 24 * time.Hour)
	old := e.create(job.Job{})
	e.runAttempt(old.ID, job.Completed, 100)
	e.clock.Advance(30 * 24 * time.Hour)

	// Reserved: one queued job with a high estimate of $1.50.
	queued, err := e.submit(check(0, 0, 1.5))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := e.st.GetCharge(e.ctx, queued.ID); err != nil || c.EstimateHighUSD != 1.5 || c.EstimateLowUSD != 0.3 ||
		c.Prices.InputPerMTok != 10 || c.MaxCostUSD != 0 {
		t.Errorf("charge of the queued job = %+v, %v; want the estimate and prices stored", c, err)
	}

	d, err := e.st.CheckBudget(e.ctx, check(10, 0, 3.5))
	if err != nil {
		t.Fatal(err)
	}
	if d.Month != "2025-03" || d.SpentUSD != 5 || d.ReservedUSD != 1.5 || !d.Allowed {
		t.Errorf("CheckBudget = %+v, want 2025-03, spent 5, reserved 1.5, allowed at exactly $10", d)
	}

	before := e.count(`SELECT count(*) FROM jobs`)
	_, err = e.submit(check(10, 0, 3.51))
	var be *cost.BudgetError
	if !errors.As(err, &be) || !errors.Is(err, cost.ErrOverBudget) {
		t.Fatalf("submit over the budget: err = %v, want a *cost.BudgetError", err)
	}
	if be.BudgetUSD != 10 || be.SpentUSD != 5 || be.ReservedUSD != 1.5 || be.EstimateUSD != 3.51 || be.PerJob {
		t.Errorf("BudgetError = %+v, want budget 10, spent 5, reserved 1.5, estimate 3.51", be)
	}
	for _, want := range []string{"$3.51", "$5.00 is spent", "$1.50 is reserved", "$10.00", "Raise the budget in Settings"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not contain %q", err, want)
		}
	}
	if n := e.count(`SELECT count(*) FROM jobs`); n != before {
		t.Errorf("a refused submit wrote a job: %d jobs, want %d", n, before)
	}

	// The per-job cap refuses on the estimate alone.
	_, err = e.submit(check(0, 2, 2.01))
	if !errors.As(err, &be) || !be.PerJob || be.MaxCostUSD != 2 {
		t.Errorf("over the cap: err = %v, want a per-job BudgetError", err)
	}
	capped, err := e.submit(check(0, 2, 1.99))
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := e.st.GetCharge(e.ctx, capped.ID); c.MaxCostUSD != 2 {
		t.Errorf("cap stored = %v, want 2", c.MaxCostUSD)
	}

	// Submitting, running and unconfirmed jobs reserve (the provider may
	// be billing an unconfirmed one); ended ones do not.
	e.update(queued.ID, func(c *job.Job) { c.Status = job.Submitting })
	if d, _ := e.st.CheckBudget(e.ctx, check(0, 0, 0)); d.ReservedUSD != 1.5+1.99 {
		t.Errorf("reserved with one submitting = %v, want 3.49", d.ReservedUSD)
	}
	e.update(queued.ID, func(c *job.Job) { c.Status = job.Unconfirmed })
	e.update(capped.ID, func(c *job.Job) { c.Status = job.Submitting })
	e.update(capped.ID, func(c *job.Job) { c.Status, c.ProviderJobID = job.Running, "resp_capped" })
	if d, _ := e.st.CheckBudget(e.ctx, check(0, 0, 0)); d.ReservedUSD != 1.5+1.99 {
		t.Errorf("reserved with one running, one unconfirmed = %v, want 3.49", d.ReservedUSD)
	}
	e.update(queued.ID, func(c *job.Job) { c.Status = job.Cancelled }) // dismissed
	if d, _ := e.st.CheckBudget(e.ctx, check(0, 0, 0)); d.ReservedUSD != 1.99 {
		t.Errorf("reserved with one running, one dismissed = %v, want 1.99", d.ReservedUSD)
	}
}

func TestResubmitWithinBudget(t *testing.T) {
	e := setup(t)
	j, err := e.submit(check(10, 0, 4))
	if err != nil {
		t.Fatal(err)
	}
	e.runAttempt(j.ID, job.Failed, 7)

	// $7 spent: a $4 retry does not fit in $10.
	_, err = e.st.ResubmitWithinBudget(e.ctx, j.ID, check(10, 0, 4), resubmitFn)
	if !errors.Is(err, cost.ErrOverBudget) || !strings.Contains(err.Error(), "$7.00 is spent") {
		t.Fatalf("resubmit over the budget: err = %v, want a refusal naming $7.00 spent", err)
	}
	if got := e.get(j.ID); got.Status != job.Failed || got.Attempt != 1 {
		t.Errorf("after the refused resubmit: %s attempt %d, want failed attempt 1 (nothing written)", got.Status, got.Attempt)
	}
	// A $3 retry fits, and its estimate replaces the old one.
	got, err := e.st.ResubmitWithinBudget(e.ctx, j.ID, check(10, 2.5, 2.5), resubmitFn)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != job.Queued || got.Attempt != 2 {
		t.Errorf("resubmitted job: %s attempt %d, want queued attempt 2", got.Status, got.Attempt)
	}
	if c, _ := e.st.GetCharge(e.ctx, j.ID); c.EstimateHighUSD != 2.5 || c.MaxCostUSD != 2.5 {
		t.Errorf("charge after resubmit = %+v, want high 2.5 and cap 2.5", c)
	}
	// fn's error comes back as is and nothing is written.
	e.runAttempt(j.ID, job.Cancelled, 0)
	boom := errors.New("changed meanwhile")
	if _, err := e.st.ResubmitWithinBudget(e.ctx, j.ID, check(0, 0, 1), func(*job.Job) error { return boom }); err != boom {
		t.Errorf("fn error: got %v, want it unwrapped", err)
	}
	if c, _ := e.st.GetCharge(e.ctx, j.ID); c.EstimateHighUSD != 2.5 {
		t.Errorf("a failed resubmit changed the charge: %+v", c)
	}
	if _, err := e.st.ResubmitWithinBudget(e.ctx, "nope", check(0, 0, 1), resubmitFn); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: err = %v, want ErrNotFound", err)
	}
}

// TestBudgetRace: many submissions at once, from two goroutine groups on
// two Stores (two processes) over one file, against one budget. Exactly as
// many pass as the budget holds.
func TestBudgetRace(t *testing.T) {
	e := setup(t)
	other := e.open()
	const (
		budget  = 10.0
		each    = 3.0 // three fit, the fourth would reach $12
		perSide = 6
	)
	start := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	passed, refused := 0, 0
	var failures []error
	for _, st := range []*Store{e.st, other} {
		for i := 0; i < perSide; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := st.CreateJobWithinBudget(e.ctx, job.Job{Provider: "openai", Model: "o3-deep-research", Prompt: "race"}, check(budget, 0, each))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					passed++
				case errors.Is(err, cost.ErrOverBudget):
					refused++
				default:
					failures = append(failures, err)
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	for _, err := range failures {
		t.Errorf("unexpected error: %v", err)
	}
	if passed != 3 || refused != 2*perSide-3 {
		t.Errorf("passed %d, refused %d; want 3 and %d", passed, refused, 2*perSide-3)
	}
	if d, _ := e.st.CheckBudget(e.ctx, check(budget, 0, 0)); d.ReservedUSD != 3*each {
		t.Errorf("reserved = %v, want %v", d.ReservedUSD, 3*each)
	}
}

// TestBudgetRaceTwoSubmitsTwoStores is the plain case: one job on each of
// two Stores, either fits alone, both do not.
func TestBudgetRaceTwoSubmitsTwoStores(t *testing.T) {
	e := setup(t)
	stores := []*Store{e.st, e.open()}
	errs := make([]error, 2)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, st := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = st.CreateJobWithinBudget(e.ctx, job.Job{Provider: "openai", Model: "o3-deep-research", Prompt: "one of two"}, check(10, 0, 6))
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !errors.Is(err, cost.ErrOverBudget) {
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 || e.count(`SELECT count(*) FROM jobs`) != 1 {
		t.Errorf("%d submissions passed and %d jobs exist; want exactly one of each", ok, e.count(`SELECT count(*) FROM jobs`))
	}
}

func TestBudgetCheckRefusesAFreeRun(t *testing.T) {
	e := setup(t)
	unknown := check(10, 0, 1)
	unknown.Prices = cost.Prices{}
	bad := check(10, 0, 1)
	bad.Estimate = cost.Range{LowUSD: 2, HighUSD: 1}
	negative := check(10, 0, 1)
	negative.Prices.OutputPerMTok = -40
	for name, c := range map[string]BudgetCheck{"no prices": unknown, "low above high": bad, "a negative price": negative} {
		if _, err := e.submit(c); err == nil {
			t.Errorf("%s: submit passed, want a refusal", name)
		}
		if _, err := e.st.CheckBudget(e.ctx, c); err == nil {
			t.Errorf("%s: CheckBudget passed, want an error", name)
		}
	}
	if _, err := e.submit(unknown); err == nil || !strings.Contains(err.Error(), "DEEPR_PRICES") {
		t.Errorf("unknown model: err = %v, want one naming DEEPR_PRICES", err)
	}
	if n := e.count(`SELECT count(*) FROM jobs`); n != 0 {
		t.Errorf("%d jobs written, want none", n)
	}
}
