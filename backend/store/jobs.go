package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/mattn/go-sqlite3"
)

// idAlphabet is the alphabet of generated job ids.
const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// newID returns a random 10-character id of lowercase letters and digits
// (about 51 bits), drawn without modulo bias.
func newID() (string, error) {
	out := make([]byte, 0, 10)
	var buf [16]byte
	for len(out) < cap(out) {
		if _, err := rand.Read(buf[:]); err != nil {
			return "", fmt.Errorf("generating a job id: %w", err)
		}
		for _, b := range buf {
			if int(b) < 252 && len(out) < cap(out) { // 252 = 7*36
				out = append(out, idAlphabet[int(b)%36])
			}
		}
	}
	return string(out), nil
}

// isUniqueViolation reports whether err is a UNIQUE constraint failure on
// the given "table.column".
func isUniqueViolation(err error, column string) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique &&
		strings.Contains(se.Error(), column)
}

// CreateJob inserts j. Empty ID: a new short random id is assigned; a
// given one must be canonical (job.ValidID). Status
// defaults to queued, Attempt to 1, Version to 1, CreatedAt (when zero) and
// UpdatedAt to Now(), NextPollAt to Now() and QueuedAt to CreatedAt if zero.
// Returns the stored job.
// It checks no budget: submissions go through CreateJobWithinBudget.
func (s *Store) CreateJob(ctx context.Context, j job.Job) (job.Job, error) {
	return s.createJob(ctx, j, nil)
}

// createJob is CreateJob; then, when set, runs in the same transaction
// after the insert: its error rolls the insert back and is returned as is.
func (s *Store) createJob(ctx context.Context, j job.Job, then func(tx *sql.Tx, j job.Job) error) (job.Job, error) {
	now := s.now()
	if j.Status == "" {
		j.Status = job.Queued
	}
	if !j.Status.Valid() {
		return job.Job{}, fmt.Errorf("creating a job: unknown status %q", j.Status)
	}
	if j.Attempt == 0 {
		j.Attempt = 1
	}
	j.Version = 1
	if j.CreatedAt.IsZero() {
		j.CreatedAt = now
	}
	j.UpdatedAt = now
	if j.NextPollAt.IsZero() {
		j.NextPollAt = now
	}
	if j.QueuedAt.IsZero() {
		j.QueuedAt = j.CreatedAt
	}
	given := j.ID != ""
	if given {
		if err := checkNewID(j.ID); err != nil {
			return job.Job{}, fmt.Errorf("creating a job: %w", err)
		}
	}
	for try := 0; ; try++ {
		if !given {
			id, err := newID()
			if err != nil {
				return job.Job{}, err
			}
			j.ID = id
		}
		args, err := jobArgs(j)
		if err != nil {
			return job.Job{}, fmt.Errorf("creating a job: %w", err)
		}
		var thenErr error
		err = s.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO jobs (`+jobCols+`) VALUES (`+
				strings.Repeat("?, ", len(args)-1)+`?)`, args...)
			if err == nil && then != nil {
				thenErr = then(tx, j)
				err = thenErr
			}
			return err
		})
		switch {
		case thenErr != nil:
			return job.Job{}, thenErr
		case err == nil:
			return normalize(j), nil
		case isUniqueViolation(err, "jobs.id") && !given && try < 5:
			continue // a random id collided: draw another
		case isUniqueViolation(err, "jobs.id"):
			return job.Job{}, fmt.Errorf("creating job %s: a job with this id already exists", j.ID)
		case isUniqueViolation(err, "jobs.provider_job_id"):
			return job.Job{}, fmt.Errorf("creating job %s: provider job id %s already belongs to another job", j.ID, j.ProviderJobID)
		default:
			return job.Job{}, fmt.Errorf("creating job %s: %w", j.ID, err)
		}
	}
}

// GetJob finds a job by full id or unique id prefix (ErrNotFound, ErrAmbiguous).
// Surrounding spaces are ignored; an empty id is ErrNotFound.
func (s *Store) GetJob(ctx context.Context, idOrPrefix string) (job.Job, error) {
	id := strings.TrimSpace(idOrPrefix)
	if id == "" {
		return job.Job{}, fmt.Errorf("no job id given: %w", ErrNotFound)
	}
	j, err := scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
	if err == nil {
		return j, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return job.Job{}, fmt.Errorf("reading job %s: %w", id, err)
	}
	// Every string starting with id sorts in [id, id+"\xf4\x90"): no valid
	// UTF-8 sequence starts with F4 90 or higher.
	rows, err := s.db.QueryContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id >= ? AND id < ? ORDER BY id LIMIT 3`,
		id, id+"\xf4\x90")
	if err != nil {
		return job.Job{}, fmt.Errorf("looking up job %s: %w", id, err)
	}
	found, err := collectJobs(rows)
	if err != nil {
		return job.Job{}, fmt.Errorf("looking up job %s: %w", id, err)
	}
	var matches []job.Job
	for _, m := range found {
		if strings.HasPrefix(m.ID, id) {
			matches = append(matches, m)
		}
	}
	switch len(matches) {
	case 0:
		return job.Job{}, fmt.Errorf("job %q: %w", id, ErrNotFound)
	case 1:
		return matches[0], nil
	}
	return job.Job{}, fmt.Errorf("%w %q: it matches %s, %s, ...; give more of the id", ErrAmbiguous, id, matches[0].ID, matches[1].ID)
}

