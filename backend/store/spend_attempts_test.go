package store

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

func TestAttemptsKeepEveryCost(t *testing.T) {
	type step struct {
		do   string // "run" (queued -> end), "resubmit", "dismiss", "cancel"
		end  job.Status
		usd  float64
		want []float64 // the costs kept per attempt after the step
		cur  float64   // jobs.cost_usd after the step
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"one completed attempt", []step{{do: "run", end: job.Completed, usd: 2.5, want: []float64{2.5}, cur: 2.5}}},
		{"failed but billed, then completed", []step{
			{do: "run", end: job.Failed, usd: 1.25, want: []float64{1.25}, cur: 1.25},
			{do: "resubmit", want: []float64{1.25}, cur: 0},
			{do: "run", end: job.Completed, usd: 3, want: []float64{1.25, 3}, cur: 3},
		}},
		{"cancelled while running, resubmitted twice", []step{
			{do: "run", end: job.Cancelled, usd: 0.4, want: []float64{0.4}, cur: 0.4},
			{do: "resubmit", want: []float64{0.4}},
			{do: "run", end: job.Failed, usd: 0, want: []float64{0.4, 0}},
			{do: "resubmit", want: []float64{0.4, 0}},
			{do: "run", end: job.Incomplete, usd: 5.5, want: []float64{0.4, 0, 5.5}, cur: 5.5},
		}},
		{"unconfirmed then dismissed is one attempt", []step{
			{do: "unconfirmed", want: []float64{0}},
			{do: "dismiss", want: []float64{0}},
		}},
		{"cancelled while queued keeps nothing", []step{{do: "cancel", want: []float64{}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := setup(t)
			j := e.create(job.Job{})
			for i, s := range c.steps {
				e.clock.Advance(time.Minute)
				switch s.do {
				case "run":
					j = e.runAttempt(j.ID, s.end, s.usd)
				case "resubmit":
					j = e.resubmit(j.ID)
				case "unconfirmed":
					e.update(j.ID, func(c *job.Job) { c.Status = job.Submitting })
					j = e.update(j.ID, func(c *job.Job) { c.Status = job.Unconfirmed })
				case "dismiss", "cancel":
					fin := e.clock.Now()
					j = e.update(j.ID, func(c *job.Job) { c.Status = job.Cancelled; c.FinishedAt = &fin })
				}
				as, err := e.st.Attempts(e.ctx, j.ID)
				if err != nil {
					t.Fatal(err)
				}
				got := []float64{}
				for k, a := range as {
					got = append(got, a.CostUSD)
					if a.Attempt != k+1 || a.JobID != j.ID || a.Provider != "openai" || a.Model != "o3-deep-research" || a.Title != j.Title() {
						t.Errorf("step %d: attempt %d = %+v", i, k+1, a)
					}
				}
				if !sameFloats(got, s.want) {
					t.Errorf("step %d (%s): attempt costs %v, want %v", i, s.do, got, s.want)
				}
				if j.CostUSD != s.cur {
					t.Errorf("step %d (%s): jobs.cost_usd = %v, want %v (the current attempt's)", i, s.do, j.CostUSD, s.cur)
				}
			}
		})
	}
}

func TestAttemptRecordsHowItEnded(t *testing.T) {
	e := setup(t)
	j := e.create(job.Job{})
	start := e.clock.Now()
	e.clock.Advance(time.Hour)
	j = e.runAttempt(j.ID, job.Completed, 1.5)
	as, err := e.st.Attempts(e.ctx, j.ID)
	if err != nil || len(as) != 1 {
		t.Fatalf("Attempts = %v, %v; want one", as, err)
	}
	a := as[0]
	if a.Status != job.Completed || a.Usage != j.Usage || a.StartedAt == nil || !a.StartedAt.Equal(start.Add(time.Hour)) ||
		!a.FinishedAt.Equal(*j.FinishedAt) {
		t.Errorf("attempt = %+v, want completed with the job's usage and times (job %+v)", a, j)
	}
	// A later change of an ended attempt's cost (a correction) is kept too.
	j = e.update(j.ID, func(c *job.Job) { c.CostUSD = 1.75 })
	if as, _ := e.st.Attempts(e.ctx, j.ID); len(as) != 1 || as[0].CostUSD != 1.75 {
		t.Errorf("after correcting the cost: attempts %+v, want one of $1.75", as)
	}
}

func TestResubmitMustStartANewAttempt(t *testing.T) {
	e := setup(t)
	j := e.create(job.Job{})
	e.runAttempt(j.ID, job.Failed, 2)
	_, err := e.st.Update(e.ctx, j.ID, func(c *job.Job) error { c.Status = job.Queued; c.CostUSD = 0; return nil })
	if err == nil || !strings.Contains(err.Error(), "new attempt") {
		t.Fatalf("requeue without a new attempt: err = %v, want a refusal", err)
	}
	if as, _ := e.st.Attempts(e.ctx, j.ID); len(as) != 1 || as[0].CostUSD != 2 {
		t.Errorf("attempts after the refused requeue: %+v, want the $2 one kept", as)
	}
	if got := e.get(j.ID); got.Status != job.Failed {
		t.Errorf("status = %s, want failed (nothing written)", got.Status)
	}
}

func TestDeletedJobKeepsItsCost(t *testing.T) {
	e := setup(t)
	j := e.create(job.Job{Prompt: "Soon deleted\nmore"})
	e.runAttempt(j.ID, job.Completed, 4)
	if err := e.st.DeleteJob(e.ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	as, err := e.st.Attempts(e.ctx, j.ID)
	if err != nil || len(as) != 1 || as[0].CostUSD != 4 || as[0].Title != "Soon deleted" {
		t.Errorf("attempts of a deleted job = %+v, %v; want the $4 attempt titled %q", as, err, "Soon deleted")
	}
	sp, err := e.st.MonthSpend(e.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if sp.SpentUSD != 4 || len(sp.Jobs) != 1 || !sp.Jobs[0].Deleted || sp.Jobs[0].Title != "Soon deleted" {
		t.Errorf("month spend after delete = %+v, want $4 from the deleted job", sp)
	}
}

func TestCostHistory(t *testing.T) {
	e := setup(t)
	add := func(model string, end job.Status, usd float64) {
		j := e.create(job.Job{Model: model})
		e.clock.Advance(time.Minute)
		e.runAttempt(j.ID, end, usd)
	}
	add("o3-deep-research", job.Completed, 1)
	add("o3-deep-research-2025-06-26", job.Completed, 2)
	add("o3-deep-research", job.Incomplete, 3)
	add("o3-deep-research", job.Failed, 50)    // failed runs do not calibrate
	add("o3-deep-research", job.Cancelled, 60) // nor cancelled ones
	add("o3-deep-research", job.Completed, 0)  // nor free ones
	add("o4-mini-deep-research", job.Completed, 0.5)
	h, err := e.st.CostHistory(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := costsOf(h["openai/o3-deep-research"]); !sameFloats(got, []float64{3, 2, 1}) {
		t.Errorf("o3 history = %v, want [3 2 1] (newest first, dated snapshot included)", got)
	}
	if got := costsOf(h["openai/o4-mini-deep-research"]); !sameFloats(got, []float64{0.5}) {
		t.Errorf("o4-mini history = %v, want [0.5]", got)
	}
}

func costsOf(runs []cost.Run) []float64 {
	out := []float64{}
	for _, r := range runs {
		out = append(out, r.CostUSD)
	}
	return out
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12 {
			return false
		}
	}
	return true
}
