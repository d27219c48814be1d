package simulation

import (
	"flag"
	"fmt"
	"math"
	"slices"
	"strings"

	"pgregory.net/rapid"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/fakehttp"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// The invariants of docs/architecture.md ("Invariants"), checked after
// every step.

// tol absorbs floating-point noise in sums of dollars.
const tol = 1e-6

// checkHealthPerProvider switches on the check that each provider's
// health reflects that provider only (health_test.go).
const checkHealthPerProvider = true

func (w *world) check(t *rapid.T) {
	jobs := w.jobs()
	rows := w.rows()
	w.checkRuns(t, jobs)
	w.checkSends(t, rows)
	for _, id := range w.m.order {
		j, ok := jobs[id]
		sj := w.m.jobs[id]
		if !ok {
			if !sj.deleted {
				w.broken(t, "vanished", "job %s vanished without being deleted", id)
			}
			continue
		}
		if j.Status != sj.status {
			t.Logf("  %s %s -> %s %s", sj.tag, sj.status, j.Status, oneLine(j.Error))
			w.checkAge(t, j, sj)
			sj.status = j.Status
		}
		if j.ProviderJobID != "" {
			sj.tracked[j.Provider+"/"+j.ProviderJobID] = j.Attempt
		}
		sj.attempt = j.Attempt
		sj.prices = rows[id].prices // kept for after a delete: what it cost still counts
		if len(j.Actions) == 0 && !j.Status.Active() {
			w.broken(t, "next-step", "job %s is %s with no next step (no action)", id, j.Status)
		}
		if r := rows[id]; math.Abs(r.capUSD-sj.cap) > tol {
			w.broken(t, "cap", "job %s (attempt %d) keeps a cost cap of $%g; it was given $%g: the cap belongs to the job", id, j.Attempt, r.capUSD, sj.cap)
		}
		w.checkReport(t, j, sj)
	}
	w.checkMoney(t, jobs, rows)
	w.checkHealth(t, jobs)
	w.checkFolders(t, jobs)
}

// checkAge: each attempt has its own clock. A queued attempt is given up
// for age only once the maximum job age has passed since it was queued
// (submitted or resubmitted), not since the job was made.
func (w *world) checkAge(t *rapid.T, j job.Job, sj *simJob) {
	age, limit := w.now().Sub(sj.queuedAt), w.svc.Config().MaxJobAge
	if sj.status == job.Queued && j.Status == job.Failed && strings.HasPrefix(j.Error, "gave up") && age <= limit {
		w.broken(t, "age", "%s was given up %s after its attempt %d was queued, before the maximum age of %s: %q",
			sj.tag, age, j.Attempt, limit, j.Error)
	}
}

// checkRuns ties new runs at the fakes to jobs and holds that no attempt
// was sent twice.
func (w *world) checkRuns(t *rapid.T, jobs map[string]job.Job) {
	count := map[string]int{}
	for _, name := range w.names {
		if bad := w.m.attribute(name, w.fakes[name].runs(), jobs); len(bad) > 0 {
			w.broken(t, "run-owner", "%s", strings.Join(bad, "; "))
		}
	}
	for _, l := range w.m.log {
		t.Log(l)
	}
	w.m.log = nil
	for id, r := range w.m.runs {
		if r.job == nil {
			continue
		}
		k := fmt.Sprintf("%s attempt %d", r.job.id, r.attempt)
		if count[k]++; count[k] > 1 {
			w.broken(t, "twice", "job %s was sent twice: a second paid run (%s) at the provider", k, id)
		}
	}
}

// checkSends holds every create sent during the step to the budget in
// force: spent + what every sent, unsettled run reserves must fit, and the
// job's high estimate must fit its own cap.
func (w *world) checkSends(t *rapid.T, rows map[string]row) {
	sent := w.m.sent
	w.m.sent = nil
	if len(sent) == 0 {
		return
	}
	exposure := w.totals().spent
	for _, r := range rows {
		switch r.status {
		case job.Submitting, job.Running, job.Unconfirmed:
			exposure += r.high
		}
	}
	for _, id := range sent {
		sj, r := w.m.jobs[id], rows[id]
		if sj.cap > 0 && r.high > sj.cap+tol {
			w.broken(t, "send-cap", "job %s was sent with a high estimate of $%.4f over its own cap of $%g", id, r.high, sj.cap)
		}
	}
	if b := w.m.budget; b > 0 && exposure > b+tol {
		w.broken(t, "send-budget", "sent %v although spent + what sent runs reserve is $%.4f, over the monthly budget of $%g", sent, exposure, b)
	}
}

// checkAdmission: a step that admits spending (a submit, a helper call)
// never takes spent + reserved over the monthly budget.
func (w *world) checkAdmission(t *rapid.T, what string, before spend) {
	after := w.totals()
	a, b := after.spent+after.reserved, before.spent+before.reserved
	if bud := w.m.budget; bud > 0 && a > b+tol && a > bud+tol {
		w.broken(t, "admit-budget", "%s took spent + reserved from $%.4f to $%.4f, over the monthly budget of $%g", what, b, a, bud)
	}
}

// checkReport: a finished run's report is saved and searchable.
func (w *world) checkReport(t *rapid.T, j job.Job, sj *simJob) {
	if j.Status != job.Completed || sj.searchable {
		return
	}
	rep, err := w.svc.Report(w.ctx, j.ID)
	if err != nil || strings.TrimSpace(rep.Markdown) == "" {
		if strings.Contains(j.Prompt, "[[fake:empty]]") && err != nil {
			return // completed without text is not a report (it fails)
		}
		w.broken(t, "report", "completed job %s has no saved report: %v", j.ID, err)
	}
	res, err := w.svc.Search(w.ctx, research.SearchRequest{Query: sj.tag, Status: "all"})
	if err != nil {
		t.Fatalf("searching for %s: %v", sj.tag, err)
	}
	for _, h := range res.Hits {
		if h.Job.ID == j.ID {
			sj.searchable = true
			return
		}
	}
	w.broken(t, "report", "completed job %s is not found by searching for %q", j.ID, sj.tag)
}

// checkMoney: every billed run is counted at what the provider billed,
// every helper call too, no run costs more than it reserved, and the
// month's spend is the sum of its attempts.
func (w *world) checkMoney(t *rapid.T, jobs map[string]job.Job, rows map[string]row) {
	// The spend first: reading it settles expired helper reservations,
	// which the attempts read next must include.
	month := cost.MonthOf(w.now())
	from, to, _ := cost.ParseMonth(month)
	sp, err := w.svc.Costs(w.ctx, month)
	if err != nil {
		t.Fatalf("reading the spend of %s: %v", month, err)
	}
	atts := w.attempts()
	recorded := map[string]float64{}
	helpers := 0.0
	for _, a := range atts {
		if a.kind != "research" {
			helpers += a.costUSD
			continue
		}
		recorded[fmt.Sprintf("%s/%d", a.job, a.attempt)] = a.costUSD
	}
	billedHelpers := 0.0
	for _, name := range w.names {
		for _, r := range w.fakes[name].runs() {
			key := name + "/" + r.ID
			owner := w.m.runs[key]
			switch {
			case owner.helper:
				billedHelpers += w.helperCost(r.Billed)
			case owner.job != nil && r.Ended && !r.Billed.Zero() && !strings.Contains(r.Prompt, "[[fake:gone]]"):
				w.checkBilled(t, key, r, owner, jobs, rows, recorded)
			}
		}
	}
	// A helper call whose answer was lost (5xx, a cut connection) may
	// have been billed: Deepr may count it at its estimate. What was
	// billed is never missing.
	if billedHelpers > helpers+tol {
		w.broken(t, "helpers-billed", "the providers billed $%.6f for helper calls (ask, clarify, brief); Deepr recorded $%.6f", billedHelpers, helpers)
	}
	for id, j := range jobs {
		r := rows[id]
		if c, ok := recorded[fmt.Sprintf("%s/%d", id, j.Attempt)]; ok && j.Status.Final() && c > r.high+tol {
			w.broken(t, "estimate", "job %s (%s/%s, attempt %d) cost $%.4f, over the $%.4f its estimate reserved (max tool calls %d, web search %v, code %v)",
				id, j.Provider, j.Model, j.Attempt, c, r.high, j.Options.MaxToolCalls, j.Options.WebSearch, j.Options.CodeInterpreter)
		}
	}
	sum := 0.0
	for _, a := range atts {
		if !a.finished.Before(from) && a.finished.Before(to) {
			sum += a.costUSD
		}
	}
	if math.Abs(sp.SpentUSD-sum) > tol {
		listed := map[string]float64{}
		for _, js := range sp.Jobs {
			listed[js.JobID] += js.CostUSD
		}
		for _, a := range atts {
			if !a.finished.Before(from) && a.finished.Before(to) {
				listed[a.job] -= a.costUSD
			}
		}
		for id, d := range listed {
			if math.Abs(d) > tol {
				t.Logf("  %s (%s) listed $%.6f more than its attempts", w.tag(id), id, d)
			}
		}
		w.broken(t, "spend-sum", "the spend of %s is $%.6f; its attempts add up to $%.6f", month, sp.SpentUSD, sum)
	}
}

// checkBilled: once Deepr has ended the attempt of a run it tracked, the
// attempt's cost is what the provider billed for the run.
func (w *world) checkBilled(t *rapid.T, key string, r fakehttp.Run, owner runOf, jobs map[string]job.Job, rows map[string]row, recorded map[string]float64) {
	sj := owner.job
	if a, ok := sj.tracked[key]; !ok || a != owner.attempt {
		return // Deepr never learnt the run's id (unconfirmed, then dismissed or resubmitted)
	}
	j, live := jobs[sj.id]
	if live && j.Attempt == owner.attempt && !j.Status.Final() {
		return // still being followed
	}
	want := r.Billed.CostUSD
	if want == 0 {
		want = cost.Cost(sj.prices, job.Usage{InputTokens: r.Billed.InputTokens, CachedTokens: r.Billed.CachedTokens,
			OutputTokens: r.Billed.OutputTokens, WebSearchCalls: r.Billed.WebSearchCalls})
	}
	got := recorded[fmt.Sprintf("%s/%d", sj.id, owner.attempt)]
	if math.Abs(got-want) > tol {
		w.broken(t, "billed", "the provider billed $%.4f for run %s (%s, attempt %d, %s at the provider, %s in Deepr: %q); Deepr recorded $%.4f",
			want, key, sj.tag, owner.attempt, r.Status, j.Status, j.Error, got)
	}
}

func (w *world) helperCost(u fakehttp.Usage) float64 {
	cfg := w.svc.Config()
	p, _ := cfg.PriceTable().Lookup("openai", cfg.HelperModel)
	return cost.Cost(p, job.Usage{InputTokens: u.InputTokens, CachedTokens: u.CachedTokens, OutputTokens: u.OutputTokens})
}

// skipWhileFixing names invariants left unchecked (logged instead) while
// the fix for the bug they catch is under way. Keep it empty: a name here
// is a known broken promise.
var skipWhileFixing = []string{}

// skipFlag leaves more invariants unchecked, to look past a known failure
// for the next one: -sim.skip=cap,billed.
var skipFlag = flag.String("sim.skip", "", "comma-separated invariants to log instead of failing on (exploring past a known failure)")

// broken reports a broken invariant: the step fails, unless the
// invariant is skipped (then it is only logged).
func (w *world) broken(t *rapid.T, name, format string, args ...any) {
	t.Helper()
	if slices.Contains(skipWhileFixing, name) || slices.Contains(strings.Split(*skipFlag, ","), name) {
		t.Logf("SKIPPED invariant %s: "+format, append([]any{name}, args...)...)
		return
	}
	// The details go to the log; the failure names the invariant only, so
	// rapid's shrinker may keep any shorter run that breaks it (it keeps
	// a candidate only when the failure's text is the same).
	t.Logf("BROKEN invariant %s: "+format, append([]any{name}, args...)...)
	t.Fatalf("invariant %q broken (details in the last step's log)", name)
}

// oneLine cuts an error message to a line for the step log.
func oneLine(s string) string {
	if r := []rune(s); len(r) > 100 {
		s = string(r[:100]) + "…"
	}
	return s
}
