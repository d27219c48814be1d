package research_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// usd writes dollars as a setting value.
func usd(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// With every create ambiguous, five jobs submitted one after another under
// a budget one of them fits: the first stays unconfirmed (the provider may
// be running and billing it) and keeps its reservation, so the other four
// are refused and only one run ever reaches the provider.
func TestUnconfirmedJobsKeepTheirReservation(t *testing.T) {
	marker := map[string]string{"openai": "[[fake:create500]]", "azure": "[[fake:create500]]",
		"gemini": "[[fake:create500]]", "perplexity": "[[fake:create500-always]]"}
	for _, prov := range providerOrder {
		t.Run(prov, func(t *testing.T) {
			p := newBudgetProc(t, nil)
			r := request(prov, marker[prov]+" heat pumps in cold climates")
			high := p.high(r)
			p.set("DEEPR_MONTHLY_BUDGET", usd(high*1.5)) // one fits
			var sent []string
			for i := range 5 {
				res, err := p.svc.Submit(p.ctx, r)
				if i == 0 && err != nil {
					t.Fatalf("the first job: %v", err)
				}
				if i > 0 {
					wantError(t, err, research.ErrOverBudget, "budget")
				}
				if err == nil {
					sent = append(sent, res.Job.ID)
				}
				p.tick()
			}
			if j := p.get(sent[0]); j.Status != job.Unconfirmed {
				t.Fatalf("the first job is %s, want unconfirmed", j.Status)
			}
			if n := p.creates[prov](); n != 1 {
				t.Errorf("%d runs reached %s, want 1", n, prov)
			}
			// Dismissing it releases the reservation.
			if _, err := p.svc.Dismiss(p.ctx, sent[0]); err != nil {
				t.Fatal(err)
			}
			if _, err := p.svc.Submit(p.ctx, request(prov, "after the dismissal")); err != nil {
				t.Errorf("after dismissing the unconfirmed job: %v", err)
			}
		})
	}
}

// A budget lowered while jobs wait holds for them: three jobs queued under
// a budget they all fit, the budget lowered so one fits: one is sent, the
// others wait saying why and what to do, and go once it is raised again.
func TestALoweredBudgetHoldsQueuedJobs(t *testing.T) {
	for _, prov := range providerOrder {
		t.Run(prov, func(t *testing.T) {
			p := newBudgetProc(t, nil)
			r := request(prov, "district heating in Denmark")
			high := p.high(r)
			p.set("DEEPR_MONTHLY_BUDGET", usd(high*3.5))
			var ids []string
			for range 3 {
				res, err := p.svc.Submit(p.ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, res.Job.ID)
				p.clock.advance(time.Second)
			}
			p.set("DEEPR_MONTHLY_BUDGET", usd(high*1.5))
			p.tick()
			p.tick()
			if n := p.creates[prov](); n != 1 {
				t.Fatalf("%d jobs reached %s after the budget was lowered, want 1", n, prov)
			}
			if j := p.get(ids[0]); j.Status != job.Running {
				t.Errorf("the oldest job is %s, want running", j.Status)
			}
			for _, id := range ids[1:] {
				j := p.get(id)
				if j.Status != job.Queued {
					t.Fatalf("job %s is %s, want queued", id, j.Status)
				}
				for _, part := range []string{"monthly budget", "Raise the budget in Settings", "cancel", "the maximum job age"} {
					if !strings.Contains(j.Waiting, part) {
						t.Errorf("waiting reason %q does not say %q", j.Waiting, part)
					}
				}
				noCLI(t, j.Waiting)
			}
			p.set("DEEPR_MONTHLY_BUDGET", usd(high*3.5))
			p.tick()
			if n := p.creates[prov](); n != 3 {
				t.Errorf("%d jobs reached %s after the budget was raised, want 3", n, prov)
			}
		})
	}
}

// Each attempt has its own clock: a job resubmitted more than the maximum
// job age after it was created is sent, not failed unsent.
func TestAResubmitTheNextDayIsSent(t *testing.T) {
	for _, prov := range providerOrder {
		t.Run(prov, func(t *testing.T) {
			p := newBudgetProc(t, nil)
			res, err := p.svc.Submit(p.ctx, request(prov, "solar canals in Gujarat"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.svc.Cancel(p.ctx, res.Job.ID); err != nil {
				t.Fatal(err)
			}
			p.clock.advance(25 * time.Hour)
			j, err := p.svc.Resubmit(p.ctx, res.Job.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !j.QueuedAt.Equal(p.clock.Now()) || !j.CreatedAt.Equal(t0) {
				t.Errorf("resubmitted: queued at %v, created %v; want now and the first day", j.QueuedAt, j.CreatedAt)
			}
			p.tick()
			if j := p.get(j.ID); j.Status != job.Running || p.creates[prov]() != 1 {
				t.Errorf("a resubmit 25h after creation: %s %q with %d creates, want sent", j.Status, j.Error, p.creates[prov]())
			}
		})
	}
}

// The cap is the job's: a resubmit and an edit keep it, and are refused
// where a fresh submit with the same cap is.
func TestResubmitAndEditKeepTheCap(t *testing.T) {
	for _, prov := range providerOrder {
		t.Run(prov, func(t *testing.T) {
			p := newBudgetProc(t, nil)
			r := request(prov, "the economics of offshore wind")
			key := prov + "/" + fleetModels[prov]
			p.set("DEEPR_PRICES", fmt.Sprintf(`{%q: {"input_per_mtok": 0.01, "cached_input_per_mtok": 0.01, "output_per_mtok": 0.01, "web_search_per_1k": 0.01}}`, key))
			capped := r
			capped.MaxCostUSD = 5
			res, err := p.svc.Submit(p.ctx, capped) // cheap then: it fits its $5 cap
			if err != nil {
				t.Fatal(err)
			}
			if res.Job.MaxCostUSD != 5 {
				t.Errorf("the job's cap = %v, want 5", res.Job.MaxCostUSD)
			}
			if _, err := p.svc.Cancel(p.ctx, res.Job.ID); err != nil {
				t.Fatal(err)
			}
			p.set("DEEPR_PRICES", "")               // today's prices again
			d, err := p.svc.Estimate(p.ctx, capped) // what a fresh submit with the same cap meets
			if err != nil {
				t.Fatal(err)
			}
			if fleetModels[prov] == "o3-deep-research" && d.Allowed {
				t.Fatalf("a fresh o3 submit with a $5 cap is allowed (estimate %+v): the test needs one it refuses", d.Estimate)
			}
			same := func(what string, j job.Job, err error) {
				t.Helper()
				if d.Allowed {
					if err != nil || j.MaxCostUSD != 5 {
						t.Errorf("%s: cap %v, %v; want allowed with the $5 cap, as a fresh submit is", what, j.MaxCostUSD, err)
					}
					return
				}
				e := wantError(t, err, research.ErrOverBudget, "budget")
				if e.Msg != d.Refusal {
					t.Errorf("%s refused with %q, want what a fresh submit with the $5 cap says: %q", what, e.Msg, d.Refusal)
				}
			}
			j, err := p.svc.Resubmit(p.ctx, res.Job.ID)
			same("resubmit", j, err)
			edit := r
			edit.EditedFrom = res.Job.ID // the form prefills the cap; a face that sends none keeps it too
			er, err := p.svc.Submit(p.ctx, edit)
			same("edit with no cap given", er.Job, err)
			edit.MaxCostUSD = 10_000 // the user raised it
			if er, err := p.svc.Submit(p.ctx, edit); err != nil || er.Job.MaxCostUSD != 10_000 {
				t.Errorf("an edit with its own cap: %v, cap %v; want it", err, er.Job.MaxCostUSD)
			}
		})
	}
}
