package recovery

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Result counts what Take (or Adopt) did.
type Result struct {
	Files       []string // the files taken over (now named <file>.done)
	Running     int      // runs added back as running: the poller fetches their reports
	Unconfirmed int      // runs sent without a response id, added as unconfirmed
	Reports     int      // finished reports added with their text
	Skipped     int      // jobs the database already had
}

// Jobs is how many jobs were added.
func (r Result) Jobs() int { return r.Running + r.Unconfirmed + r.Reports }

func (r *Result) add(o Result) {
	r.Files = append(r.Files, o.Files...)
	r.Running += o.Running
	r.Unconfirmed += o.Unconfirmed
	r.Reports += o.Reports
	r.Skipped += o.Skipped
}

// msgLostSending is the error of a job the lost database had as being sent.
const msgLostSending = "Deepr's database file was deleted or replaced while this job was being sent, so it may or may not have been created at the provider. " +
	"It was not sent again, to avoid paying twice: look for it in the provider's dashboard and track its response id, or resubmit or dismiss it."

// Take takes over every pending recovery file of dataDir into st (Adopt)
// and marks each one done. A file that cannot be read or fully added is
// left in place for the next start, and its error returned with the others.
func Take(ctx context.Context, st *store.Store, dataDir string, now time.Time) (Result, error) {
	paths, err := Pending(dataDir)
	if err != nil {
		return Result{}, err
	}
	var res Result
	var errs []error
	for _, p := range paths {
		f, err := Read(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r, err := Adopt(ctx, st, f, now)
		if err == nil {
			err = MarkDone(p)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("taking over the recovery file %s: %w", p, err))
			r.Files = nil
		} else {
			r.Files = []string{p}
		}
		res.add(r)
	}
	return res, errors.Join(errs...)
}

// Adopt adds the jobs of f that st does not have (by id or by provider
// response id): a run with a response id as running, due now; one sent
// without a response id as unconfirmed; a finished report with its text.
// Jobs with nothing left to follow are skipped. It stops at the first
// error; what it added before stays (a second Adopt skips it).
func Adopt(ctx context.Context, st *store.Store, f File, now time.Time) (Result, error) {
	var res Result
	for _, e := range f.Jobs {
		have, err := present(ctx, st, e.Job)
		if err != nil {
			return res, err
		}
		if have {
			res.Skipped++
			continue
		}
		switch {
		case e.Report != nil && (e.Status == job.Completed || e.Status == job.Incomplete):
			err = addReport(ctx, st, e)
			if err == nil {
				res.Reports++
			}
		case e.ProviderJobID != "" && (e.Status == job.Running || e.Status == job.Submitting):
			e.Status, e.Error = job.Running, ""
			err = addRun(ctx, st, e, now)
			if err == nil {
				res.Running++
			}
		case e.Status == job.Submitting || e.Status == job.Unconfirmed:
			if e.Status == job.Submitting {
				e.Status, e.Error = job.Unconfirmed, msgLostSending
			}
			err = addRun(ctx, st, e, now)
			if err == nil {
				res.Unconfirmed++
			}
		default:
			res.Skipped++
		}
		if err != nil {
			return res, fmt.Errorf("adding job %s: %w", e.ID, err)
		}
	}
	return res, nil
}

// present reports whether st has j already, by id or provider response id.
func present(ctx context.Context, st *store.Store, j job.Job) (bool, error) {
	got, err := st.GetJob(ctx, j.ID)
	switch {
	case err == nil && got.ID == j.ID:
		return true, nil
	case err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrAmbiguous):
		return false, err
	}
	if j.ProviderJobID == "" {
		return false, nil
	}
	_, err = st.GetJobByProviderID(ctx, j.ProviderJobID)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	}
	return false, err
}

// addRun inserts a job still followed at its provider, due now, with the
// prices and estimate it was sent under when they are known (so its cost
// is priced as sent and its high estimate stays reserved).
func addRun(ctx context.Context, st *store.Store, e Entry, now time.Time) error {
	j := e.Job
	j.Version, j.UpdatedAt, j.NextPollAt, j.PollErrors, j.ReportPath = 0, time.Time{}, now, 0, ""
	j.Actions, j.Waiting, j.CancelPrompt, j.CancelNote = nil, "", "", ""
	if c := e.Charge; c != nil && c.Prices.Known() {
		check := store.BudgetCheck{ // no monthly budget: the run was admitted when it was sent
			Budget:   cost.Budget{MaxCostUSD: c.MaxCostUSD},
			Estimate: cost.Range{LowUSD: c.EstimateLowUSD, HighUSD: c.EstimateHighUSD},
			Prices:   c.Prices,
		}
		if _, err := st.CreateJobWithinBudget(ctx, j, check); err == nil {
			return nil
		}
	}
	_, err := st.CreateJob(ctx, j)
	return err
}

// addReport inserts a finished job with its report.
func addReport(ctx context.Context, st *store.Store, e Entry) error {
	j := e.Job
	j.ReportPath = "" // its folder was never written: the poller writes it
	j.Actions, j.Waiting, j.CancelPrompt, j.CancelNote = nil, "", "", ""
	rep := *e.Report
	rep.JobID = j.ID
	errs, err := st.InsertFinished(ctx, []store.Finished{{Job: j, Report: rep}})
	if err != nil {
		return err
	}
	if len(errs) == 1 && errs[0] != nil && !errors.Is(errs[0], store.ErrExists) {
		return errs[0]
	}
	return nil
}
