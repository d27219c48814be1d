package worker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Messages stored on jobs the worker could not confirm.
const (
	msgCrashed = "Deepr stopped while sending this job to %[1]s, so it may or may not have been created there. " +
		"It was not sent again, to avoid paying twice: look for it in the %[1]s dashboard and track its response id, or resubmit or dismiss it."
	msgAmbiguous = "The request may have reached %[1]s (%[2]s), but no response id came back. " +
		"It was not retried, to avoid paying twice: look for it in the %[1]s dashboard and track its response id, or resubmit or dismiss it."
)

// recover runs once after this process takes the lease (at start or on a
// takeover): a job left submitting by a process that died mid-create becomes
// unconfirmed, and every running job is returned to be polled now. Then
// the OnLeaseGained hook runs.
func (w *Worker) recover(ctx context.Context) ([]job.Job, error) {
	w.mu.Lock()
	done := w.recovered
	w.mu.Unlock()
	if done {
		return nil, nil
	}
	stuck, err := w.st.ListJobs(ctx, store.ListFilter{Statuses: []job.Status{job.Submitting}})
	if err != nil {
		return nil, fmt.Errorf("listing jobs left submitting: %w", err)
	}
	var errs []error
	for _, j := range stuck {
		if err := w.orphan(ctx, j); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	running, err := w.st.ListJobs(ctx, store.ListFilter{Statuses: []job.Status{job.Running}})
	if err != nil {
		return nil, fmt.Errorf("listing running jobs: %w", err)
	}
	w.track(running...)
	w.mu.Lock()
	w.recovered = true
	w.mu.Unlock()
	if w.onGained != nil {
		w.onGained(ctx)
	}
	return running, nil
}

// orphan marks a job left submitting by a dead process unconfirmed, unless
// this process is the one sending it (or still saving its id).
func (w *Worker) orphan(ctx context.Context, j job.Job) error {
	if w.isInflight(j.ID) {
		return nil
	}
	return w.save(ctx, j.ID, true, func(c *job.Job) error {
		if c.Status != job.Submitting || w.isInflight(c.ID) {
			return errSkip
		}
		c.Status = job.Unconfirmed
		c.Error = fmt.Sprintf(msgCrashed, displayName(c.Provider))
		return nil
	})
}

// pass submits and polls every due job once: woken jobs first, then due
// jobs oldest first, then running jobs found at a takeover. A due job
// whose next check is planned later (see plan) is left alone.
func (w *Worker) pass(ctx context.Context, extra []job.Job) error {
	now := w.clock.Now()
	due, err := w.st.DueJobs(ctx, now, 0)
	if err != nil {
		return fmt.Errorf("listing due jobs: %w", err)
	}
	var list []job.Job
	seen := map[string]bool{}
	add := func(j job.Job) {
		if !seen[j.ID] && j.Status.Active() {
			seen[j.ID] = true
			list = append(list, j)
		}
	}
	var woken []job.Job
	for _, id := range w.takeWoken() {
		j, err := w.st.GetJob(ctx, id)
		if err == nil && j.ID == id {
			woken = append(woken, j)
		}
	}
	sort.Slice(woken, func(a, b int) bool { return dueBefore(woken[a], woken[b]) })
	for _, j := range woken {
		add(j)
	}
	for _, j := range due {
		if at, ok := w.plannedAt(j); ok && at.After(now) {
			continue
		}
		add(j)
	}
	for _, j := range extra {
		add(j)
	}

	w.mu.Lock()
	conc := w.concurrency
	w.mu.Unlock()
	r := &round{slots: map[string]int{}, freed: map[string]bool{}}
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	launch := func(f func()) bool {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			f()
		}()
		return true
	}

	checked := false
dispatch:
	for _, j := range list {
		if ctx.Err() != nil || !w.isLeading() {
			break
		}
		if w.paused(j.Provider) {
			continue
		}
		p := w.provider(j.Provider)
		switch j.Status {
		case job.Queued:
			sj, ok, err := w.prepareSubmit(ctx, r, p, j)
			if err != nil {
				r.fail(err)
			}
			if !ok {
				continue
			}
			checked = true
			if !launch(func() { w.submit(ctx, r, p, sj) }) {
				w.unsend(sj)
				break dispatch
			}
		case job.Submitting:
			if err := w.orphan(ctx, j); err != nil {
				r.fail(err)
			}
		case job.Running:
			checked = true
			if !launch(func() { w.poll(ctx, r, p, j) }) {
				break dispatch
			}
		}
	}
	wg.Wait()
	if w.isLeading() {
		w.heal(ctx)
	}

	w.mu.Lock()
	if checked {
		w.health.LastCheck = &now
	}
	// A slot freed up: the jobs parked for lack of one may go now, and a
	// job that ended may have left room in the budget.
	for prov := range r.freed {
		w.unparkLocked(prov)
	}
	if len(r.freed) > 0 {
		w.releaseHeldLocked()
	}
	w.mu.Unlock()
	w.emitHealth()
	return r.err()
}

