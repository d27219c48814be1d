package worker

import (
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// TestHeldJobIsNeverSent: a queued job that Config.Hold holds (its model
// was retired) is never sent and never written while held, is told to the
// faces once, goes when the hold lifts, and at its maximum age fails
// unsent with the hold's reason.
func TestHeldJobIsNeverSent(t *testing.T) {
	e := setup(t)
	const why = "Held: old-model was retired by OpenAI, so this job is not sent (nothing was billed). Edit and resubmit it with new-model."
	holding := true
	e.cfg.Hold = func(j job.Job) string {
		if holding && j.Model == "old-model" {
			return why
		}
		return ""
	}
	e.w = e.newWorker(e.st, e.prov, e.cfg, e.rec)
	held := e.mkJob(job.Queued, func(j *job.Job) { j.Model = "old-model" })
	other := e.mkJob(job.Queued, nil)
	for range 3 {
		e.tick()
		e.clock.Advance(e.cfg.PollInterval)
	}
	if n, _, _ := e.prov.calls(); n != 1 || e.get(other.ID).Status != job.Running {
		t.Fatalf("%d creates, other job %s: want the other job sent, and only it", n, e.get(other.ID).Status)
	}
	if got := e.get(held.ID); got.Status != job.Queued || got.Version != held.Version {
		t.Errorf("the held job: %s, version %d (was %d): want queued and never written", got.Status, got.Version, held.Version)
	}
	if n := len(e.rec.changedFor(held.ID)); n != 1 {
		t.Errorf("the held job was emitted %d times, want once", n)
	}

	holding = false // the model came back (a settings override)
	e.clock.Advance(e.cfg.PollInterval)
	e.tick()
	if got := e.get(held.ID); got.Status != job.Running {
		t.Errorf("after the hold lifted: %s, want running", got.Status)
	}

	holding = true
	late := e.mkJob(job.Queued, func(j *job.Job) { j.Model = "old-model" })
	e.tick()
	e.clock.Advance(e.cfg.MaxJobAge + time.Minute)
	e.tick()
	got := e.get(late.ID)
	if got.Status != job.Failed || !strings.Contains(got.Error, "without sending it") || !strings.Contains(got.Error, "new-model") || got.SubmittedAt != nil {
		t.Errorf("a held job past its maximum age: %s %q, want failed unsent with the reason", got.Status, got.Error)
	}
	if n, _, _ := e.prov.calls(); n != 2 {
		t.Errorf("%d creates in all, want 2 (never the held jobs while held)", n)
	}
}
