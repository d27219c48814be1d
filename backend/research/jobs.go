package research

// The jobs as the faces read them: listing, finding by id or prefix (with
// the derived fields every face shows), and deleting.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/store"
)

// MaxListLimit is the most jobs one list request returns (0 asks for it).
const MaxListLimit = 10000

// ListRequest selects jobs, newest first.
type ListRequest struct {
	Statuses []string `json:"statuses"` // empty: all; each a job status name
	Limit    int      `json:"limit"`    // 0: all (up to MaxListLimit)
}

// OpenFilter is the status filter of every job that is not final (see
// job.OpenStatuses).
const OpenFilter = "open"

// ParseStatuses turns status names (or comma-separated lists of them, or
// OpenFilter) into statuses, naming the valid values on error.
func ParseStatuses(in []string) ([]job.Status, error) {
	var out []job.Status
	for _, part := range in {
		for _, name := range strings.Split(part, ",") {
			if strings.TrimSpace(name) == "" {
				continue
			}
			if strings.EqualFold(strings.TrimSpace(name), OpenFilter) {
				out = append(out, job.OpenStatuses()...)
				continue
			}
			st, err := job.ParseStatus(name)
			if err != nil {
				return nil, &Error{Kind: ErrInvalid, Field: "status", Msg: err.Error()}
			}
			out = append(out, st)
		}
	}
	return out, nil
}

// List returns jobs, newest first, each with its actions.
func (s *Service) List(ctx context.Context, r ListRequest) ([]job.Job, error) {
	sts, err := ParseStatuses(r.Statuses)
	if err != nil {
		return nil, err
	}
	if r.Limit < 0 {
		return nil, invalid("limit", "the limit must be 0 (all) or more, not %d", r.Limit)
	}
	if r.Limit == 0 || r.Limit > MaxListLimit {
		r.Limit = MaxListLimit
	}
	jobs, err := s.st.ListJobs(ctx, store.ListFilter{Statuses: sts, Limit: r.Limit})
	if err != nil {
		return nil, err
	}
	return s.withActionsAll(ctx, jobs)
}

// Get finds a job by id or unique prefix.
func (s *Service) Get(ctx context.Context, id string) (job.Job, error) {
	j, err := s.get(ctx, id)
	if err != nil {
		return job.Job{}, err
	}
	return s.withActions(ctx, j), nil
}

func (s *Service) get(ctx context.Context, id string) (job.Job, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return job.Job{}, invalid("id", "no job id given")
	}
	j, err := s.st.GetJob(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return job.Job{}, &Error{Kind: ErrNotFound, JobID: id, Msg: fmt.Sprintf("no job with id %q", id)}
	case errors.Is(err, store.ErrAmbiguous):
		return job.Job{}, invalid("id", "%q matches more than one job: give more characters of the id", id)
	}
	return j, err
}

// withActions fills j.Actions (and Waiting, and the display names) from the state table and
// whether a report text is saved.
func (s *Service) withActions(ctx context.Context, j job.Job) job.Job {
	out, err := s.withActionsAll(ctx, []job.Job{j})
	if err != nil || len(out) != 1 {
		j = job.Derive(j, j.Status == job.Completed)
		if _, retired := retiredModel(s.Config(), j.Provider, j.Model); retired {
			j.Actions = withoutResubmit(j.Actions)
		}
		j.CancelPrompt, j.CancelNote = s.cancelPrompt(j), s.cancelNote(j)
		return s.withNames(s.Config(), j)
	}
	return out[0]
}

// withActionsAll fills Actions and Waiting of every job, with one lookup
// of the saved reports for the incomplete ones.
func (s *Service) withActionsAll(ctx context.Context, jobs []job.Job) ([]job.Job, error) {
	var partial []string
	for _, j := range jobs {
		if j.Status == job.Incomplete {
			partial = append(partial, j.ID)
		}
	}
	has := map[string]bool{}
	if len(partial) > 0 {
		var err error
		if has, err = s.st.HasReports(ctx, partial); err != nil {
			return nil, err
		}
	}
	w := s.newWaits(ctx)
	cfg := s.Config()
	out := make([]job.Job, len(jobs))
	for i, j := range jobs {
		j = job.Derive(j, j.Status == job.Completed || has[j.ID])
		if _, retired := retiredModel(cfg, j.Provider, j.Model); retired {
			j.Actions = withoutResubmit(j.Actions)
		}
		j.CancelPrompt, j.CancelNote = s.cancelPrompt(j), s.cancelNote(j)
		j.Waiting = w.reason(j)
		out[i] = s.withNames(cfg, j)
	}
	return out, nil
}

// Delete removes a job that is not being sent or running, with its report
// and its folder in the report mirror.
func (s *Service) Delete(ctx context.Context, id string) error {
	j, err := s.get(ctx, id)
	if err != nil {
		return err
	}
	if !job.Deletable(j.Status) {
		return notAllowed(j, "job %s is %s: cancel it before deleting it", j.ID, j.Status)
	}
	if err := s.st.DeleteJob(ctx, j.ID); err != nil {
		if errors.Is(err, store.ErrActive) {
			return notAllowed(j, "job %s started meanwhile: cancel it before deleting it", j.ID)
		}
		return err
	}
	s.removeFolder(ctx, j)
	if s.events != nil {
		s.events.JobDeleted(j.ID)
	}
	return nil
}

// removeFolder deletes a deleted job's report folder: only inside the
// data folder, and never one that holds or is recorded for another job.
func (s *Service) removeFolder(ctx context.Context, j job.Job) {
	if s.dirs.Data == "" {
		return
	}
	if err := mirror.Remove(ctx, s.st, s.dirs.Data, j); err != nil {
		s.log.WithError(err).Warn("could not remove the report folder")
	}
}