// collectJobs scans and closes rows.
func collectJobs(rows *sql.Rows) ([]job.Job, error) {
	defer rows.Close()
	var out []job.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// Update applies fn to the current row inside one transaction. fn may change
// any field except ID, CreatedAt and Version (changing them is an error). If
// Status changed, the move is checked with job.CheckTransition (an illegal
// move returns the error and writes nothing). Version is bumped by one and
// UpdatedAt set to Now(). If fn returns an error nothing is written and that
// error is returned. The id must be exact (ErrNotFound otherwise).
//
// When the job ends an attempt (see recordAttemptTx) its cost is kept in
// the attempts table in the same transaction; a move back to queued from
// an ended attempt must raise Attempt, so no attempt's cost is overwritten.
func (s *Store) Update(ctx context.Context, id string, fn func(*job.Job) error) (job.Job, error) {
	return s.updateAfter(ctx, id, nil, fn)
}

// updateTx is Update inside tx. Errors from fn and transition errors come
// back unwrapped so callers can match them.
func (s *Store) updateTx(ctx context.Context, tx *sql.Tx, id string, fn func(*job.Job) error) (job.Job, error) {
	cur, err := scanJob(tx.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return job.Job{}, fmt.Errorf("job %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return job.Job{}, fmt.Errorf("reading job %s: %w", id, err)
	}
	next := cur
	if cur.SubmittedAt != nil { // fn must not be able to change cur through a shared pointer
		t := *cur.SubmittedAt
		next.SubmittedAt = &t
	}
	if cur.FinishedAt != nil {
		t := *cur.FinishedAt
		next.FinishedAt = &t
	}
	if err := fn(&next); err != nil {
		return job.Job{}, err
	}
	switch {
	case next.ID != cur.ID:
		return job.Job{}, fmt.Errorf("updating job %s: the id cannot be changed (to %q)", id, next.ID)
	case !next.CreatedAt.Equal(cur.CreatedAt):
		return job.Job{}, fmt.Errorf("updating job %s: created_at cannot be changed", id)
	case next.Version != cur.Version:
		return job.Job{}, fmt.Errorf("updating job %s: the version is managed by the store and cannot be set", id)
	}
	if err := job.CheckMove(cur.Status, next); err != nil {
		return job.Job{}, fmt.Errorf("job %s: %w", id, err)
	}
	next.Actions, next.Waiting = nil, "" // derived by the research service, never stored
	if err := checkNewAttempt(cur, next); err != nil {
		return job.Job{}, err
	}
	if next.Attempt > cur.Attempt { // a new attempt has its own clock (the max job age counts from it)
		next.QueuedAt = s.now()
	}
	next.Version = cur.Version + 1
	next.UpdatedAt = s.now()
	args, err := jobArgs(next)
	if err != nil {
		return job.Job{}, fmt.Errorf("updating job %s: %w", id, err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET `+jobSet+` WHERE id = ? AND version = ?`,
		append(args[1:], id, cur.Version)...)
	if isUniqueViolation(err, "jobs.provider_job_id") {
		return job.Job{}, fmt.Errorf("updating job %s: provider job id %s already belongs to another job", id, next.ProviderJobID)
	}
	if err != nil {
		return job.Job{}, fmt.Errorf("updating job %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return job.Job{}, fmt.Errorf("updating job %s: the row changed underneath (%d rows, %v); try again", id, n, err)
	}
	if err := s.recordAttemptTx(ctx, tx, cur, next); err != nil {
		return job.Job{}, fmt.Errorf("updating job %s: keeping the cost of attempt %d: %w", id, next.Attempt, err)
	}
	return normalize(next), nil
}
