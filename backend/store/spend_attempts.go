package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

// Attempt is one ended try of a job. Its cost is kept when the job is
// resubmitted (a new attempt gets its own row) and when it is deleted.
type Attempt struct {
	JobID      string     `json:"job_id"`
	Attempt    int        `json:"attempt"`
	Provider   string     `json:"provider"`
	Model      string     `json:"model"`
	Title      string     `json:"title"`
	Status     job.Status `json:"status"` // how it ended
	CostUSD    float64    `json:"cost_usd"`
	Usage      job.Usage  `json:"usage"`
	StartedAt  *time.Time `json:"started_at"` // nil: the provider never confirmed it
	FinishedAt time.Time  `json:"finished_at"`
}

// endsAttempt reports whether a job in status st has finished its current
// attempt: a final status, or unconfirmed (waiting for the user).
func endsAttempt(st job.Status) bool { return st.Final() || st == job.Unconfirmed }

// checkNewAttempt refuses a move from an ended attempt back into the queue
// that does not raise the attempt number: the new attempt would overwrite
// the cost kept for the old one.
func checkNewAttempt(cur, next job.Job) error {
	adoption := cur.Status == job.Unconfirmed && next.Status == job.Running // the same paid run, found again
	if endsAttempt(cur.Status) && next.Status.Active() && !adoption && next.Attempt <= cur.Attempt {
		return fmt.Errorf("job %s: a resubmit starts a new attempt: set the attempt to %d (it is %d), so the cost of attempt %d is kept",
			cur.ID, cur.Attempt+1, next.Attempt, cur.Attempt)
	}
	return nil
}

// recordAttemptTx keeps the cost of next's attempt when the update ends it
// (or changes the cost or usage of an ended attempt). An attempt that never
// left the queue (cancelled or expired while queued) and cost nothing has
// nothing to keep. Called by updateTx, so Update and Finish cannot forget it.
func (s *Store) recordAttemptTx(ctx context.Context, tx *sql.Tx, cur, next job.Job) error {
	if !endsAttempt(next.Status) {
		return nil
	}
	changed := next.Status != cur.Status || next.CostUSD != cur.CostUSD || next.Usage != cur.Usage
	if !changed || (cur.Status == job.Queued && next.CostUSD == 0) {
		return nil
	}
	usage, err := json.Marshal(next.Usage)
	if err != nil {
		return err
	}
	sent := next.Options
	sent.EditedFrom = "" // not an option the provider sees
	opts, err := json.Marshal(sent)
	if err != nil {
		return err
	}
	started, err := toNullNanos(next.SubmittedAt)
	if err != nil {
		return err
	}
	finishedAt := s.now()
	if next.FinishedAt != nil && !next.FinishedAt.IsZero() {
		finishedAt = *next.FinishedAt
	}
	finished, err := toNanos(finishedAt)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO attempts
		(job_id, attempt, provider, model, title, status, cost_usd, usage, started_at, finished_at, options, via)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (job_id, attempt) DO UPDATE SET provider = excluded.provider, model = excluded.model,
			title = excluded.title, status = excluded.status, cost_usd = excluded.cost_usd, usage = excluded.usage,
			started_at = excluded.started_at, finished_at = excluded.finished_at, options = excluded.options, via = excluded.via`,
		next.ID, next.Attempt, next.Provider, next.Model, next.Title(), string(next.Status), next.CostUSD,
		string(usage), started, finished, string(opts), next.Via)
	return err
}

// Attempts returns the ended attempts of a job, first attempt first; also
// for a deleted job. The id must be exact; none is an empty list.
func (s *Store) Attempts(ctx context.Context, jobID string) ([]Attempt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT job_id, attempt, provider, model, title, status, cost_usd, usage,
		started_at, finished_at FROM attempts WHERE job_id = ? AND kind = 'research' ORDER BY attempt`, jobID)
	if err != nil {
		return nil, fmt.Errorf("reading the attempts of job %s: %w", jobID, err)
	}
	defer rows.Close()
	out := []Attempt{}
	for rows.Next() {
		var (
			a        Attempt
			st, use  string
			started  sql.NullInt64
			finished int64
		)
		if err := rows.Scan(&a.JobID, &a.Attempt, &a.Provider, &a.Model, &a.Title, &st, &a.CostUSD, &use,
			&started, &finished); err != nil {
			return nil, fmt.Errorf("reading the attempts of job %s: %w", jobID, err)
		}
		if err := json.Unmarshal([]byte(use), &a.Usage); err != nil {
			return nil, fmt.Errorf("job %s attempt %d: reading its usage: %w", jobID, a.Attempt, err)
		}
		a.Status = job.Status(st)
		a.StartedAt = fromNullNanos(started)
		a.FinishedAt = fromNanos(finished)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the attempts of job %s: %w", jobID, err)
	}
	return out, nil
}

// HistoryLimit is how many recent finished runs per model CostHistory
// returns; the estimate reads the comparable ones among them.
const HistoryLimit = 1000

// CostHistory returns, per model (cost.Key: a dated snapshot counts with
// its base model), its most recent finished research runs (not helper
// calls), newest first, at most HistoryLimit each: attempts that ended
// completed or incomplete with a cost above zero, each with the options
// it was sent with (nil when not known: an attempt recorded before they
// were kept, whose job was deleted before). cost.Estimate calibrates on
// the runs comparable with a request.
func (s *Store) CostHistory(ctx context.Context) (cost.History, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT provider, model, cost_usd, options FROM attempts
		WHERE kind = 'research' AND status IN ('completed', 'incomplete') AND cost_usd > 0
		ORDER BY finished_at DESC, job_id, attempt`)
	if err != nil {
		return nil, fmt.Errorf("reading past costs: %w", err)
	}
	defer rows.Close()
	h := cost.History{}
	for rows.Next() {
		var (
			provider, model, opts string
			usd                   float64
		)
		if err := rows.Scan(&provider, &model, &usd, &opts); err != nil {
			return nil, fmt.Errorf("reading past costs: %w", err)
		}
		if k := cost.Key(provider, model); len(h[k]) < HistoryLimit {
			h[k] = append(h[k], cost.Run{CostUSD: usd, Options: sentOptions(opts)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading past costs: %w", err)
	}
	return h, nil
}

// sentOptions reads an attempt's options column: nil when it is empty
// (not known) or not readable, so the run is compared with none.
func sentOptions(s string) *job.Options {
	var o job.Options
	if s == "" || json.Unmarshal([]byte(s), &o) != nil {
		return nil
	}
	o.EditedFrom = ""
	return &o
}