// dueBefore orders jobs like store.DueJobs: next_poll_at, then created_at.
func dueBefore(a, b job.Job) bool {
	if !a.NextPollAt.Equal(b.NextPollAt) {
		return a.NextPollAt.Before(b.NextPollAt)
	}
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.Before(b.CreatedAt)
	}
	return a.ID < b.ID
}

// round is the shared state of one pass.
type round struct {
	mu    sync.Mutex
	slots map[string]int  // provider -> running+submitting (dispatcher only)
	freed map[string]bool // provider -> a job left running or submitting
	errs  []error

	direct bool // one job checked outside a pass (Refresh), in any process
}

func (r *round) fail(err error) {
	r.mu.Lock()
	r.errs = append(r.errs, err)
	r.mu.Unlock()
}

func (r *round) free(prov string) {
	r.mu.Lock()
	r.freed[prov] = true
	r.mu.Unlock()
}

func (r *round) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return errors.Join(r.errs...)
}

func (w *Worker) isInflight(id string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ok := w.inflight[id]
	return ok
}

func (w *Worker) setInflight(id string, on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if on {
		w.inflight[id] = struct{}{}
	} else {
		delete(w.inflight, id)
	}
}

// prepareSubmit runs in the dispatcher, one job at a time, so slots are
// never over-committed. It fails a queued job that is too old or has no
// provider, parks it when the provider has no free slot, and otherwise
// commits queued -> submitting BEFORE the create call (write-ahead).
func (w *Worker) prepareSubmit(ctx context.Context, r *round, p Provider, j job.Job) (job.Job, bool, error) {
	now := w.clock.Now()
	if p == nil {
		return job.Job{}, false, w.save(ctx, j.ID, true, func(c *job.Job) error {
			if c.Status != job.Queued {
				return errSkip
			}
			c.Status = job.Failed
			c.Error = fmt.Sprintf("No provider named %q is available in this version of Deepr, so the job cannot be sent.", c.Provider)
			c.FinishedAt = &now
			return nil
		})
	}
	if now.Sub(queuedSince(j)) > w.cfg.MaxJobAge { // since this attempt was queued
		msg := w.gaveUpMessage(ctx, j)
		return job.Job{}, false, w.save(ctx, j.ID, true, func(c *job.Job) error {
			if c.Status != job.Queued || c.Attempt != j.Attempt {
				return errSkip
			}
			c.Status = job.Failed
			c.Error = msg
			c.FinishedAt = &now
			return nil
		})
	}
	if why := w.holdReason(j); why != "" {
		w.hold(j, now, why)
		return job.Job{}, false, nil
	}
	w.unhold(j)
	used, ok := r.slots[j.Provider]
	if !ok {
		running, err := w.st.CountStatus(ctx, j.Provider, job.Running)
		if err != nil {
			return job.Job{}, false, fmt.Errorf("counting running jobs: %w", err)
		}
		submitting, err := w.st.CountStatus(ctx, j.Provider, job.Submitting)
		if err != nil {
			return job.Job{}, false, fmt.Errorf("counting submitting jobs: %w", err)
		}
		used = running + submitting
		r.slots[j.Provider] = used
	}
	w.mu.Lock()
	limit := w.maxRunning
	w.mu.Unlock()
	if used >= limit {
		// No free slot: look again after a poll interval, or as soon as a
		// job of this provider ends in this process. Nothing is written.
		w.planCheck(j, now.Add(w.interval()), true)
		w.mu.Lock()
		w.parked[j.Provider] = append(w.parked[j.Provider], j.ID)
		w.mu.Unlock()
		return job.Job{}, false, nil
	}
	w.setInflight(j.ID, true)
	// The budget in force now, checked in the write that claims the job.
	sj, err := w.st.ClaimWithinBudget(ctx, j.ID, w.monthlyBudget(), func(c *job.Job) error {
		if c.Status != job.Queued || c.Attempt != j.Attempt {
			return errSkip
		}
		c.Status = job.Submitting
		c.Error = ""
		return nil
	})
	if err != nil {
		w.setInflight(j.ID, false)
		if errors.Is(err, cost.ErrOverBudget) {
			w.holdForBudget(j, now)
			return job.Job{}, false, nil
		}
		if skippable(err) {
			return job.Job{}, false, nil
		}
		return job.Job{}, false, fmt.Errorf("saving job %s as submitting: %w", j.ID, err)
	}
	r.slots[j.Provider] = used + 1
	w.changed(sj)
	return sj, true, nil
}

// unsend puts a job back in the queue when its create call was never made.
func (w *Worker) unsend(j job.Job) {
	defer w.setInflight(j.ID, false)
	if w.Err() != nil { // the file is lost: nothing to put back (replaced.go)
		w.unsent(j.ID)
		return
	}
	err := w.save(context.Background(), j.ID, true, func(c *job.Job) error {
		if c.Status != job.Submitting || c.Attempt != j.Attempt {
			return errSkip
		}
		c.Status = job.Queued
		return nil
	})
	if err != nil {
		w.log.WithError(err).WithField("job", j.ID).Error("could not put an unsent job back in the queue")
	}
}
