package simulation

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"pgregory.net/rapid"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/research"
)

// The job steps a user takes in the window: submit, estimate, cancel,
// resubmit, edit, follow up, ask, clarify, brief, delete, adopt, dismiss.

// faults are the prompt markers each fake understands (see each fake's
// package doc); a submit carries up to two.
var faults = map[string][]string{
	"openai": {"fail", "incomplete", "empty", "create500", "create503", "create-drop", "ratelimit", "quota",
		"badrequest", "get500", "getdrop", "gone", "slow", "unicode", "still"},
	"gemini": {"fail", "incomplete", "budget", "requires-action", "empty", "create500", "create503", "create-drop",
		"ratelimit", "quota", "badrequest", "get500", "get503", "get429", "getdrop", "gone", "slow", "unicode"},
	"perplexity": {"fail", "empty", "create500", "create503", "create-drop", "ratelimit", "quota", "badrequest",
		"get500", "get429", "getdrop", "gone", "slow", "unicode"},
}

func markers(t *rapid.T, provider string) string {
	list := faults[provider]
	if provider == "azure" {
		list = faults["openai"]
	}
	var b strings.Builder
	for i, n := 0, rapid.IntRange(0, 2).Draw(t, "faults"); i < n; i++ {
		b.WriteString(" [[fake:" + rapid.SampledFrom(list).Draw(t, "fault") + "]]")
	}
	return b.String()
}

// drawRequest fills a request as the form does: a provider and one of its
// models (as the service lists them), the options and a cost cap.
func (w *world) drawRequest(t *rapid.T) research.SubmitRequest {
	provs := w.svc.Providers()
	p := provs[rapid.IntRange(0, len(provs)-1).Draw(t, "provider")]
	r := research.SubmitRequest{Provider: p.Name}
	if len(p.Models) > 0 {
		r.Model = p.Models[rapid.IntRange(0, len(p.Models)-1).Draw(t, "model")].ID
	}
	c := p.Capabilities // the form offers only the controls the provider honours
	if c.WebSearch == provider.ToolOptional {
		r.WebSearch = rapid.Bool().Draw(t, "web_search")
	}
	if c.CodeInterpreter == provider.ToolOptional {
		r.CodeInterpreter = rapid.Bool().Draw(t, "code_interpreter")
	}
	if c.MaxToolCalls {
		r.MaxToolCalls = rapid.SampledFrom([]int{0, 1, 2, 5, 10, 40, 100, 200}).Draw(t, "max_tool_calls")
	}
	r.MaxCostUSD = rapid.SampledFrom([]float64{0, 0, 0.3, 1, 5, 50}).Draw(t, "max_cost_usd")
	return r
}

func (w *world) prompt(t *rapid.T, tag, provider string) string {
	return fmt.Sprintf("%s daily question %d about energy%s", tag, rapid.IntRange(1, 9).Draw(t, "topic"), markers(t, provider))
}

// submitChecked submits r after its dry run and holds the two to the same
// answer: no path admits a job the budget check would refuse.
func (w *world) submitChecked(t *rapid.T, what string, r research.SubmitRequest, tag string, capUSD float64) {
	// A person takes a moment to fill the form: no two jobs share a
	// creation time, so the poller's order (by time, then by the random
	// id) is the same in every run of a seed.
	w.clk.Load().advance(time.Second)
	d, derr := w.svc.Estimate(w.ctx, r)
	before := w.totals()
	res, err := w.svc.Submit(w.ctx, r)
	switch {
	case err != nil && errors.Is(err, research.ErrOverBudget):
		t.Logf("%s %s/%s refused over budget", what, r.Provider, r.Model)
		if derr == nil && d.Allowed {
			w.broken(t, "dry-run", "%s: the dry run allowed it (estimate $%.4f) but Submit refused it: %v", what, d.Estimate.HighUSD, err)
		}
		return
	case err != nil:
		t.Logf("%s %s/%s refused: %v", what, r.Provider, r.Model, err)
		if derr == nil && d.Allowed {
			w.broken(t, "dry-run", "%s: the dry run allowed it but Submit refused it: %v", what, err)
		}
		return
	}
	j := res.Job
	for _, m := range transient {
		if strings.Contains(r.Prompt, "[[fake:"+m+"]]") {
			w.noteTrouble(j.Provider, false, true)
		}
	}
	w.m.add(j, tag, capUSD).queuedAt = w.now()
	w.m.order = append(w.m.order, j.ID)
	t.Logf("%s %s: %s/%s %+v, cap $%g, estimate $%.4f-$%.4f%s", what, tag, j.Provider, j.Model, j.Options, capUSD,
		d.Estimate.LowUSD, d.Estimate.HighUSD, strings.TrimPrefix(r.Prompt, strings.Fields(r.Prompt)[0]))
	if derr != nil || !d.Allowed {
		w.broken(t, "dry-run", "%s: Submit admitted job %s that the dry run refused (%v %s)", what, j.ID, derr, d.Refusal)
	}
	w.checkAdmission(t, what, before)
}

