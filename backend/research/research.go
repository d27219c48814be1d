// Package research holds the operations a user can perform on research
// jobs (submit, cancel, resubmit, delete, read) with their validation. The
// CLI and the desktop app both call it, so every entry point enforces the
// same rules; the poller (package worker) does the provider work.
package research

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Limits on what a user may submit.
const (
	MaxPromptBytes      = 100 * 1024
	DefaultMaxToolCalls = 40
	MaxMaxToolCalls     = 200
)

// Canceller cancels a job at its provider (best effort).
type Canceller interface {
	Cancel(ctx context.Context, providerJobID string) error
}

// Service performs user operations on jobs.
type Service struct {
	Store        *store.Store
	DefaultModel string
	ValidModel   func(string) bool    // nil: any non-empty model
	Models       func() []string      // for error messages
	Providers    map[string]Canceller // by provider name
	Wake         func(jobID string)   // nil: no poller in this process
	Emit         func(job.Job)        // nil: nobody listening
	Deleted      func(jobID string)   // nil: nobody listening
	Now          func() time.Time     // nil: time.Now
	Log          logrus.FieldLogger   // nil: discard
}

// SubmitInput is a new research request from a user.
type SubmitInput struct {
	Prompt          string `json:"prompt"`
	Model           string `json:"model"`
	WebSearch       bool   `json:"web_search"`
	CodeInterpreter bool   `json:"code_interpreter"`
	MaxToolCalls    int    `json:"max_tool_calls"`
}

