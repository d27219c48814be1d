package research

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// cancelTimeout bounds each provider call a cancel makes (the cancel, and
// the one fetch after it).
const cancelTimeout = 30 * time.Second

// CancelResult is the job after a cancel and, when something did not go
// as asked, a warning the user must hear: the provider could not be told,
// or cannot stop a run at all (it will finish and bill).
type CancelResult struct {
	Job     job.Job `json:"job"`
	Warning string  `json:"warning"`
}

// Cancel cancels a queued or running job (an unconfirmed one is dismissed).
//
// A queued job was never sent: it is cancelled at once and costs nothing.
// A running job is billed for what it used, so it is not dropped: the
// cancel is recorded (CancelRequestedAt) and the job stays running, and
// reserved against the budget, until the provider says how the run ended.
// A provider that can cancel is told, and the run is fetched once more
// (bounded) so its usage and cost are recorded on the attempt at once;
// when the provider has not reported them yet, the poller fetches it
// again on a short schedule. A provider that cannot stop a run
// (Perplexity) finishes it and bills it: the poller keeps checking it and
// its report and cost are saved like any run's, and the warning says so.
// Cancelling a cancelled job, or again one already asked to stop, changes
// nothing.
func (s *Service) Cancel(ctx context.Context, id string) (CancelResult, error) {
	j, err := s.get(ctx, id)
	if err != nil {
		return CancelResult{}, err
	}
	switch {
	case j.Status == job.Cancelled:
		return CancelResult{Job: s.withActions(ctx, j)}, nil
	case j.Status == job.Submitting:
		return CancelResult{}, notAllowed(j, "job %s is being sent to the provider right now: try again in a few seconds", j.ID)
	case j.Status == job.Unconfirmed: // nothing runs here: cancelling it is dismissing it
		d, err := s.Dismiss(ctx, j.ID)
		return CancelResult{Job: d}, err
	case j.Status.Final():
		return CancelResult{}, notAllowed(j, "job %s already ended (%s): nothing to cancel", j.ID, j.Status)
	}
	now := s.now()
	j, err = s.st.Update(ctx, j.ID, func(c *job.Job) error {
		switch {
		case c.Status == job.Running && c.ProviderJobID != "":
			if c.CancelRequestedAt == nil {
				c.CancelRequestedAt = &now
			}
			return nil
		case c.Status == job.Queued, c.Status == job.Running: // never sent, or nothing the provider could be asked about
			c.Status = job.Cancelled
			c.Error = job.MsgCancelled
			c.FinishedAt = &now
			return nil
		}
		return notAllowed(*c, "job %s changed to %s meanwhile: nothing cancelled", c.ID, c.Status)
	})
	if err != nil {
		return CancelResult{}, err
	}
	j = s.emitJob(ctx, j)
	if j.Status != job.Running {
		return CancelResult{Job: j}, nil
	}
	j, warning := s.stopAtProvider(ctx, j)
	return CancelResult{Job: s.withActions(ctx, j), Warning: warning}, nil
}

// stopAtProvider tells the provider of a running job whose cancel was just
// requested, and records what it says. It returns the job as stored and
// the warning the user must hear ("" when the provider stopped the run).
func (s *Service) stopAtProvider(ctx context.Context, j job.Job) (job.Job, string) {
	name := s.displayName(j.Provider)
	if !s.canCancel(j) {
		return j, cannotStop(name)
	}
	p := s.provider(j.Provider)
	if p == nil {
		return j, fmt.Sprintf("Cancel requested, but %s could not be told (it is not configured in this process): "+
			"the run may finish and bill. Deepr keeps checking it, and keeps its report and cost.", name)
	}
	cctx, cancel := context.WithTimeout(ctx, cancelTimeout)
	err := p.Cancel(cctx, j.ProviderJobID)
	cancel()
	switch {
	case err != nil && provider.KindOf(err) == provider.KindNotFound:
		// The provider no longer has the run: nothing runs and nothing more
		// can be learnt about it. The local cancel stands.
		return s.cancelHere(ctx, j), ""
	case err != nil:
		s.log.WithError(err).WithField("job", j.ID).Warn("cancel at the provider failed; it is asked again at the next checks")
		s.worker.Wake(j.ID)
		return j, fmt.Sprintf("Cancel requested, but %s could not be told (%s): Deepr asks again at its next checks. "+
			"If the run finishes first, its report is kept and its cost recorded.", name, userMessage(err))
	}
	// Accepted: fetch the run once more, so what it used is recorded now.
	fctx, cancel := context.WithTimeout(ctx, cancelTimeout)
	got, err := s.worker.Refresh(fctx, j.ID)
	cancel()
	if err != nil {
		s.log.WithError(err).WithField("job", j.ID).Warn("fetching the cancelled run failed; the poller fetches it again")
		s.worker.Wake(j.ID)
		return j, ""
	}
	return got, ""
}

