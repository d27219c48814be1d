package worker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// lateSave is a provider id that came back from a create call but could
// not be saved. The paid run exists, so the id is kept in memory and its
// save retried (with backoff) until it lands; meanwhile the job stays
// submitting and counts as in flight here, so it is never taken for a job
// "Deepr stopped while sending".
type lateSave struct {
	attempt     int
	provider    string
	id          string
	submittedAt time.Time
	tries       int
	retryAt     time.Time
	fellBack    bool // a follow-up sent with its parent's report instead of its response
}

// create makes one create call, bounded by callTimeout.
func (w *Worker) create(ctx context.Context, p Provider, r provider.Request) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	return p.Submit(cctx, r)
}

// maxLateBackoff caps the wait between two tries to save a provider id.
const maxLateBackoff = time.Minute

// submit makes the one create call of an attempt and records its outcome.
// It never calls Submit twice for one attempt, but for a follow-up whose
// parent response the provider no longer keeps (KindContextGone: refused,
// nothing created), which is sent once more with the parent's report as
// context and marked job.ContextFallback.
func (w *Worker) submit(ctx context.Context, r *round, p Provider, j job.Job) {
	if w.paused(j.Provider) || !w.isLeading() {
		r.free(j.Provider)
		w.unsend(j)
		return
	}
	// Shutdown does not cut a create call short: that would leave it
	// ambiguous. Its own timeout does. Saving the outcome must survive
	// shutdown too, or a paid job id is lost.
	wctx := context.WithoutCancel(ctx)
	req := provider.Request{
		JobID:           j.ID,
		Attempt:         j.Attempt,
		Prompt:          j.Prompt,
		Model:           j.Model,
		WebSearch:       j.Options.WebSearch,
		CodeInterpreter: j.Options.CodeInterpreter,
		MaxToolCalls:    j.Options.MaxToolCalls,
	}
	var (
		id       string
		err      error
		fellBack bool // the parent's response was gone: its report went as context
	)
	if j.ParentID != "" && w.cfg.Parent != nil {
		req.Parent, err = w.cfg.Parent(wctx, j)
		if err != nil {
			err = &provider.Error{Kind: provider.KindRejected, Op: "create", Message: err.Error(), Err: err}
		}
	}
	if err == nil {
		id, err = w.create(wctx, p, req)
		if provider.KindOf(err) == provider.KindContextGone && req.Parent != nil && req.Parent.ResponseID != "" {
			// Refused before anything was created: sending again with
			// the parent's report as context is safe.
			w.log.WithField("job", j.ID).WithError(err).Info("the provider no longer keeps the parent's response; sending the parent's report as context")
			fb := *req.Parent
			fb.ResponseID = ""
			req.Parent = &fb
			fellBack = true
			id, err = w.create(wctx, p, req)
		}
	}
	now := w.clock.Now()
	log := w.log.WithField("job", j.ID)

	if err == nil {
		w.providerOK(j.Provider)
		l := lateSave{attempt: j.Attempt, provider: j.Provider, id: id, submittedAt: now, fellBack: fellBack}
		if serr := w.saveID(wctx, j.ID, l); serr != nil {
			// Keep the id (and the job in flight) and try again soon.
			l.tries = 1
			l.retryAt = now.Add(lateBackoff(1))
			w.mu.Lock()
			w.late[j.ID] = l
			w.mu.Unlock()
			if w.Err() != nil { // the database file is lost: the id goes into the recovery file (replaced.go)
				log.WithField("provider_job_id", id).Error("the job was created at the provider after the database file was lost; its id is kept in the recovery file")
				return
			}
			log.WithError(serr).WithField("provider_job_id", id).Error("the job was created at the provider but its id could not be saved; trying again")
			r.fail(serr)
			return
		}
		w.setInflight(j.ID, false)
		return
	}
	defer w.setInflight(j.ID, false)

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
	same := func(c *job.Job) bool { return c.Status == job.Submitting && c.Attempt == j.Attempt }
	var fn func(c *job.Job) error
	switch kind {
	case provider.KindNotSent, provider.KindRateLimited:
		if kind == provider.KindNotSent {
			w.providerOffline(j.Provider, err)
		} else {
			w.providerOK(j.Provider)
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
	case provider.KindRejected, provider.KindQuota, provider.KindNotFound, provider.KindContextGone:
		w.providerOK(j.Provider)
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
			if provider.ModelGone(err) {
				c.Error = w.goneMessage(*c)
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
			c.Error = fmt.Sprintf(msgAmbiguous, displayName(c.Provider), ambiguousDetail(pe))
			return nil
		}
	}
	if fellBack { // what was last sent carried the parent's report
		outcome := fn
		fn = func(c *job.Job) error {
			if err := outcome(c); err != nil {
				return err
			}
			c.ParentContext = job.ContextFallback
			return nil
		}
	}
	if serr := w.save(wctx, j.ID, true, fn); serr != nil {
		r.fail(serr)
	}
}

// saveID records the provider id of a created job: submitting -> running.
// If another process already gave up on this attempt (unconfirmed, no id),
// the id is still recorded so the user learns that the run exists.
func (w *Worker) saveID(ctx context.Context, jobID string, l lateSave) error {
	return w.save(ctx, jobID, true, func(c *job.Job) error {
		if c.Status == job.Unconfirmed && c.Attempt == l.attempt && c.ProviderJobID == "" {
			c.ProviderJobID = l.id
			c.Error = fmt.Sprintf("This job did reach %s as %s, but another Deepr process had already marked it unconfirmed. Resubmit or dismiss it.", displayName(c.Provider), l.id)
			return nil
		}
		if c.Status != job.Submitting || c.Attempt != l.attempt {
			return errSkip
		}
		c.Status = job.Running
		c.ProviderJobID = l.id
		if l.fellBack {
			c.ParentContext = job.ContextFallback
		}
		c.SubmittedAt = &l.submittedAt
		c.ProviderStatus = provider.StatusQueued
		c.NextPollAt = l.submittedAt.Add(w.interval() / 3)
		c.Error = ""
		c.PollErrors = 0
		return nil
	})
}

// retryLate tries again to save the provider ids whose save failed: those
// due now, or all of them when force is set (shutdown). A saved (or no
// longer needed) id is forgotten and its job is no longer in flight.
func (w *Worker) retryLate(ctx context.Context, force bool) error {
	now := w.clock.Now()
	w.mu.Lock()
	var due []string
	for id, l := range w.late {
		if force || !l.retryAt.After(now) {
			due = append(due, id)
		}
	}
	w.mu.Unlock()
	var errs []error
	for _, jobID := range due {
		w.mu.Lock()
		l := w.late[jobID]
		w.mu.Unlock()
		err := w.saveID(ctx, jobID, l)
		w.mu.Lock()
		if err == nil {
			delete(w.late, jobID)
			delete(w.inflight, jobID)
		} else {
			l.tries++
			l.retryAt = now.Add(lateBackoff(l.tries))
			w.late[jobID] = l
		}
		w.mu.Unlock()
		log := w.log.WithField("job", jobID).WithField("provider_job_id", l.id)
		switch {
		case err == nil:
			log.Info("the provider id that could not be saved earlier is saved now")
			w.kick()
		case force:
			log.WithError(err).Error("the job was created at the provider but its id could not be saved before Deepr stopped; track this response id by hand")
			errs = append(errs, err)
		default:
			log.WithError(err).Warn("saving the provider id failed again; trying again")
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// lateBackoff is the wait before the n-th retry of a failed id save: 1 s,
// 2 s, 4 s, ... up to a minute.
func lateBackoff(n int) time.Duration {
	d := time.Second
	for i := 1; i < n && d < maxLateBackoff; i++ {
		d *= 2
	}
	return min(d, maxLateBackoff)
}
