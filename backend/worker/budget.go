package worker

import (
	"context"
	"fmt"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

// The monthly budget at send time. A queued job passed the budget when it
// was queued, but the budget may have been lowered since, or runs may have
// cost more than their estimate: the worker checks it again in the write
// that claims the job (store.ClaimWithinBudget: spent + what jobs already
// sent reserve + the job's own high estimate, against the budget in force
// now). Queued jobs do not hold each other back: oldest first, the first
// that fits goes. A job that does not fit stays queued and is held: it is
// not looked at again until something may let it fit (the budget changes,
// a job ends or is deleted, a new month starts) or it reaches its maximum
// age, when it fails saying why. The service derives its waiting reason
// from the same rule (store.SendDecision).

// budgetState is the budget in force and the jobs held for it; guarded by
// Worker.mu.
type budgetState struct {
	monthlyUSD float64             // 0: no monthly budget
	held       map[string]struct{} // queued jobs that did not fit when last claimed
}

// SetBudget changes the monthly budget (in dollars; 0: none) that a queued
// job is checked against when it is about to be sent, at once: the jobs
// held for the budget are looked at again on the next pass.
func (w *Worker) SetBudget(usd float64) {
	w.mu.Lock()
	changed := w.budget.monthlyUSD != usd
	w.budget.monthlyUSD = usd
	if changed {
		w.releaseHeldLocked()
	}
	w.mu.Unlock()
	w.kick()
}

func (w *Worker) monthlyBudget() float64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.budget.monthlyUSD
}

// budgetMayFit looks again, on the next pass, at every job held for the
// budget: a job ended, was cancelled or deleted, so money may be free.
func (w *Worker) budgetMayFit() {
	w.mu.Lock()
	woke := w.releaseHeldLocked()
	w.mu.Unlock()
	if woke {
		w.kick()
	}
}

// releaseHeldLocked makes the jobs held for the budget due on the next
// pass and reports whether there were any. w.mu must be held.
func (w *Worker) releaseHeldLocked() bool {
	for id := range w.budget.held {
		w.woken[id] = struct{}{}
	}
	n := len(w.budget.held)
	clear(w.budget.held)
	return n > 0
}

// holdForBudget keeps a queued job that does not fit the budget queued,
// without writing it: it is looked at again when released (see
// budgetMayFit), at the start of next month, or just after its maximum
// age (to fail it, saying why). The first time, the job is emitted so the
// faces show why it waits.
func (w *Worker) holdForBudget(j job.Job, now time.Time) {
	at := queuedSince(j).Add(w.cfg.MaxJobAge + time.Second)
	if _, nextMonth, err := cost.ParseMonth(cost.MonthOf(now)); err == nil && nextMonth.Before(at) {
		at = nextMonth
	}
	w.planCheck(j, at, false)
	w.mu.Lock()
	if w.budget.held == nil {
		w.budget.held = map[string]struct{}{}
	}
	_, was := w.budget.held[j.ID]
	w.budget.held[j.ID] = struct{}{}
	w.mu.Unlock()
	if !was {
		w.log.WithField("job", j.ID).Info("the job does not fit the monthly budget now; it stays queued")
		w.changed(j)
	}
}

// queuedSince is when the job's current attempt was queued: the maximum
// age of a queued job counts from it (each attempt has its own clock).
func queuedSince(j job.Job) time.Time {
	if j.QueuedAt.IsZero() {
		return j.CreatedAt
	}
	return j.QueuedAt
}

// gaveUpMessage is the error of a queued job that reached its maximum age
// without being sent: why it was never sent, and what to do.
func (w *Worker) gaveUpMessage(ctx context.Context, j job.Job) string {
	if why := w.holdReason(j); why != "" {
		return heldGaveUp(w.cfg.MaxJobAge, why)
	}
	name := displayName(j.Provider)
	if b := w.monthlyBudget(); b > 0 {
		d, err := w.st.SendDecision(ctx, j.ID, b)
		if err == nil && !d.Allowed {
			return fmt.Sprintf("gave up after %s: the job was never sent to %s because it did not fit the monthly budget "+
				"(it may cost up to %s, and %s of the %s budget is spent or reserved by jobs already sent). "+
				"Nothing was billed. Raise the budget in Settings, then resubmit it.",
				w.cfg.MaxJobAge, name, cost.FormatUSD(d.Estimate.HighUSD), cost.FormatUSD(d.SpentUSD+d.ReservedUSD), cost.FormatUSD(b))
		}
	}
	return fmt.Sprintf("gave up after %s: the job was never sent to %s (no free slot, or %s could not be reached). Resubmit it to try again.", w.cfg.MaxJobAge, name, name)
}
