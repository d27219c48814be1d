package research

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// userMessage is the user-facing text of a provider error.
func userMessage(err error) string {
	var pe *provider.Error
	if errors.As(err, &pe) && pe.Message != "" {
		return strings.TrimSuffix(pe.Message, ".")
	}
	return err.Error()
}

// Dismiss gives up on an unconfirmed job without sending it again.
func (s *Service) Dismiss(ctx context.Context, id string) (job.Job, error) {
	j, err := s.get(ctx, id)
	if err != nil {
		return job.Job{}, err
	}
	if j.Status != job.Unconfirmed {
		return job.Job{}, notAllowed(j, "job %s is %s: only unconfirmed jobs are dismissed (delete or cancel it instead)", j.ID, j.Status)
	}
	j, err = s.st.Update(ctx, j.ID, func(c *job.Job) error {
		if c.Status != job.Unconfirmed {
			return notAllowed(*c, "job %s changed to %s meanwhile", c.ID, c.Status)
		}
		c.Status = job.Cancelled
		c.Error = "Dismissed by the user."
		t := s.now()
		c.FinishedAt = &t
		return nil
	})
	if err != nil {
		return job.Job{}, err
	}
	return s.emitJob(ctx, j), nil
}

// Resubmit starts a new attempt of an unconfirmed, failed or cancelled job,
// under the same budget check as a new submission, with the job's own cost
// cap (it belongs to the job). The attempt gets its own clock (the store
// sets QueuedAt), so the maximum job age counts from now.
func (s *Service) Resubmit(ctx context.Context, id string) (job.Job, error) {
	j, err := s.get(ctx, id)
	if err != nil {
		return job.Job{}, err
	}
	if !j.Status.Resubmittable() {
		return job.Job{}, notAllowed(j, "job %s is %s: only unconfirmed, failed or cancelled jobs can be resubmitted", j.ID, j.Status)
	}
	// Priced again at today's prices; the earlier attempts keep theirs.
	check, err := s.budgetCheck(ctx, j.Provider, j.Model, j.Prompt, s.parentText(ctx, j.ParentID), j.Options, j.MaxCostUSD)
	if err != nil {
		return job.Job{}, err
	}
	j, err = s.st.ResubmitWithinBudget(ctx, j.ID, check, func(c *job.Job) error {
		if !c.Status.Resubmittable() {
			return notAllowed(*c, "job %s changed to %s meanwhile", c.ID, c.Status)
		}
		c.Status = job.Queued
		c.Attempt++
		c.ProviderJobID = ""
		c.ProviderStatus = ""
		c.Error = ""
		c.Progress = job.Progress{}
		c.Usage = job.Usage{}
		c.CostUSD = 0
		c.SubmittedAt = nil
		c.FinishedAt = nil
		c.CancelRequestedAt = nil // a cancel belonged to the attempt before
		c.PollErrors = 0
		c.NextPollAt = s.now()
		if c.ParentContext == job.ContextFallback { // try the stored response again
			c.ParentContext = s.contextMode(ctx, c.ParentID, c.Provider, c.Model)
		}
		return nil
	})
	if err != nil {
		return job.Job{}, overBudget(err)
	}
	j = s.emitJob(ctx, j)
	s.worker.Wake(j.ID)
	return j, nil
}

// CheckResult says what "check now" did.
type CheckResult struct {
	Job     job.Job `json:"job"`
	Message string  `json:"message"`
}

// CheckNow asks the poller to look at a queued or running job at once. The
// job is made due in the database, so the process that polls (this one or
// another) sees it at once.
func (s *Service) CheckNow(ctx context.Context, id string) (CheckResult, error) {
	j, err := s.get(ctx, id)
	if err != nil {
		return CheckResult{}, err
	}
	if !job.Can(j.Status, false, job.ActionCheck) {
		return CheckResult{}, notAllowed(j, "job %s is %s: there is nothing to check", j.ID, j.Status)
	}
	now := s.now()
	if j.NextPollAt.After(now) {
		j, err = s.st.Update(ctx, j.ID, func(c *job.Job) error {
			if c.Status.Active() && c.NextPollAt.After(now) {
				c.NextPollAt = now
			}
			return nil
		})
		if err != nil {
			return CheckResult{}, err
		}
	}
	s.worker.Wake(j.ID)
	res := CheckResult{Job: s.emitJob(ctx, j)}
	l, err := s.Lease(ctx)
	switch {
	case err != nil || !l.Fresh:
		res.Message = "No poller is running for this database: the job is checked as soon as one starts."
	case s.worker.Health().Poller != worker.PollerRunning:
		res.Message = "Another Deepr process polls this database: it checks the job now."
	case j.Status == job.Queued:
		res.Message = "Checking now: the job is sent as soon as a slot is free."
	default:
		res.Message = fmt.Sprintf("Checking with %s now.", s.displayName(j.Provider))
	}
	return res, nil
}

