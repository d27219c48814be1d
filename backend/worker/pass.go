package worker

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Messages stored on jobs the worker could not confirm.
const (
	msgCrashed = "Deepr stopped while sending this job to OpenAI, so it may or may not have been created there. " +
		"It was not sent again, to avoid paying twice: check the OpenAI dashboard, then resubmit or dismiss it."
	msgAmbiguous = "The request may have reached OpenAI (%s), but no response id came back. " +
		"It was not retried, to avoid paying twice: check the OpenAI dashboard, then resubmit or dismiss it."
)

// recover runs once after this process takes the lease (at start or on a
// takeover): a job left submitting by a process that died mid-create becomes
// unconfirmed, and every running job is returned to be polled now.
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
	w.mu.Lock()
	w.recovered = true
	w.mu.Unlock()
	return running, nil
}

// orphan marks a job left submitting by a dead process unconfirmed, unless
// this process is the one sending it.
func (w *Worker) orphan(ctx context.Context, j job.Job) error {
	if w.isInflight(j.ID) {
		return nil
	}
	return w.save(ctx, j.ID, true, func(c *job.Job) error {
		if c.Status != job.Submitting || w.isInflight(c.ID) {
			return errSkip
		}
		c.Status = job.Unconfirmed
		c.Error = msgCrashed
		return nil
	})
}

// pass submits and polls every due job once: woken jobs first, then due
// jobs oldest first, then running jobs found at a takeover. It returns
// whether a due job was skipped because its provider is paused.
func (w *Worker) pass(ctx context.Context, extra []job.Job) (pausedSkip bool, err error) {
	now := w.clock.Now()
	w.mu.Lock()
	w.health.LastCheck = &now
	w.mu.Unlock()

	due, err := w.st.DueJobs(ctx, now, 0)
	if err != nil {
		return false, fmt.Errorf("listing due jobs: %w", err)
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
		add(j)
	}
	for _, j := range extra {
		add(j)
	}

	pctx, stop := context.WithCancel(ctx)
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		w.keepBeating(pctx)
	}()
	defer func() {
		stop()
		<-beating
	}()

	r := &round{slots: map[string]int{}, freed: map[string]bool{}}
	sem := make(chan struct{}, w.cfg.Concurrency)
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

