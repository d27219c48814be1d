package worker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

// poll fetches one running job and records what it means. A poll that
// learns nothing new writes nothing: the next check is planned in memory.
func (w *Worker) poll(ctx context.Context, r *round, p Provider, j job.Job) {
	wctx := context.WithoutCancel(ctx)
	if p == nil || j.ProviderJobID == "" {
		// Never drop a job: keep it running and say why it cannot be checked.
		reason := fmt.Sprintf("No provider named %q is available in this version of Deepr; the job cannot be checked.", j.Provider)
		if p != nil {
			reason = "No provider response id was saved for this job, so it cannot be checked. Cancel and resubmit it."
		}
		next := w.clock.Now().Add(w.interval())
		if j.Error == reason {
			w.planCheck(j, next, true)
		} else {
			w.log.WithField("job", j.ID).Warn(reason)
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
		}
		w.giveUpIfOld(wctx, r, p, j)
		return
	}
	if w.paused(j.Provider) || !w.isLeading() && !r.direct {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	snap, err := fetch(cctx, p, j)
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
			w.providerOK(j.Provider)
			log.WithError(err).Warn("the provider no longer has this job")
			if serr := w.save(wctx, j.ID, true, func(c *job.Job) error {
				if !same(c) {
					return errSkip
				}
				name := displayName(c.Provider)
				c.Status = job.Failed
				c.Error = fmt.Sprintf("%s no longer has this response (%s): it was deleted or expired before its result was saved. Resubmit the job to run it again.", name, c.ProviderJobID)
				if pe := (*provider.Error)(nil); errors.As(err, &pe) && pe.Code == provider.CodeAPIRetired {
					c.Error = pe.Message // the provider retired the API: its message says how to move the job
				}
				if c.CancelRequestedAt != nil { // the user cancelled it: nothing more can be learnt
					c.Status, c.Error = job.Cancelled, job.MsgCancelled
				}
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

	w.providerOK(j.Provider)
	o := w.settle(j, decide(j, snap), now)
	if o.unknown {
		log.WithField("provider_status", snap.Status).Warn("unknown provider status; the job keeps running and is checked again")
	}
	if o.status == job.Running {
		if w.giveUpIfOld(wctx, r, p, j) {
			return
		}
		next, every := w.nextCheck(wctx, p, j, snap, now)
		if j.ProviderStatus == snap.KeptStatus() && j.Progress == snap.Progress && j.PollErrors == 0 && j.Error == "" {
			w.planCheck(j, next, every) // nothing new: nothing written
			return
		}
		if err := w.save(wctx, j.ID, true, func(c *job.Job) error {
			if !same(c) {
				return errSkip
			}
			c.ProviderStatus = snap.KeptStatus()
			c.Progress = snap.Progress
			c.PollErrors = 0
			c.Error = ""
			c.NextPollAt = next
			return nil
		}); err != nil {
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
// the final state commit in ONE transaction. The on-disk mirror is written
// after the commit and report_path is set only once that write succeeded;
// a mirror failure only logs (the database has the report, and
// mirror.Rebuild can write it again).
func (w *Worker) finish(ctx context.Context, j job.Job, s provider.Snapshot, o outcome, now time.Time) error {
	fn := func(c *job.Job) error {
		if c.Status != job.Running || c.ProviderJobID != j.ProviderJobID {
			return errSkip
		}
		c.Status = o.status
		c.Error = o.err
		c.ProviderStatus = s.KeptStatus() // the provider's own word (Gemini's budget_exceeded)
		if s.Progress != (job.Progress{}) {
			c.Progress = s.Progress
		}
		if s.Usage != (job.Usage{}) || s.CostUSD > 0 {
			if s.Usage != (job.Usage{}) {
				c.Usage = s.Usage
			}
			if w.cfg.Cost != nil {
				c.CostUSD = w.cfg.Cost(*c, s)
			}
		}
		c.FinishedAt = &now
		c.PollErrors = 0
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
	if err := w.Err(); err != nil { // the file is lost (replaced.go): the run is in the recovery file
		return err
	}
	stored, err := w.st.Finish(ctx, j.ID, rep, fn)
	if skippable(err) {
		w.log.WithField("job", j.ID).Debug("job changed meanwhile; the provider's result is not saved")
		return nil
	}
	if err != nil {
		return fmt.Errorf("saving the report of job %s (it stays running and is checked again): %w", j.ID, err)
	}
	w.noteVersion(stored)
	rep.Raw = nil // the folder has no use for it: let a big answer go
	if w.cfg.DataDir != "" {
		stored = w.mirror(ctx, stored, rep)
	}
	w.changed(stored)
	w.finished(stored)
	return nil
}

// mirror writes the report's copy on disk and records its folder as the
// job's report_path (mirror.Save). It returns the job as stored last. A
// failure leaves the folder due: the end of the pass tries again (heal).
func (w *Worker) mirror(ctx context.Context, j job.Job, rep store.Report) job.Job {
	saved, err := mirror.Save(ctx, w.st, w.cfg.DataDir, j, rep)
	if err != nil {
		w.log.WithError(err).WithField("job", j.ID).Error("the report is saved in the database but its copy on disk could not be written; the poller tries again")
	}
	w.noteVersion(saved)
	return saved
}

// giveUpIfOld fails a running job older than MaxJobAge, after asking the
// provider to cancel it (errors ignored) and fetching it once more: the
// provider bills what the run used, so the usage it then reports is priced
// on the failed attempt, and a run that finished meanwhile is saved like
// any other. A run at a provider that cannot stop it (Perplexity) is never
// given up: it finishes and bills whatever Deepr does, so it is polled to
// its end and its report kept, and a run whose provider cannot be reached
// is given up only once it answers. It reports whether it gave up.
func (w *Worker) giveUpIfOld(ctx context.Context, r *round, p Provider, j job.Job) bool {
	since := j.CreatedAt
	if j.SubmittedAt != nil {
		since = *j.SubmittedAt
	}
	if w.clock.Now().Sub(since) <= w.cfg.MaxJobAge {
		return false
	}
	sent := p != nil && j.ProviderJobID != ""
	if sent && !canCancel(p) {
		return false
	}
	var (
		used  job.Usage
		spent float64
		known bool
	)
	if sent {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		if err := p.Cancel(cctx, j.ProviderJobID); err != nil {
			w.log.WithError(err).WithField("job", j.ID).Info("cancelling an expired job at the provider failed (ignored)")
		}
		cancel()
		fctx, fcancel := context.WithTimeout(ctx, callTimeout)
		snap, err := fetch(fctx, p, j)
		fcancel()
		if err != nil && provider.KindOf(err) != provider.KindNotFound {
			// The provider cannot say what the run used now: give up once it
			// can (the run may have finished, or billed), never at $0 unseen.
			w.log.WithError(err).WithField("job", j.ID).Info("an expired job could not be checked after its cancel; it is given up once its provider answers")
			return false
		}
		if o := decide(j, snap); err == nil && o.report { // it finished before the cancel: keep it
			if err := w.finish(ctx, j, snap, o, w.clock.Now()); err != nil {
				r.fail(err)
			} else {
				r.free(j.Provider)
			}
			return true
		}
		if known = err == nil && usageKnown(snap); known {
			used = snap.Usage
			if w.cfg.Cost != nil {
				spent = w.cfg.Cost(j, snap)
			}
		}
	}
	now := w.clock.Now()
	err := w.save(ctx, j.ID, true, func(c *job.Job) error {
		if c.Status != job.Running || c.ProviderJobID != j.ProviderJobID {
			return errSkip
		}
		name := displayName(c.Provider)
		c.Status = job.Failed
		c.Error = fmt.Sprintf("gave up after %s: %s had not finished the job, so it was cancelled there. Resubmit it to try again.", w.cfg.MaxJobAge, name)
		if known {
			c.Usage, c.CostUSD = used, spent
		} else if c.ProviderJobID != "" {
			c.Error += " " + noUsage(name)
		}
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
	if err := w.Err(); err != nil { // the file is lost: write nothing (replaced.go)
		return fmt.Errorf("saving job %s: %w", id, err)
	}
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