func (w *world) submit(t *rapid.T) {
	r := w.drawRequest(t)
	tag := w.m.newTag()
	r.Prompt = w.prompt(t, tag, r.Provider)
	w.submitChecked(t, "submit", r, tag, r.MaxCostUSD)
}

// pick draws one of the jobs for which ok holds, in the order they were
// made (ids are random; the order is not), or skips the step.
func (w *world) pick(t *rapid.T, what string, ok func(job.Job) bool) job.Job {
	jobs := w.jobs()
	var c []job.Job
	for _, id := range w.m.order {
		if j, found := jobs[id]; found && ok(j) {
			c = append(c, j)
		}
	}
	if len(c) == 0 {
		t.SkipNow() // nothing to do: another step is drawn
	}
	return c[rapid.IntRange(0, len(c)-1).Draw(t, what)]
}

func (w *world) cancel(t *rapid.T) {
	j := w.pick(t, "cancel", func(j job.Job) bool { return job.Can(j.Status, false, job.ActionCancel) })
	res, err := w.svc.Cancel(w.ctx, j.ID)
	t.Logf("cancel %s (%s, %s): %v %q", w.tag(j.ID), j.Provider, j.Status, err, res.Warning)
	if err != nil && !errors.Is(err, research.ErrNotAllowed) {
		t.Fatalf("cancelling %s: %v", w.tag(j.ID), err)
	}
}

func (w *world) resubmit(t *rapid.T) {
	j := w.pick(t, "resubmit", func(j job.Job) bool { return j.Status.Resubmittable() })
	before := w.totals()
	nj, err := w.svc.Resubmit(w.ctx, j.ID)
	t.Logf("resubmit %s (%s, was %s): %v", w.tag(j.ID), j.Provider, j.Status, err)
	if err == nil {
		w.m.jobs[j.ID].attempt = nj.Attempt
		w.m.jobs[j.ID].queuedAt = w.now()
		w.checkAdmission(t, "resubmit", before)
	}
}

// edit is "Edit and resubmit": the form starts from the job's request and
// its cap; the user changes the prompt and maybe the cap.
func (w *world) edit(t *rapid.T) {
	j := w.pick(t, "edit", func(j job.Job) bool { return job.Can(j.Status, false, job.ActionEdit) })
	tag := w.m.newTag()
	r := research.SubmitRequest{Prompt: w.prompt(t, tag, j.Provider), Provider: j.Provider, Model: j.Model,
		WebSearch: j.Options.WebSearch, CodeInterpreter: j.Options.CodeInterpreter, MaxToolCalls: j.Options.MaxToolCalls,
		MaxCostUSD: j.MaxCostUSD, EditedFrom: j.ID}
	capUSD := w.m.jobs[j.ID].cap // what the form must start from
	if rapid.Bool().Draw(t, "change_cap") {
		// 0 would keep the edited job's cap (research.SubmitRequest): an
		// edit changes a cap, it cannot clear one.
		r.MaxCostUSD = rapid.SampledFrom([]float64{1, 5}).Draw(t, "new_cap")
		capUSD = r.MaxCostUSD
	}
	w.submitChecked(t, "edit of "+w.tag(j.ID), r, tag, capUSD)
}