// AdoptRequest names the provider response that an unconfirmed job became.
type AdoptRequest struct {
	ID         string `json:"id"`          // the local job
	ResponseID string `json:"response_id"` // e.g. resp_... from the provider's dashboard
}

// Adopt tracks a paid run whose create call got no answer: the response is
// fetched first, and refused when it does not exist, names another job in
// its metadata (Gemini: its deepr_job_id label), carries no label where the
// provider labels every run (Gemini), or is already tracked. The job goes unconfirmed -> running.
func (s *Service) Adopt(ctx context.Context, r AdoptRequest) (job.Job, error) {
	j, err := s.get(ctx, r.ID)
	if err != nil {
		return job.Job{}, err
	}
	rid := strings.TrimSpace(r.ResponseID)
	if rid == "" || len(rid) > 200 || strings.ContainsAny(rid, " \t\r\n/?#") {
		return job.Job{}, invalid("response_id", "%q is not a response id: copy the id (like resp_...) from the provider's dashboard", rid)
	}
	if j.Status != job.Unconfirmed {
		return job.Job{}, notAllowed(j, "job %s is %s: only an unconfirmed job can be given a response id", j.ID, j.Status)
	}
	if other, err := s.st.GetJobByProviderID(ctx, rid); err == nil {
		return job.Job{}, invalid("response_id", "response %s is already tracked by job %s", rid, other.ID)
	} else if !errors.Is(err, store.ErrNotFound) {
		return job.Job{}, err
	}
	p := s.provider(j.Provider)
	if p == nil {
		return job.Job{}, &Error{Kind: ErrProvider, JobID: j.ID, Msg: fmt.Sprintf("%s is not configured in this process", s.displayName(j.Provider))}
	}
	fctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	snap, err := worker.FetchAs(fctx, p, j.Model, rid)
	cancel()
	if err != nil {
		if provider.KindOf(err) == provider.KindNotFound {
			return job.Job{}, invalid("response_id", "%s has no response with id %s: check the id", s.displayName(j.Provider), rid)
		}
		return job.Job{}, &Error{Kind: ErrProvider, JobID: j.ID, Err: err,
			Msg: fmt.Sprintf("could not look up response %s at %s: %s", rid, s.displayName(j.Provider), userMessage(err))}
	}
	if snap.JobID != "" && snap.JobID != j.ID {
		return job.Job{}, invalid("response_id", "response %s was created for another job (%s), not for %s", rid, snap.JobID, j.ID)
	}
	if snap.Untagged {
		return job.Job{}, invalid("response_id", "%s run %s has no deepr_job_id label, so Deepr did not create it for job %s: "+
			"check the id, or resubmit or dismiss the job", s.displayName(j.Provider), rid, j.ID)
	}
	return s.adopt(ctx, j.ID, rid, snap.KeptStatus())
}

// adopt moves an unconfirmed job to running with its provider id.
func (s *Service) adopt(ctx context.Context, id, rid, providerStatus string) (job.Job, error) {
	j, err := s.st.Update(ctx, id, func(c *job.Job) error {
		if c.Status != job.Unconfirmed {
			return notAllowed(*c, "job %s changed to %s meanwhile", c.ID, c.Status)
		}
		c.Status = job.Running
		c.ProviderJobID = rid
		c.ProviderStatus = providerStatus
		c.Error = ""
		c.PollErrors = 0
		if c.SubmittedAt == nil {
			t := s.now()
			c.SubmittedAt = &t
		}
		c.NextPollAt = s.now()
		return nil
	})
	if err != nil {
		return job.Job{}, err
	}
	s.log.WithField("job", id).WithField("response", rid).Info("adopted an unconfirmed run")
	j = s.emitJob(ctx, j)
	s.worker.Wake(j.ID)
	return j, nil
}
