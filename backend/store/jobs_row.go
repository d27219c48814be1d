package store

// How a job.Job maps to a row of the jobs table: the column lists, the
// encoding of a job into arguments, the decoding of a row, and the time
// normalisation that makes a write return what a read returns.

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// jobCols are the jobs columns read and written for a job.Job, in the
// order of jobArgs and scanJob.
const jobCols = `id, prompt, provider, model, options, status, provider_status, provider_job_id,
	attempt, error, progress, usage, cost_usd, created_at, updated_at, submitted_at, finished_at,
	next_poll_at, poll_errors, report_path, version, parent_id, parent_context, queued_at, max_cost_usd, cancel_requested_at, origin_id, clarified, via`

// jobColsJ is jobCols qualified with the table alias j.
const jobColsJ = `j.id, j.prompt, j.provider, j.model, j.options, j.status, j.provider_status, j.provider_job_id,
	j.attempt, j.error, j.progress, j.usage, j.cost_usd, j.created_at, j.updated_at, j.submitted_at, j.finished_at,
	j.next_poll_at, j.poll_errors, j.report_path, j.version, j.parent_id, j.parent_context, j.queued_at, j.max_cost_usd, j.cancel_requested_at, j.origin_id, j.clarified, j.via`

// jobSet assigns every column but id (for UPDATE), in jobArgs order.
const jobSet = `prompt = ?, provider = ?, model = ?, options = ?, status = ?, provider_status = ?, provider_job_id = ?,
	attempt = ?, error = ?, progress = ?, usage = ?, cost_usd = ?, created_at = ?, updated_at = ?, submitted_at = ?, finished_at = ?,
	next_poll_at = ?, poll_errors = ?, report_path = ?, version = ?, parent_id = ?, parent_context = ?, queued_at = ?, max_cost_usd = ?, cancel_requested_at = ?, origin_id = ?, clarified = ?, via = ?`

// activeIn is the SQL list of active statuses (see job.Status.Active).
const activeIn = `('queued', 'submitting', 'running')`

// jobArgs encodes j in jobCols order.
func jobArgs(j job.Job) ([]any, error) {
	opts, err := json.Marshal(j.Options)
	if err != nil {
		return nil, err
	}
	prog, err := json.Marshal(j.Progress)
	if err != nil {
		return nil, err
	}
	usage, err := json.Marshal(j.Usage)
	if err != nil {
		return nil, err
	}
	var pjid, parent sql.NullString
	if j.ProviderJobID != "" {
		pjid = sql.NullString{String: j.ProviderJobID, Valid: true}
	}
	if j.ParentID != "" {
		parent = sql.NullString{String: j.ParentID, Valid: true}
	}
	created, err := toNanos(j.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("created_at: %w", err)
	}
	updated, err := toNanos(j.UpdatedAt)
	if err != nil {
		return nil, fmt.Errorf("updated_at: %w", err)
	}
	next, err := toNanos(j.NextPollAt)
	if err != nil {
		return nil, fmt.Errorf("next_poll_at: %w", err)
	}
	submitted, err := toNullNanos(j.SubmittedAt)
	if err != nil {
		return nil, fmt.Errorf("submitted_at: %w", err)
	}
	finished, err := toNullNanos(j.FinishedAt)
	if err != nil {
		return nil, fmt.Errorf("finished_at: %w", err)
	}
	queued, err := toNanos(j.QueuedAt)
	if err != nil {
		return nil, fmt.Errorf("queued_at: %w", err)
	}
	cancelAt, err := toNullNanos(j.CancelRequestedAt)
	if err != nil {
		return nil, fmt.Errorf("cancel_requested_at: %w", err)
	}
	clarified := "" // '': none
	if j.Clarified != nil {
		b, err := json.Marshal(j.Clarified)
		if err != nil {
			return nil, err
		}
		clarified = string(b)
	}
	var capUSD sql.NullFloat64 // NULL: no cap
	if j.MaxCostUSD > 0 {
		capUSD = sql.NullFloat64{Float64: j.MaxCostUSD, Valid: true}
	}
	return []any{
		j.ID, j.Prompt, j.Provider, j.Model, string(opts), string(j.Status), j.ProviderStatus, pjid,
		j.Attempt, j.Error, string(prog), string(usage), j.CostUSD, created, updated, submitted, finished,
		next, j.PollErrors, j.ReportPath, j.Version, parent, j.ParentContext, queued, capUSD, cancelAt, j.OriginID, clarified, j.Via,
	}, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanJob reads the jobCols of one row, followed by extra destinations.
func scanJob(sc scanner, extra ...any) (job.Job, error) {
	var (
		j                       job.Job
		status, opts, prog, use string
		pjid, parent            sql.NullString
		created, updated, next  int64
		queued                  int64
		submitted, finished     sql.NullInt64
		capUSD                  sql.NullFloat64
		cancelAt                sql.NullInt64
		clarified               string
	)
	dest := []any{
		&j.ID, &j.Prompt, &j.Provider, &j.Model, &opts, &status, &j.ProviderStatus, &pjid,
		&j.Attempt, &j.Error, &prog, &use, &j.CostUSD, &created, &updated, &submitted, &finished,
		&next, &j.PollErrors, &j.ReportPath, &j.Version, &parent, &j.ParentContext, &queued, &capUSD, &cancelAt, &j.OriginID, &clarified, &j.Via,
	}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return job.Job{}, err
	}
	j.Status = job.Status(status)
	j.ProviderJobID = pjid.String
	j.ParentID = parent.String
	j.CreatedAt = fromNanos(created)
	j.UpdatedAt = fromNanos(updated)
	j.NextPollAt = fromNanos(next)
	j.QueuedAt = fromNanos(queued)
	j.MaxCostUSD = capUSD.Float64
	j.SubmittedAt = fromNullNanos(submitted)
	j.FinishedAt = fromNullNanos(finished)
	j.CancelRequestedAt = fromNullNanos(cancelAt)
	for _, f := range []struct {
		name string
		src  string
		dst  any
	}{{"options", opts, &j.Options}, {"progress", prog, &j.Progress}, {"usage", use, &j.Usage}} {
		if err := json.Unmarshal([]byte(f.src), f.dst); err != nil {
			return job.Job{}, fmt.Errorf("job %s: reading its %s: %w", j.ID, f.name, err)
		}
	}
	if clarified != "" {
		j.Clarified = new(job.Clarified)
		if err := json.Unmarshal([]byte(clarified), j.Clarified); err != nil {
			return job.Job{}, fmt.Errorf("job %s: reading its clarified request: %w", j.ID, err)
		}
	}
	return j, nil
}

// normalize returns j with every time as the database gives it back (UTC,
// no monotonic reading), so what a write returns equals what a read returns.
func normalize(j job.Job) job.Job {
	norm := func(t time.Time) time.Time {
		if t.IsZero() {
			return time.Time{}
		}
		return t.UTC().Round(0)
	}
	j.CreatedAt = norm(j.CreatedAt)
	j.UpdatedAt = norm(j.UpdatedAt)
	j.NextPollAt = norm(j.NextPollAt)
	j.QueuedAt = norm(j.QueuedAt)
	if j.SubmittedAt != nil {
		t := norm(*j.SubmittedAt)
		j.SubmittedAt = &t
	}
	if j.FinishedAt != nil {
		t := norm(*j.FinishedAt)
		j.FinishedAt = &t
	}
	if j.CancelRequestedAt != nil {
		t := norm(*j.CancelRequestedAt)
		j.CancelRequestedAt = &t
	}
	return j
}