// followUp is "Go deeper" on a finished report, on its provider or another.
func (w *world) followUp(t *rapid.T) {
	j := w.pick(t, "follow up", func(j job.Job) bool {
		return (j.Status == job.Completed || j.Status == job.Incomplete) && hasAction(j, job.ActionOpen)
	})
	r := research.SubmitRequest{ParentID: j.ID}
	if rapid.Bool().Draw(t, "other_provider") {
		r = w.drawRequest(t)
		r.ParentID = j.ID
	}
	tag := w.m.newTag()
	r.Prompt = w.prompt(t, tag, providerOr(r.Provider, j.Provider))
	w.submitChecked(t, "follow-up of "+w.tag(j.ID), r, tag, r.MaxCostUSD)
}

func providerOr(p, def string) string {
	if p == "" {
		return def
	}
	return p
}

func hasAction(j job.Job, a job.Action) bool {
	for _, x := range j.Actions {
		if x == a {
			return true
		}
	}
	return false
}

// ask asks questions about a saved report: one, or several at once (as
// several windows and terminals may).
func (w *world) ask(t *rapid.T) {
	j := w.pick(t, "ask about", func(j job.Job) bool { return hasAction(j, job.ActionOpen) })
	n := rapid.SampledFrom([]int{1, 1, 4}).Draw(t, "questions_at_once")
	long := "" // an answer as long as the call allows: it costs its whole estimate
	if rapid.Bool().Draw(t, "long_answers") {
		long = " [[fake:long]]"
	}
	before := w.totals()
	ep := w.fakes["openai"].ep
	lift := ep.gate(n) // the questions meet at OpenAI: all are past their budget check first
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer ep.account() // a question refused before its call (after one, the gate is open)
			_, errs[i] = w.svc.Ask(w.ctx, research.AskRequest{ID: j.ID, Question: fmt.Sprintf("What is point %d?%s", i+1, long)})
		}()
	}
	wg.Wait()
	lift()
	t.Logf("ask %d%s about %s: %v", n, long, w.tag(j.ID), errs)
	w.checkAdmission(t, "ask", before)
}

func (w *world) clarify(t *rapid.T) {
	before := w.totals()
	res, err := w.svc.Clarify(w.ctx, "What changed in energy storage? "+w.m.newTag())
	t.Logf("clarify: %d questions, %v", len(res.Questions), err)
	w.checkAdmission(t, "clarify", before)
}

func (w *world) brief(t *rapid.T) {
	before := w.totals()
	_, err := w.svc.Brief(w.ctx, research.BriefRequest{Prompt: "Storage costs " + w.m.newTag(),
		Answers: []research.Answer{{Question: "Which period?", Answer: "2020 to 2026"}}})
	t.Logf("brief: %v", err)
	w.checkAdmission(t, "brief", before)
}

func (w *world) del(t *rapid.T) {
	j := w.pick(t, "delete", func(j job.Job) bool { return job.Can(j.Status, false, job.ActionDelete) })
	err := w.svc.Delete(w.ctx, j.ID)
	t.Logf("delete %s (%s): %v", w.tag(j.ID), j.Status, err)
	if err == nil {
		w.m.jobs[j.ID].deleted = true
	}
}

func (w *world) dismiss(t *rapid.T) {
	j := w.pick(t, "dismiss", func(j job.Job) bool { return j.Status == job.Unconfirmed })
	_, err := w.svc.Dismiss(w.ctx, j.ID)
	t.Logf("dismiss %s: %v", w.tag(j.ID), err)
}

// adopt tracks the run an unconfirmed job made at its provider, found as
// the user finds it in the provider's dashboard.
func (w *world) adopt(t *rapid.T) {
	j := w.pick(t, "adopt", func(j job.Job) bool { return j.Status == job.Unconfirmed })
	var ids []string
	for id, r := range w.m.runs {
		if r.job != nil && r.job.id == j.ID && r.attempt == j.Attempt {
			ids = append(ids, strings.TrimPrefix(id, j.Provider+"/"))
		}
	}
	if len(ids) == 0 {
		t.SkipNow() // the unconfirmed job made no run
	}
	sort.Strings(ids)
	_, err := w.svc.Adopt(w.ctx, research.AdoptRequest{ID: j.ID, ResponseID: ids[0]})
	t.Logf("adopt %s as %s: %v", w.tag(j.ID), ids[0], err)
}

// tag names a job in the step log: the tag in its prompt (its id is
// random, so it would differ between runs of one seed).
func (w *world) tag(id string) string {
	if sj := w.m.jobs[id]; sj != nil {
		return sj.tag
	}
	return id
}
