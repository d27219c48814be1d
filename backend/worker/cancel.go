package worker

import (
	"context"
	"fmt"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// A cancel the user asked for while a job ran (job.CancelRequestedAt):
// the job stays running, and reserved against the budget, until the
// provider says how the run ended, because a provider bills what a run
// used before it stopped, and a provider that cannot stop a run
// (Perplexity) finishes and bills it anyway. So:
//
//   - a provider that can cancel is asked again at each check while it
//     still reports the run queued or in progress, and the run is checked
//     on a short schedule (CancelRecheck, doubling) for CancelSettle after
//     the request, then at the poll interval;
//   - a run reported cancelled ends the job cancelled with the usage and
//     cost it reports; while its usage is not reported yet, it is checked
//     again on that schedule, and after CancelSettle it ends with no cost
//     known, saying so;
//   - a run that finished anyway (or a provider that cannot cancel) ends
//     like any run: its report, citations and cost are saved.
const (
	// CancelRecheck is the first wait before a cancelled run is checked
	// again; later waits double (the time since the request).
	CancelRecheck = 2 * time.Second
	// CancelSettle is how long after the request the short schedule runs.
	CancelSettle = time.Minute
)

// usageKnown reports whether a snapshot says what the run used (tokens or
// a cost; a count of web searches alone, read from the output, is not the
// provider's usage).
func usageKnown(s provider.Snapshot) bool {
	return s.CostUSD > 0 || s.Usage.InputTokens > 0 || s.Usage.OutputTokens > 0
}

// canCancel reports whether p can stop a run at the provider; a provider
// without a CanCancel method is assumed to.
func canCancel(p Provider) bool {
	c, ok := p.(interface{ CanCancel() bool })
	return !ok || c.CanCancel()
}

// settle keeps a run cancelled at the user's request running while the
// provider has not reported its usage yet, until CancelSettle after the
// request: the next check may bring it.
func (w *Worker) settle(j job.Job, o outcome, now time.Time) outcome {
	if o.usageLate && j.CancelRequestedAt != nil && now.Sub(*j.CancelRequestedAt) < CancelSettle {
		return outcome{status: job.Running}
	}
	return o
}

// nextCheck is when a running job is checked next, and whether that time
// follows the poll interval. While a cancel the user asked for settles at
// a provider that can cancel, a run still going is asked to stop again
// (not in the same moment as the request itself) and the next check comes
// on the short schedule.
func (w *Worker) nextCheck(ctx context.Context, p Provider, j job.Job, s provider.Snapshot, now time.Time) (time.Time, bool) {
	next := now.Add(w.interval())
	if j.CancelRequestedAt == nil || !canCancel(p) {
		return next, true
	}
	since := now.Sub(*j.CancelRequestedAt)
	if going := s.Status == provider.StatusQueued || s.Status == provider.StatusInProgress; going && since >= CancelRecheck {
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		if err := p.Cancel(cctx, j.ProviderJobID); err != nil {
			w.log.WithError(err).WithField("job", j.ID).Info("asking the provider again to cancel the run failed; it is checked again")
		}
		cancel()
	}
	if since >= CancelSettle {
		return next, true
	}
	if soon := now.Add(max(since, CancelRecheck)); soon.Before(next) {
		return soon, false
	}
	return next, true
}

// Refresh checks one running job now, as a poll does (fetch, decide,
// save, emit), in any process, leader or not: the service calls it right
// after a provider accepted a cancel, so the cost of the cancelled run is
// recorded at once. ctx bounds the provider call. It returns the job as
// stored afterwards; a job that is not running is returned unchanged.
func (w *Worker) Refresh(ctx context.Context, id string) (job.Job, error) {
	if err := w.CheckFile(ctx); err != nil { // the database file is lost (replaced.go)
		return job.Job{}, err
	}
	j, err := w.st.GetJob(ctx, id)
	if err != nil || j.Status != job.Running {
		return j, err
	}
	r := &round{slots: map[string]int{}, freed: map[string]bool{}, direct: true}
	w.poll(ctx, r, w.provider(j.Provider), j)
	if len(r.freed) > 0 {
		w.mu.Lock()
		for prov := range r.freed {
			w.unparkLocked(prov)
		}
		w.mu.Unlock()
		w.kick()
	}
	if err := r.err(); err != nil {
		return j, fmt.Errorf("checking job %s: %w", id, err)
	}
	return w.st.GetJob(ctx, id)
}