dispatch:
	for _, j := range list {
		if ctx.Err() != nil || !w.isLeading() {
			break
		}
		if w.paused(j.Provider) {
			pausedSkip = true
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
			if !launch(func() { w.submit(ctx, r, p, sj) }) {
				w.unsend(sj)
				break dispatch
			}
		case job.Submitting:
			if err := w.orphan(ctx, j); err != nil {
				r.fail(err)
			}
		case job.Running:
			if !launch(func() { w.poll(ctx, r, p, j) }) {
				break dispatch
			}
		}
	}
	wg.Wait()

	// A slot freed up: the jobs parked for lack of one may go now.
	w.mu.Lock()
	woke := false
	for prov := range r.freed {
		for _, id := range w.parked[prov] {
			w.woken[id] = struct{}{}
			woke = true
		}
		delete(w.parked, prov)
	}
	w.mu.Unlock()
	if woke {
		w.kick()
	}
	w.emitHealth()
	return pausedSkip, r.err()
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
	if now.Sub(j.CreatedAt) > w.cfg.MaxJobAge {
		return job.Job{}, false, w.save(ctx, j.ID, true, func(c *job.Job) error {
			if c.Status != job.Queued {
				return errSkip
			}
			name := displayName(c.Provider)
			c.Status = job.Failed
			c.Error = fmt.Sprintf("gave up after %s: the job was never sent to %s (no free slot, or %s could not be reached). Resubmit it to try again.", w.cfg.MaxJobAge, name, name)
			c.FinishedAt = &now
			return nil
		})
	}
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
	if used >= w.cfg.MaxRunning {
		// No free slot: look again after a poll interval, or as soon as a
		// job of this provider ends in this process.
		next := now.Add(w.interval())
		err := w.save(ctx, j.ID, false, func(c *job.Job) error {
			if c.Status != job.Queued || !c.NextPollAt.Before(next) {
				return errSkip
			}
			c.NextPollAt = next
			return nil
		})
		w.mu.Lock()
		w.parked[j.Provider] = append(w.parked[j.Provider], j.ID)
		w.mu.Unlock()
		return job.Job{}, false, err
	}
	w.setInflight(j.ID, true)
	sj, err := w.st.Update(ctx, j.ID, func(c *job.Job) error {
		if c.Status != job.Queued || c.Attempt != j.Attempt {
			return errSkip
		}
		c.Status = job.Submitting
		c.Error = ""
		return nil
	})
	if err != nil {
		w.setInflight(j.ID, false)
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

// submit makes the one create call of an attempt and records its outcome.
// It never calls Submit twice for one attempt.
func (w *Worker) submit(ctx context.Context, r *round, p Provider, j job.Job) {
	if w.paused(j.Provider) || !w.isLeading() {
		r.free(j.Provider)
		w.unsend(j)
		return
	}
	defer w.setInflight(j.ID, false)
	// Shutdown does not cut a create call short: that would leave it
	// ambiguous. Its own timeout does. Saving the outcome must survive
	// shutdown too, or a paid job id is lost.
	wctx := context.WithoutCancel(ctx)
	cctx, cancel := context.WithTimeout(wctx, callTimeout)
	id, err := p.Submit(cctx, provider.Request{
		JobID:           j.ID,
		Prompt:          j.Prompt,
		Model:           j.Model,
		WebSearch:       j.Options.WebSearch,
		CodeInterpreter: j.Options.CodeInterpreter,
		MaxToolCalls:    j.Options.MaxToolCalls,
	})
	cancel()
	now := w.clock.Now()
	log := w.log.WithField("job", j.ID)
	same := func(c *job.Job) bool { return c.Status == job.Submitting && c.Attempt == j.Attempt }

	if err == nil {
		w.providerOK()
		serr := w.save(wctx, j.ID, true, func(c *job.Job) error {
			if c.Status == job.Unconfirmed && c.Attempt == j.Attempt && c.ProviderJobID == "" {
				// Another process took over and gave up on this attempt
				// while the call was in flight: tell the user it did arrive.
				c.ProviderJobID = id
				c.Error = fmt.Sprintf("This job did reach %s as %s, but another Deepr process had already marked it unconfirmed. Resubmit or dismiss it.", displayName(c.Provider), id)
				return nil
			}
			if !same(c) {
				return errSkip
			}
			c.Status = job.Running
			c.ProviderJobID = id
			c.SubmittedAt = &now
			c.ProviderStatus = provider.StatusQueued
			c.NextPollAt = now.Add(w.interval() / 3)
			c.Error = ""
			c.PollErrors = 0
			return nil
		})
		if serr != nil {
			log.WithError(serr).WithField("provider_job_id", id).Error("the job was created at the provider but its id could not be saved")
			r.fail(serr)
		}
		return
	}

	r.free(j.Provider)
	kind := provider.KindAmbiguous
	var pe *provider.Error
	if errors.As(err, &pe) {
		kind = pe.Kind
	}
	msg := err.Error()
	if pe != nil && pe.Message != "" {
		msg = pe.Message
	}
	var fn func(c *job.Job) error
	switch kind {
	case provider.KindNotSent, provider.KindRateLimited:
		if kind == provider.KindNotSent {
			w.providerOffline(j.Provider, err)
		} else {
			w.providerOK()
		}
		log.WithError(err).Info("job not sent; it stays queued")
		fn = func(c *job.Job) error {
			if !same(c) {
				return errSkip
			}
			n := c.PollErrors + 1
			d := w.backoff(n, retryAfter(err))
			c.Status = job.Queued
			c.PollErrors = n
			c.NextPollAt = now.Add(d)
			c.Error = fmt.Sprintf("Not sent yet: %s. Deepr tries again in %s.", strings.TrimRight(msg, ". "), d.Round(time.Second))
			return nil
		}
	case provider.KindRejected, provider.KindQuota, provider.KindNotFound:
		w.providerOK()
		log.WithError(err).Warn("the provider refused the job")
		fn = func(c *job.Job) error {
			if !same(c) {
				return errSkip
			}
			c.Status = job.Failed
			c.Error = sentence(msg) + " Nothing was billed; change the request and resubmit it."
			if kind == provider.KindQuota {
				c.Error = sentence(msg)
			}
			c.FinishedAt = &now
			return nil
		}
	case provider.KindAuth:
		w.pause(j.Provider, err)
		fn = func(c *job.Job) error {
			if !same(c) {
				return errSkip
			}
			c.Status = job.Queued
			c.Error = "Not sent yet. " + sentence(msg) + " The job is sent once a working key is set."
			return nil
		}
	default:
		log.WithError(err).Warn("create call may have reached the provider; job left unconfirmed")
		fn = func(c *job.Job) error {
			if !same(c) {
				return errSkip
			}
			c.Status = job.Unconfirmed
			c.Error = fmt.Sprintf(msgAmbiguous, ambiguousDetail(pe))
			return nil
		}
	}
	if serr := w.save(wctx, j.ID, true, fn); serr != nil {
		r.fail(serr)
	}
}

// poll fetches one running job and records what it means.
func (w *Worker) poll(ctx context.Context, r *round, p Provider, j job.Job) {
	wctx := context.WithoutCancel(ctx)
	if p == nil || j.ProviderJobID == "" {
		// Never drop a job: keep it running and say why it cannot be checked.
		reason := fmt.Sprintf("No provider named %q is available in this version of Deepr; the job cannot be checked.", j.Provider)
		if p != nil {
			reason = "No provider response id was saved for this job, so it cannot be checked. Cancel and resubmit it."
		}
		w.log.WithField("job", j.ID).Warn(reason)
		next := w.clock.Now().Add(w.interval())
		if err := w.save(wctx, j.ID, true, func(c *job.Job) error {
			if c.Status != job.Running {
				return errSkip
			}
			c.Error = reason
			c.NextPollAt = next
			return nil
		}); err != nil {
			r.fail(err)
		}
		w.giveUpIfOld(wctx, r, p, j)
		return
	}
	if w.paused(j.Provider) || !w.isLeading() {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	snap, err := p.Fetch(cctx, j.ProviderJobID)
	cancel()
	if err != nil && ctx.Err() != nil {
		return // shutting down: nothing learned, nothing decided
	}
	now := w.clock.Now()
	log := w.log.WithField("job", j.ID).WithField("provider_job_id", j.ProviderJobID)
	same := func(c *job.Job) bool { return c.Status == job.Running && c.ProviderJobID == j.ProviderJobID }

	if err != nil {
		switch provider.KindOf(err) {
		case provider.KindAuth:
			w.pause(j.Provider, err)
			return
		case provider.KindNotFound:
			w.providerOK()
			log.WithError(err).Warn("the provider no longer has this job")
			if serr := w.save(wctx, j.ID, true, func(c *job.Job) error {
				if !same(c) {
					return errSkip
				}
				name := displayName(c.Provider)
				c.Status = job.Failed
				c.Error = fmt.Sprintf("%s no longer has this response (%s): it was deleted or expired before its result was saved. Resubmit the job to run it again.", name, c.ProviderJobID)
				c.FinishedAt = &now
				return nil
			}); serr != nil {
				r.fail(serr)
			} else {
				r.free(j.Provider)
			}
			return
		case provider.KindNotSent:
			w.providerOffline(j.Provider, err)
		}
		if w.giveUpIfOld(wctx, r, p, j) {
			return
		}
		log.WithError(err).Info("checking the job failed; backing off")
		if serr := w.save(wctx, j.ID, true, func(c *job.Job) error {
			if !same(c) {
				return errSkip
			}
			n := c.PollErrors + 1
			d := w.backoff(n, retryAfter(err))
			c.PollErrors = n
			c.NextPollAt = now.Add(d)
			c.Error = fmt.Sprintf("Last check failed (%v); Deepr tries again in %s.", err, d.Round(time.Second))
			return nil
		}); serr != nil {
			r.fail(serr)
		}
		return
	}

	w.providerOK()
	o := decide(j, snap)
	if o.unknown {
		log.WithField("provider_status", snap.Status).Warn("unknown provider status; the job keeps running and is checked again")
	}
	if o.status == job.Running {
		if w.giveUpIfOld(wctx, r, p, j) {
			return
		}
		next := now.Add(w.interval())
		var emit bool
		stored, err := w.st.Update(wctx, j.ID, func(c *job.Job) error {
			if !same(c) {
				return errSkip
			}
			emit = c.ProviderStatus != snap.Status || c.Progress != snap.Progress || c.PollErrors != 0 || c.Error != ""
			c.ProviderStatus = snap.Status
			c.Progress = snap.Progress
			c.PollErrors = 0
			c.Error = ""
			c.NextPollAt = next
			return nil
		})
		switch {
		case err == nil && emit:
			w.changed(stored)
		case err == nil:
			w.noteVersion(stored)
		case !skippable(err):
			r.fail(fmt.Errorf("saving the progress of job %s: %w", j.ID, err))
		}
		return
	}
	if err := w.finish(wctx, j, snap, o, now); err != nil {
		r.fail(err)
		return
	}
	r.free(j.Provider)
}

// finish records a final outcome. A report, its citations, usage, cost and
// the final state commit in ONE transaction; the on-disk mirror is written
// after the commit, and a failure there only logs (the database has it).
func (w *Worker) finish(ctx context.Context, j job.Job, s provider.Snapshot, o outcome, now time.Time) error {
	fn := func(c *job.Job) error {
		if c.Status != job.Running || c.ProviderJobID != j.ProviderJobID {
			return errSkip
		}
		c.Status = o.status
		c.Error = o.err
		c.ProviderStatus = s.Status
		if s.Progress != (job.Progress{}) {
			c.Progress = s.Progress
		}
		if s.Usage != (job.Usage{}) {
			c.Usage = s.Usage
			if w.cfg.Cost != nil {
				c.CostUSD = w.cfg.Cost(c.Model, s.Usage)
			}
		}
		c.FinishedAt = &now
		c.PollErrors = 0
		if o.report && w.cfg.DataDir != "" {
			c.ReportPath = filepath.Join(w.cfg.DataDir, mirror.RelDir(*c))
		}
		return nil
	}
	if !o.report {
		return w.save(ctx, j.ID, true, fn)
	}
	rep := store.Report{
		JobID:     j.ID,
		Title:     j.Title(),
		Markdown:  s.Report,
		Citations: s.Citations,
		Raw:       s.Raw,
		CreatedAt: now,
	}
	stored, err := w.st.Finish(ctx, j.ID, rep, fn)
	if skippable(err) {
		w.log.WithField("job", j.ID).Debug("job changed meanwhile; the provider's result is not saved")
		return nil
	}
	if err != nil {
		return fmt.Errorf("saving the report of job %s (it stays running and is checked again): %w", j.ID, err)
	}
	w.changed(stored)
	w.finished(stored)
	if w.cfg.DataDir != "" {
		if _, err := mirror.Write(w.cfg.DataDir, stored, rep); err != nil {
			w.log.WithError(err).WithField("job", j.ID).Error("the report is saved in the database but its copy on disk could not be written")
		}
	}
	return nil
}

// giveUpIfOld fails a running job older than MaxJobAge, after asking the
// provider to cancel it (errors ignored). It reports whether it did.
func (w *Worker) giveUpIfOld(ctx context.Context, r *round, p Provider, j job.Job) bool {
	since := j.CreatedAt
	if j.SubmittedAt != nil {
		since = *j.SubmittedAt
	}
	if w.clock.Now().Sub(since) <= w.cfg.MaxJobAge {
		return false
	}
	if p != nil && j.ProviderJobID != "" {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		if err := p.Cancel(cctx, j.ProviderJobID); err != nil {
			w.log.WithError(err).WithField("job", j.ID).Info("cancelling an expired job at the provider failed (ignored)")
		}
		cancel()
	}
	now := w.clock.Now()
	err := w.save(ctx, j.ID, true, func(c *job.Job) error {
		if c.Status != job.Running || c.ProviderJobID != j.ProviderJobID {
			return errSkip
		}
		c.Status = job.Failed
		c.Error = fmt.Sprintf("gave up after %s: %s had not finished the job, so it was cancelled there. Resubmit it to try again.", w.cfg.MaxJobAge, displayName(c.Provider))
		c.FinishedAt = &now
		return nil
	})
	if err != nil {
		r.fail(err)
	} else {
		r.free(j.Provider)
	}
	return true
}

// save applies fn with store.Update. A skipped or vanished row is not an
// error (the local state wins). When emit is set the stored job is
// emitted, and notified if it reached a final state or unconfirmed;
// otherwise its version is only noted.
func (w *Worker) save(ctx context.Context, id string, emit bool, fn func(*job.Job) error) error {
	var before job.Status
	stored, err := w.st.Update(ctx, id, func(c *job.Job) error {
		before = c.Status
		return fn(c)
	})
	if skippable(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("saving job %s (it stays active and is checked again): %w", id, err)
	}
	if !emit {
		w.noteVersion(stored)
		return nil
	}
	w.changed(stored)
	if stored.Status != before && (stored.Status.Final() || stored.Status == job.Unconfirmed) {
		w.finished(stored)
	}
	return nil
}

func skippable(err error) bool {
	return errors.Is(err, errSkip) || errors.Is(err, store.ErrNotFound)
}

// backoff is the wait after the n-th consecutive transient error:
// min(PollInterval*2^n, 10 min) with +-20% jitter, and never less than the
// provider's Retry-After.
func (w *Worker) backoff(n int, retryAfter time.Duration) time.Duration {
	w.mu.Lock()
	base := w.pollInterval
	jit := w.rand()
	w.mu.Unlock()
	for i := 0; i < n && base < maxBackoff; i++ {
		base *= 2
	}
	base = min(base, maxBackoff)
	d := min(time.Duration(float64(base)*(0.8+0.4*jit)), maxBackoff)
	return max(d, retryAfter)
}

func retryAfter(err error) time.Duration {
	var pe *provider.Error
	if errors.As(err, &pe) {
		return pe.RetryAfter
	}
	return 0
}

// sentence ends msg with exactly one period.
func sentence(msg string) string {
	return strings.TrimRight(strings.TrimSpace(msg), ". ") + "."
}

// ambiguousDetail says briefly what happened to a create call whose outcome
// is unknown.
func ambiguousDetail(pe *provider.Error) string {
	switch {
	case pe == nil:
		return "the call failed in an unexpected way"
	case pe.HTTPStatus > 0:
		return fmt.Sprintf("it answered HTTP %d", pe.HTTPStatus)
	default:
		return "the connection failed or timed out"
	}
}