// cancelHere ends a running job cancelled without asking the provider
// again (it no longer has the run).
func (s *Service) cancelHere(ctx context.Context, j job.Job) job.Job {
	now := s.now()
	got, err := s.st.Update(ctx, j.ID, func(c *job.Job) error {
		if c.Status != job.Running || c.ProviderJobID != j.ProviderJobID {
			return errUnchanged
		}
		c.Status = job.Cancelled
		c.Error = job.MsgCancelled
		c.FinishedAt = &now
		return nil
	})
	if err != nil {
		if !errors.Is(err, errUnchanged) {
			s.log.WithError(err).WithField("job", j.ID).Warn("could not record the cancel")
		}
		got, err = s.st.GetJob(ctx, j.ID)
		if err != nil {
			return j
		}
		return got
	}
	return s.emitJob(ctx, got)
}

// errUnchanged makes an update write nothing: the job changed meanwhile.
var errUnchanged = errors.New("job changed meanwhile")

// canCancel reports whether the provider can stop j's run: what its model
// honours (an unknown provider is assumed to).
func (s *Service) canCancel(j job.Job) bool {
	if _, ok := s.spec(j.Provider); !ok {
		return true
	}
	return capsOf(s.Config(), j.Provider, j.Model).Cancel
}

// cannotStop is the honest warning about a provider without a cancel call.
func cannotStop(name string) string {
	return fmt.Sprintf("%s cannot stop a run; it will finish and bill; Deepr will keep the report.", name)
}

// cancelPrompt is what a face asks before cancelling j ("" when cancel is
// not among its actions): what happens, at the job's own provider.
func (s *Service) cancelPrompt(j job.Job) string {
	if !job.Can(j.Status, false, job.ActionCancel) || j.CancelRequestedAt != nil {
		return ""
	}
	name := s.displayName(j.Provider)
	switch {
	case j.Status == job.Queued:
		return fmt.Sprintf("It has not been sent to %s yet: it leaves the queue and nothing is billed.", name)
	case !s.canCancel(j):
		return cannotStop(name) + " Deepr notes that you asked, and the report arrives when the run ends."
	}
	return fmt.Sprintf("%s is asked to stop the run. What it used until then is billed, and Deepr records that cost; "+
		"no report is saved unless the run finishes first.", name)
}

// cancelNote says what became of a cancel the user asked for while j ran
// ("" when none was asked).
func (s *Service) cancelNote(j job.Job) string {
	if j.CancelRequestedAt == nil {
		return ""
	}
	name := s.displayName(j.Provider)
	stoppable := s.canCancel(j)
	switch {
	case j.Status == job.Running && !stoppable:
		return "Cancel requested. " + cannotStop(name)
	case j.Status == job.Running:
		return fmt.Sprintf("Cancelling: %s was asked to stop the run. Deepr records what it used once %s reports it, "+
			"and keeps the report if the run finishes first.", name, name)
	case (j.Status == job.Completed || j.Status == job.Incomplete) && !stoppable:
		return fmt.Sprintf("You cancelled this run, but %s cannot stop a run: it finished and was billed, and its report is kept.", name)
	case j.Status == job.Completed || j.Status == job.Incomplete:
		return fmt.Sprintf("You cancelled this run, but it finished before %s stopped it: it was billed, and its report is kept.", name)
	}
	return ""
}
