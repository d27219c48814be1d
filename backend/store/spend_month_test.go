package store

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

func TestMonthSpend(t *testing.T) {
	e := setup(t)
	// February: one $9 job.
	e.clock.Advance(-20 * 24 * time.Hour) // 2025-02-22
	feb := e.create(job.Job{Prompt: "February research"})
	e.runAttempt(feb.ID, job.Completed, 9)
	e.clock.Advance(20 * 24 * time.Hour) // back to 2025-03-14

	// March: a job billed twice (failed $0.10, then completed $1.20), an
	// o4-mini job, a free failure, a deleted job, and one still running.
	twice := e.create(job.Job{Prompt: "Twice\ndetails"})
	e.runAttempt(twice.ID, job.Failed, 0.1)
	e.clock.Advance(time.Minute)
	e.resubmit(twice.ID)
	e.runAttempt(twice.ID, job.Completed, 1.2)
	e.clock.Advance(time.Minute)
	mini := e.create(job.Job{Model: "o4-mini-deep-research", Prompt: "Mini"})
	e.runAttempt(mini.ID, job.Completed, 0.7)
	e.clock.Advance(time.Minute)
	free := e.create(job.Job{Prompt: "Free failure"})
	e.runAttempt(free.ID, job.Failed, 0)
	e.clock.Advance(time.Minute)
	gone := e.create(job.Job{Prompt: "Gone"})
	e.runAttempt(gone.ID, job.Completed, 2)
	if err := e.st.DeleteJob(e.ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	running, err := e.submit(check(0, 0, 4.5))
	if err != nil {
		t.Fatal(err)
	}
	e.update(running.ID, func(c *job.Job) { c.Status = job.Submitting })

	sp, err := e.st.MonthSpend(e.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if sp.Month != "2025-03" || math.Abs(sp.SpentUSD-4.0) > 1e-9 || sp.ReservedUSD != 4.5 || sp.BudgetUSD != nil {
		t.Errorf("March: month %s spent %v reserved %v budget %v; want 2025-03, 4.0, 4.5, nil", sp.Month, sp.SpentUSD, sp.ReservedUSD, sp.BudgetUSD)
	}
	type row struct {
		id       string
		usd      float64
		attempts int
		deleted  bool
	}
	want := []row{{gone.ID, 2, 1, true}, {free.ID, 0, 1, false}, {mini.ID, 0.7, 1, false}, {twice.ID, 1.2 + 0.1, 2, false}}
	if len(sp.Jobs) != len(want) {
		t.Fatalf("March jobs = %+v, want %d", sp.Jobs, len(want))
	}
	sum := 0.0
	for i, w := range want {
		g := sp.Jobs[i]
		sum += g.CostUSD
		if g.JobID != w.id || math.Abs(g.CostUSD-w.usd) > 1e-12 || g.Attempts != w.attempts || g.Deleted != w.deleted {
			t.Errorf("jobs[%d] = %+v, want %+v", i, g, w)
		}
	}
	if sp.Jobs[3].Title != "Twice" || sp.Jobs[3].Status != job.Completed {
		t.Errorf("jobs[3] title %q status %s, want Twice, completed", sp.Jobs[3].Title, sp.Jobs[3].Status)
	}
	if sum != sp.SpentUSD {
		t.Errorf("spent_usd %v != the sum of the jobs' cost_usd %v", sp.SpentUSD, sum)
	}
	o3, o4 := sp.ByModel["openai/o3-deep-research"], sp.ByModel["openai/o4-mini-deep-research"]
	if math.Abs(o3.SpentUSD-3.3) > 1e-9 || o3.JobCount != 3 || o3.Attempts != 4 || o4.SpentUSD != 0.7 || o4.JobCount != 1 || len(sp.ByModel) != 2 {
		t.Errorf("by_model = %+v, want o3 $3.30 over 3 jobs and 4 attempts, o4-mini $0.70", sp.ByModel)
	}
	var top []string
	for _, j := range sp.Top {
		top = append(top, j.JobID)
	}
	if strings.Join(top, ",") != strings.Join([]string{twice.ID, mini.ID}, ",") {
		t.Errorf("top = %v, want the two paid reports (not the deleted job), most expensive first", top)
	}

	// The JSON contract of `deepr costs --json`.
	sp.SetBudget(10)
	b, _ := json.Marshal(sp)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"month", "spent_usd", "reserved_usd", "budget_usd", "jobs", "by_model", "top"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON %s has no %q", b, k)
		}
	}
	if string(m["budget_usd"]) != "10" || string(m["month"]) != `"2025-03"` {
		t.Errorf("budget_usd %s month %s, want 10 and \"2025-03\"", m["budget_usd"], m["month"])
	}
	var decoded struct {
		Spent float64 `json:"spent_usd"`
		Jobs  []struct {
			Cost float64 `json:"cost_usd"`
		} `json:"jobs"`
	}
	json.Unmarshal(b, &decoded)
	jsum := 0.0
	for _, j := range decoded.Jobs {
		jsum += j.Cost
	}
	if jsum != decoded.Spent {
		t.Errorf("in the JSON, spent_usd %v != sum of jobs[].cost_usd %v", decoded.Spent, jsum)
	}
	sp.SetBudget(0)
	if b, _ := json.Marshal(sp); !strings.Contains(string(b), `"budget_usd":null`) {
		t.Errorf("no budget: JSON %s, want budget_usd null", b)
	}

	// February: its job only, nothing reserved (reservations are now).
	fsp, err := e.st.MonthSpend(e.ctx, "2025-02")
	if err != nil {
		t.Fatal(err)
	}
	if fsp.SpentUSD != 9 || fsp.ReservedUSD != 0 || len(fsp.Jobs) != 1 || fsp.Jobs[0].JobID != feb.ID {
		t.Errorf("February = %+v, want $9 from one job and nothing reserved", fsp)
	}
	// An empty month has empty lists, not nulls.
	jan, err := e.st.MonthSpend(e.ctx, "2025-01")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(jan); !strings.Contains(string(b), `"jobs":[]`) || !strings.Contains(string(b), `"by_model":{}`) || !strings.Contains(string(b), `"top":[]`) {
		t.Errorf("empty month JSON %s, want empty lists", b)
	}
	if _, err := e.st.MonthSpend(e.ctx, "2025-13"); err == nil || !strings.Contains(err.Error(), "YYYY-MM") {
		t.Errorf("bad month: err = %v, want one naming YYYY-MM", err)
	}

	months, err := e.st.SpendMonths(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(months) != 2 || months[0].Month != "2025-03" || math.Abs(months[0].SpentUSD-4) > 1e-9 || months[0].JobCount != 4 ||
		months[1].Month != "2025-02" || months[1].SpentUSD != 9 {
		t.Errorf("SpendMonths = %+v, want March $4 over 4 jobs, then February $9", months)
	}
}

// Issue 25: "Most expensive reports" lists reports only: not a failed job
// without one, not a deleted job, not a helper call.
func TestTopListsReportsOnly(t *testing.T) {
	e := setup(t)
	done := e.create(job.Job{Prompt: "Done"})
	e.runAttempt(done.ID, job.Completed, 1)
	failed := e.create(job.Job{Prompt: "Failed"})
	e.runAttempt(failed.ID, job.Failed, 3)
	gone := e.create(job.Job{Prompt: "Gone"})
	e.runAttempt(gone.ID, job.Completed, 2)
	if err := e.st.DeleteJob(e.ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	r, err := e.reserveAsk(e.st, 0, 6)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.RecordHelperCall(e.ctx, HelperCall{ID: r.ID, Kind: KindAsk, About: done.ID, Provider: "openai", Model: "gpt-4.1-mini",
		Title: QuestionTitle("Which tea?"), CostUSD: 5}); err != nil {
		t.Fatal(err)
	}
	sp, err := e.st.MonthSpend(e.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Top) != 1 || sp.Top[0].JobID != done.ID || len(sp.Jobs) != 4 {
		t.Errorf("top = %+v (of %d jobs), want only the report of %s", sp.Top, len(sp.Jobs), done.ID)
	}
}

func TestTopIsCapped(t *testing.T) {
	e := setup(t)
	for i := 0; i < TopJobs+3; i++ {
		j := e.create(job.Job{})
		e.clock.Advance(time.Minute)
		e.runAttempt(j.ID, job.Completed, float64(i+1))
	}
	sp, err := e.st.MonthSpend(e.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(sp.Top) != TopJobs || sp.Top[0].CostUSD != float64(TopJobs+3) || sp.Top[TopJobs-1].CostUSD != 4 || len(sp.Jobs) != TopJobs+3 {
		t.Errorf("top has %d (first %v, last %v), jobs %d; want %d from $%d down to $4", len(sp.Top), sp.Top[0].CostUSD,
			sp.Top[len(sp.Top)-1].CostUSD, len(sp.Jobs), TopJobs, TopJobs+3)
	}
}

func TestClaimBudgetAlert(t *testing.T) {
	e := setup(t)
	other := e.open()
	if _, due, err := e.st.ClaimBudgetAlert(e.ctx, 10); err != nil || due {
		t.Fatalf("nothing spent: due %v err %v, want not due", due, err)
	}
	j := e.create(job.Job{})
	e.runAttempt(j.ID, job.Completed, 7.99)
	if _, due, _ := e.st.ClaimBudgetAlert(e.ctx, 10); due {
		t.Error("at 79.9%: due, want not")
	}
	k := e.create(job.Job{})
	e.runAttempt(k.ID, job.Completed, 0.01)
	a, due, err := e.st.ClaimBudgetAlert(e.ctx, 10)
	if err != nil || !due || a.Month != "2025-03" || math.Abs(a.SpentUSD-8) > 1e-9 || a.BudgetUSD != 10 {
		t.Fatalf("at 80%%: %+v due %v err %v, want due for 2025-03 at $8", a, due, err)
	}
	if !strings.Contains(a.Message(), "$8.00 of your $10.00 monthly budget") {
		t.Errorf("message %q", a.Message())
	}
	// Once a month, across processes.
	if _, due, _ := other.ClaimBudgetAlert(e.ctx, 10); due {
		t.Error("second claim in the same month (another Store): due, want not")
	}
	if _, due, _ := e.st.ClaimBudgetAlert(e.ctx, 0); due {
		t.Error("no budget: due")
	}
	// Next month starts afresh and is due again once spend passes 80%.
	e.clock.Advance(20 * 24 * time.Hour)
	if _, due, _ := e.st.ClaimBudgetAlert(e.ctx, 10); due {
		t.Error("April with nothing spent: due")
	}
	l := e.create(job.Job{})
	e.runAttempt(l.ID, job.Completed, 9)
	if a, due, _ := other.ClaimBudgetAlert(e.ctx, 10); !due || a.Month != "2025-04" {
		t.Errorf("April at 90%%: %+v due %v, want due", a, due)
	}
}
