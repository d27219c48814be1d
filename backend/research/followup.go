package research

import (
	"context"
	"errors"
	"fmt"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

// followUpParent checks that id names a job a follow-up can build on: it
// exists (ErrNotFound), has finished (ErrNotFinished) and has a report
// (ErrInvalid, field parent_id).
func (s *Service) followUpParent(ctx context.Context, id string) (job.Job, error) {
	p, err := s.get(ctx, id)
	if err != nil {
		if e, ok := AsError(err); ok {
			e.Field = "parent_id"
			if errors.Is(e, ErrNotFound) {
				e.Msg = fmt.Sprintf("no job with id %q to follow up on", id)
			}
		}
		return job.Job{}, err
	}
	switch {
	case p.Status.Active() || p.Status == job.Unconfirmed:
		return job.Job{}, &Error{Kind: ErrNotFinished, Field: "parent_id", JobID: p.ID, Status: p.Status,
			Msg: fmt.Sprintf("job %s has not finished yet (%s): a follow-up builds on its report", p.ID, p.Status)}
	case p.Status != job.Completed && p.Status != job.Incomplete:
		return job.Job{}, &Error{Kind: ErrInvalid, Field: "parent_id", JobID: p.ID, Status: p.Status,
			Msg: fmt.Sprintf("job %s ended %s without a report, so there is nothing to follow up on: resubmit it instead", p.ID, p.Status)}
	}
	if has, err := s.st.HasReports(ctx, []string{p.ID}); err != nil {
		return job.Job{}, err
	} else if !has[p.ID] {
		return job.Job{}, &Error{Kind: ErrInvalid, Field: "parent_id", JobID: p.ID, Status: p.Status,
			Msg: fmt.Sprintf("job %s has no report text to follow up on", p.ID)}
	}
	return p, nil
}

// contextMode is how a follow-up on provider prov's model carries its
// parent's context: the parent's stored response when the same provider
// ran it on the same API and the model can continue it, its report
// otherwise.
func (s *Service) contextMode(ctx context.Context, parentID, prov, model string) string {
	p, err := s.st.GetJob(ctx, parentID)
	if err != nil || p.Provider != prov || p.ProviderJobID == "" {
		return job.ContextReport
	}
	if _, ok := s.spec(prov); !ok {
		return job.ContextReport
	}
	cfg := s.Config()
	child, ok1 := catalogModel(cfg, prov, model)
	parent, ok2 := catalogModel(cfg, prov, p.Model)
	if ok1 && ok2 && child.Honours.Continue && child.API == parent.API {
		return job.ContextPrevious
	}
	return job.ContextReport
}

// parentText is the earlier research a follow-up reads (the parent's
// question and report), for its estimate; "" when there is no parent or
// it was deleted.
func (s *Service) parentText(ctx context.Context, parentID string) string {
	if parentID == "" {
		return ""
	}
	p, err := s.st.GetJob(ctx, parentID)
	if err != nil {
		return ""
	}
	rep, err := s.st.GetReport(ctx, p.ID)
	if err != nil {
		return p.Prompt
	}
	return provider.ContextText(provider.Parent{Prompt: p.Prompt, Report: rep.Markdown}, "")
}

// parentOf is the worker's Parent callback: what a follow-up continues
// when it is sent.
func (s *Service) parentOf(ctx context.Context, j job.Job) (*provider.Parent, error) {
	gone := fmt.Errorf("the research this follows up on (job %s) was deleted before the follow-up was sent: submit it again as new research", j.ParentID)
	p, err := s.st.GetJob(ctx, j.ParentID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, gone
	}
	if err != nil {
		return nil, err
	}
	rep, err := s.st.GetReport(ctx, p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, gone
	}
	if err != nil {
		return nil, err
	}
	out := &provider.Parent{Prompt: p.Prompt, Report: rep.Markdown}
	if j.ParentContext == job.ContextPrevious && p.Provider == j.Provider {
		out.ResponseID = p.ProviderJobID
	}
	return out, nil
}

// ThreadJob is one job of a thread, with its depth and what it cost.
type ThreadJob = store.ThreadJob

// Thread is a line of research: a job, the job it followed up on (and
// that one's parent ...) and every follow-up, with their combined cost.
type Thread struct {
	// Root is the first job of the thread; MissingParent is the id of the
	// job it followed up on when that job was deleted ("" otherwise).
	Root          string `json:"root"`
	MissingParent string `json:"missing_parent"`
	// Jobs lists the root first, then each follow-up under the job it
	// follows, in the order they were created.
	Jobs []ThreadJob `json:"jobs"`
	// CostUSD is what every attempt of every job in the thread cost.
	CostUSD float64 `json:"cost_usd"`
}

// Thread returns the thread a job (id or unique prefix) belongs to. A job
// that is neither a follow-up nor followed up on is a thread of one.
func (s *Service) Thread(ctx context.Context, id string) (Thread, error) {
	j, err := s.get(ctx, id)
	if err != nil {
		return Thread{}, err
	}
	jobs, missing, err := s.st.Thread(ctx, j.ID)
	if err != nil {
		return Thread{}, err
	}
	plain := make([]job.Job, len(jobs))
	for i, tj := range jobs {
		plain[i] = tj.Job
	}
	if plain, err = s.withActionsAll(ctx, plain); err != nil {
		return Thread{}, err
	}
	t := Thread{MissingParent: missing, Jobs: make([]ThreadJob, len(jobs))}
	for i, tj := range jobs {
		tj.Job = plain[i]
		t.Jobs[i] = tj
		t.CostUSD += tj.CostUSD
	}
	if len(jobs) > 0 {
		t.Root = jobs[0].Job.ID
	}
	return t, nil
}
