package worker

import (
	"context"
	"errors"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// The scheduler runs passes. It sleeps until the earliest of: the next due
// job, a retry of a failed save, the end of a provider pause, or a wake
// (Wake, a change another process made, a change of leadership or of a
// setting). That time is Health.NextCheck, so what the status bar says is
// when this process really looks next, and an unrelated event (a lease
// renewal, another job's change) does not move it.

// plan is a job's next check decided without writing the job: the poll
// learned nothing new, or the job waits for a slot. It holds only while
// the row keeps the version it had; any write to the job voids it.
type plan struct {
	version int64
	at      time.Time
	every   bool // at = last check + poll interval (moved by SetPollInterval)
}

// schedule runs scheduler steps until ctx is done.
func (w *Worker) schedule(ctx context.Context) {
	for ctx.Err() == nil {
		if err := w.step(ctx); err != nil && ctx.Err() == nil {
			w.log.WithError(err).Error("poller pass failed; it will try again")
		}
		if w.stepped != nil {
			select {
			case w.stepped <- struct{}{}:
			default:
			}
		}
		var fire <-chan time.Time
		var t Timer
		w.mu.Lock()
		next := w.health.NextCheck
		w.mu.Unlock()
		if next != nil {
			t = w.clock.NewTimer(max(0, next.Sub(w.clock.Now())))
			fire = t.C()
		}
		select {
		case <-ctx.Done():
		case <-w.wakeCh:
		case <-fire:
		}
		if t != nil {
			t.Stop()
		}
	}
}

// step is one scheduler step: on standby it hands wakes to the lease
// holder; as the holder it runs the takeover recovery once, then a pass,
// and records the next wake as the health's NextCheck.
func (w *Worker) step(ctx context.Context) error {
	if err := w.CheckFile(ctx); err != nil { // replaced.go
		return err
	}
	lateErr := w.retryLate(ctx, false)
	if !w.isLeading() {
		err := w.forwardWakes(ctx)
		w.setNextCheck(w.lateWake())
		return errors.Join(lateErr, err)
	}
	extra, err := w.recover(ctx)
	if err != nil {
		w.setNextCheck(w.afterFailure(nil))
		return errors.Join(lateErr, err)
	}
	perr := w.pass(ctx, extra)
	next, nerr := w.nextWake(ctx)
	if perr != nil || nerr != nil {
		next = w.afterFailure(next)
	}
	if !w.isLeading() { // lost the lease during the pass
		next = w.lateWake()
	}
	w.setNextCheck(next)
	return errors.Join(lateErr, perr, nerr)
}

// afterFailure keeps a failing pass from spinning: the next wake is at
// least minSleep away.
func (w *Worker) afterFailure(next *time.Time) *time.Time {
	floor := w.clock.Now().Add(minSleep)
	if next == nil || next.Before(floor) {
		return &floor
	}
	return next
}

// lateWake is the next retry of a provider id that could not be saved
// (nil: none).
func (w *Worker) lateWake() *time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	var next *time.Time
	for _, l := range w.late {
		if next == nil || l.retryAt.Before(*next) {
			t := l.retryAt
			next = &t
		}
	}
	return next
}

// nextWake is when the next pass is due: the earliest active job (its
// planned check when it has one, not before its provider's pause ends), a
// woken job (now), or a retry of a failed save. Plans of jobs that changed
// or ended are dropped here. nil means nothing is scheduled.
func (w *Worker) nextWake(ctx context.Context) (*time.Time, error) {
	slots, err := w.st.Schedule(ctx)
	if err != nil {
		return nil, err
	}
	now := w.clock.Now()
	next := w.lateWake()
	consider := func(t time.Time) {
		if next == nil || t.Before(*next) {
			next = &t
		}
	}
	w.mu.Lock()
	live := make(map[string]plan, len(w.planned))
	for _, s := range slots {
		if _, busy := w.inflight[s.ID]; busy && s.Status == job.Submitting {
			continue // its create call or the save of its id is under way here
		}
		at := s.NextPollAt
		if p, ok := w.planned[s.ID]; ok && p.version == s.Version {
			at = p.at
			live[s.ID] = p
		}
		if u, ok := w.pausedUntil[s.Provider]; ok && at.Before(u) {
			at = u
		}
		consider(at)
	}
	w.planned = live
	if len(w.woken) > 0 {
		consider(now)
	}
	if t := w.healWakeLocked(); t != nil {
		consider(*t)
	}
	w.mu.Unlock()
	if next != nil && next.Before(now) {
		t := now
		next = &t
	}
	return next, nil
}

// planCheck records the next check of j without writing it.
func (w *Worker) planCheck(j job.Job, at time.Time, every bool) {
	w.mu.Lock()
	w.planned[j.ID] = plan{version: j.Version, at: at, every: every}
	w.mu.Unlock()
}

// planned reports when j's next check was planned, if a plan for this
// version of the row exists.
func (w *Worker) plannedAt(j job.Job) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	p, ok := w.planned[j.ID]
	if !ok || p.version != j.Version {
		return time.Time{}, false
	}
	return p.at, true
}