// ErrInvalid marks an input error: the user can fix it and try again.
var ErrInvalid = errors.New("invalid input")

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() logrus.FieldLogger {
	if s.Log != nil {
		return s.Log
	}
	l := logrus.New()
	l.SetOutput(discard{})
	return l
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func (s *Service) emit(j job.Job) {
	if s.Emit != nil {
		s.Emit(j)
	}
}

// Validate normalises and checks a submission, returning what will be stored.
func (s *Service) Validate(in SubmitInput) (SubmitInput, error) {
	in.Prompt = strings.TrimSpace(in.Prompt)
	if in.Prompt == "" {
		return in, invalid("the prompt is empty: describe what to research")
	}
	if len(in.Prompt) > MaxPromptBytes {
		return in, invalid("the prompt is %d bytes; the limit is %d bytes (100 KB): shorten it", len(in.Prompt), MaxPromptBytes)
	}
	if !utf8.ValidString(in.Prompt) {
		return in, invalid("the prompt is not valid UTF-8 text")
	}
	if i := strings.IndexFunc(in.Prompt, func(r rune) bool {
		return (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f
	}); i >= 0 {
		return in, invalid("the prompt contains a control character (byte %d): remove it", i)
	}
	in.Model = strings.TrimSpace(in.Model)
	if in.Model == "" {
		in.Model = s.DefaultModel
	}
	if s.ValidModel != nil && !s.ValidModel(in.Model) {
		known := ""
		if s.Models != nil {
			known = ": use one of " + strings.Join(s.Models(), ", ")
		}
		return in, invalid("unknown model %q%s", in.Model, known)
	}
	if in.MaxToolCalls == 0 {
		in.MaxToolCalls = DefaultMaxToolCalls
	}
	if in.MaxToolCalls < 1 || in.MaxToolCalls > MaxMaxToolCalls {
		return in, invalid("max tool calls must be between 1 and %d, not %d", MaxMaxToolCalls, in.MaxToolCalls)
	}
	return in, nil
}

// Submit validates the request and queues it. The poller submits it to the
// provider when a slot is free.
func (s *Service) Submit(ctx context.Context, in SubmitInput) (job.Job, error) {
	in, err := s.Validate(in)
	if err != nil {
		return job.Job{}, err
	}
	j, err := s.Store.CreateJob(ctx, job.Job{
		Status:   job.Queued,
		Provider: "openai",
		Model:    in.Model,
		Prompt:   in.Prompt,
		Options: job.Options{
			WebSearch:       in.WebSearch,
			CodeInterpreter: in.CodeInterpreter,
			MaxToolCalls:    in.MaxToolCalls,
		},
		NextPollAt: s.now(),
	})
	if err != nil {
		return job.Job{}, fmt.Errorf("saving the new job: %w", err)
	}
	s.emit(j)
	if s.Wake != nil {
		s.Wake(j.ID)
	}
	return j, nil
}

// Get finds a job by id or unique prefix.
func (s *Service) Get(ctx context.Context, id string) (job.Job, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return job.Job{}, invalid("no job id given")
	}
	j, err := s.Store.GetJob(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return job.Job{}, fmt.Errorf("no job with id %q: list jobs with `deepr list`", id)
	case errors.Is(err, store.ErrAmbiguous):
		return job.Job{}, fmt.Errorf("%q matches more than one job: give more characters of the id", id)
	}
	return j, err
}

// Cancel cancels a job. A queued or unconfirmed job is simply marked
// cancelled; a running one is marked cancelled locally first (the local
// state is authoritative) and then cancelled at the provider, best effort.
func (s *Service) Cancel(ctx context.Context, id string) (job.Job, error) {
	j, err := s.Get(ctx, id)
	if err != nil {
		return job.Job{}, err
	}
	switch {
	case j.Status == job.Submitting:
		return j, fmt.Errorf("job %s is being sent to the provider right now: try again in a few seconds", j.ID)
	case j.Status == job.Cancelled:
		return j, nil
	case j.Status.Final():
		return j, fmt.Errorf("job %s already ended (%s): nothing to cancel", j.ID, j.Status)
	}
	was := j.Status
	j, err = s.Store.Update(ctx, j.ID, func(c *job.Job) error {
		if c.Status == job.Submitting || c.Status.Final() {
			return fmt.Errorf("job %s changed to %s meanwhile: nothing cancelled", c.ID, c.Status)
		}
		// The status read by Get may be stale (the poller can move a queued
		// job to running in between): decide on the one being replaced.
		was = c.Status
		c.Status = job.Cancelled
		if was == job.Unconfirmed {
			c.Error = "Dismissed by the user."
		} else {
			c.Error = "Cancelled by the user."
		}
		t := s.now()
		c.FinishedAt = &t
		return nil
	})
	if err != nil {
		return j, err
	}
	s.emit(j)
	if was == job.Running && j.ProviderJobID != "" {
		if p := s.Providers[j.Provider]; p != nil {
			cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			if err := p.Cancel(cctx, j.ProviderJobID); err != nil && provider.KindOf(err) != provider.KindNotFound {
				s.log().WithError(err).WithField("job", j.ID).Warn("cancel at the provider failed; the job stays cancelled here")
				return j, &ProviderCancelError{Err: err}
			}
		}
	}
	return j, nil
}

// ProviderCancelError reports that a job was cancelled locally but the
// provider could not be told. The job is cancelled either way.
type ProviderCancelError struct{ Err error }

func (e *ProviderCancelError) Error() string {
	return "cancelled here, but the provider could not be told (it may still finish and bill the run): " + e.Err.Error()
}

func (e *ProviderCancelError) Unwrap() error { return e.Err }

// Resubmit starts a new attempt of an unconfirmed, failed or cancelled job.
func (s *Service) Resubmit(ctx context.Context, id string) (job.Job, error) {
	j, err := s.Get(ctx, id)
	if err != nil {
		return job.Job{}, err
	}
	if !j.Status.Resubmittable() {
		return j, fmt.Errorf("job %s is %s: only unconfirmed, failed or cancelled jobs can be resubmitted", j.ID, j.Status)
	}
	j, err = s.Store.Update(ctx, j.ID, func(c *job.Job) error {
		if !c.Status.Resubmittable() {
			return fmt.Errorf("job %s changed to %s meanwhile", c.ID, c.Status)
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
		c.PollErrors = 0
		c.NextPollAt = s.now()
		return nil
	})
	if err != nil {
		return j, err
	}
	s.emit(j)
	if s.Wake != nil {
		s.Wake(j.ID)
	}
	return j, nil
}

// Delete removes a job that is not active, with its report and its folder
// in the report mirror.
func (s *Service) Delete(ctx context.Context, id string, dataDir string) error {
	j, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if j.Status.Active() {
		return fmt.Errorf("job %s is %s: cancel it before deleting it", j.ID, j.Status)
	}
	if err := s.Store.DeleteJob(ctx, j.ID); err != nil {
		return err
	}
	if j.ReportPath != "" && dataDir != "" {
		if rel, err := filepath.Rel(dataDir, j.ReportPath); err == nil && !strings.HasPrefix(rel, "..") && rel != "." {
			if err := os.RemoveAll(j.ReportPath); err != nil {
				s.log().WithError(err).Warn("could not remove the report folder")
			}
		}
	}
	if s.Deleted != nil {
		s.Deleted(j.ID)
	}
	return nil
}

// Report returns a job with its saved report. A job without a report gives
// an error that says why.
func (s *Service) Report(ctx context.Context, id string) (job.Job, store.Report, error) {
	j, err := s.Get(ctx, id)
	if err != nil {
		return job.Job{}, store.Report{}, err
	}
	r, err := s.Store.GetReport(ctx, j.ID)
	if errors.Is(err, store.ErrNotFound) {
		msg := fmt.Sprintf("job %s has no report (status %s)", j.ID, j.Status)
		if j.Status.Active() {
			msg += ": it has not finished yet; wait for it with `deepr wait " + j.ID + "`"
		} else if j.Error != "" {
			msg += ": " + j.Error
		}
		return j, store.Report{}, errors.New(msg)
	}
	return j, r, err
}
