package worker

import (
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// Jobs held by Config.Hold (a queued job whose model was retired): never
// sent. A held job stays queued without a write and is looked at again
// every poll interval, since the reason may go (a settings change brings
// the model back) or change; the faces are told once per reason. At its
// maximum age it fails unsent, saying why (gaveUpMessage).

// holdReason is Config.Hold's answer for j ("" : it may be sent).
func (w *Worker) holdReason(j job.Job) string {
	if w.cfg.Hold == nil {
		return ""
	}
	return w.cfg.Hold(j)
}

// hold keeps a queued job queued for why: planned again after a poll
// interval, and emitted the first time (or when the reason changed) so
// the faces show its waiting reason.
func (w *Worker) hold(j job.Job, now time.Time, why string) {
	w.planCheck(j, now.Add(w.interval()), true)
	w.mu.Lock()
	if w.holding == nil {
		w.holding = map[string]string{}
	}
	was, ok := w.holding[j.ID]
	w.holding[j.ID] = why
	w.mu.Unlock()
	if !ok || was != why {
		w.log.WithField("job", j.ID).Info("the job is held and not sent: " + why)
		w.changed(j)
	}
}

// unhold forgets that j was held (it may go now).
func (w *Worker) unhold(j job.Job) {
	w.mu.Lock()
	delete(w.holding, j.ID)
	w.mu.Unlock()
}

// heldGaveUp is the error of a held job that reached its maximum age.
func heldGaveUp(age time.Duration, why string) string {
	return "gave up after " + age.String() + " without sending it: " + strings.TrimPrefix(why, "Held: ")
}
