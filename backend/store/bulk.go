package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// ErrExists is wrapped by InsertFinished's error for a job already in the
// database (by id, or by the provider's response id).
var ErrExists = errors.New("already in the library")

// Finished is a finished job with its report, for InsertFinished.
type Finished struct {
	Job    job.Job
	Report Report
}

// bulkBatch is how many jobs one InsertFinished transaction holds.
const bulkBatch = 500

// InsertFinished adds finished jobs (completed or incomplete) with their
// reports and citations, as they are: ids, prompts, times, usage and cost
// are kept, Version becomes 1 and UpdatedAt Now() (so a process watching
// for changes sees them at once). Each report is indexed for search in the
// same transaction as its job. Jobs are written bulkBatch to a transaction,
// each inside its own savepoint, so one bad item never takes others with
// it.
//
// It returns one error per item, in order: nil when the job was added, an
// error wrapping ErrExists when a job with its id (or its provider response
// id, or its OriginID) is already there, another error when the item was
// refused (an id that is not canonical, job.ValidID, among them). A
// non-nil second result stopped the call (the context ended, the database
// failed): the transaction it happened in was rolled back, and the entries
// of that batch and every later one are nil but were not written.
func (s *Store) InsertFinished(ctx context.Context, items []Finished) ([]error, error) {
	out := make([]error, len(items))
	now := s.now()
	for start := 0; start < len(items); start += bulkBatch {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		end := min(start+bulkBatch, len(items))
		err := s.write(ctx, func(tx *sql.Tx) error {
			for i := start; i < end; i++ {
				out[i] = nil
				err := s.insertFinishedTx(ctx, tx, items[i], now)
				if err != nil && isDBFailure(err) {
					return err
				}
				out[i] = err
			}
			return nil
		})
		if err != nil {
			for i := start; i < end; i++ {
				out[i] = nil
			}
			return out, fmt.Errorf("adding reports to the database: %w", err)
		}
	}
	return out, nil
}

// dbFailure marks an error that must abort the whole transaction.
type dbFailure struct{ err error }

func (d dbFailure) Error() string { return d.err.Error() }
func (d dbFailure) Unwrap() error { return d.err }

func isDBFailure(err error) bool {
	var d dbFailure
	return errors.As(err, &d)
}

// insertFinishedTx writes one item inside a savepoint of tx.
func (s *Store) insertFinishedTx(ctx context.Context, tx *sql.Tx, f Finished, now time.Time) error {
	j := f.Job
	switch {
	case strings.TrimSpace(j.ID) == "":
		return errors.New("the job has no id")
	case !job.ValidID(j.ID):
		return checkNewID(j.ID)
	case j.Status != job.Completed && j.Status != job.Incomplete:
		return fmt.Errorf("job %s is %q: only completed or incomplete jobs carry a report to add", j.ID, j.Status)
	case f.Report.JobID != "" && f.Report.JobID != j.ID:
		return fmt.Errorf("the report of job %s belongs to job %s", j.ID, f.Report.JobID)
	}
	if j.Attempt == 0 {
		j.Attempt = 1
	}
	j.Version = 1
	j.UpdatedAt = now
	if j.CreatedAt.IsZero() {
		j.CreatedAt = now
	}
	if j.NextPollAt.IsZero() {
		j.NextPollAt = j.CreatedAt
	}
	if j.QueuedAt.IsZero() {
		j.QueuedAt = j.CreatedAt
	}
	args, err := jobArgs(j)
	if err != nil {
		return fmt.Errorf("job %s: %w", j.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT item`); err != nil {
		return dbFailure{err}
	}
	undo := func(cause error) error {
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO item; RELEASE item`); err != nil {
			return dbFailure{err}
		}
		return cause
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO jobs (`+jobCols+`) VALUES (`+
		strings.Repeat("?, ", len(args)-1)+`?) ON CONFLICT (id) DO NOTHING`, args...)
	if isUniqueViolation(err, "jobs.provider_job_id") {
		var other string
		_ = tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE provider_job_id = ?`, j.ProviderJobID).Scan(&other)
		return undo(fmt.Errorf("job %s: %w as job %s (the same provider response %s)", j.ID, ErrExists, other, j.ProviderJobID))
	}
	if isUniqueViolation(err, "jobs.origin_id") {
		var other string
		_ = tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE origin_id = ?`, j.OriginID).Scan(&other)
		return undo(fmt.Errorf("job %s: %w as job %s (imported before from the id %q)", j.ID, ErrExists, other, j.OriginID))
	}
	if err != nil {
		return undo(fmt.Errorf("job %s: %w", j.ID, err))
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return undo(fmt.Errorf("job %s: %w", j.ID, ErrExists))
	}
	if err := s.putReportTx(ctx, tx, normalize(j), f.Report); err != nil {
		return undo(fmt.Errorf("the report of job %s: %w", j.ID, err))
	}
	if len(f.Report.Questions) > 0 {
		if err := insertQuestionsTx(ctx, tx, j.ID, f.Report.Questions); err != nil {
			return undo(fmt.Errorf("the questions about job %s: %w", j.ID, err))
		}
		if err := reindexJobTx(ctx, tx, j.ID); err != nil {
			return undo(fmt.Errorf("indexing the questions about job %s: %w", j.ID, err))
		}
	}
	if _, err := tx.ExecContext(ctx, `RELEASE item`); err != nil {
		return dbFailure{err}
	}
	return nil
}

// Ids from elsewhere: the rule a new job's id must meet, and how an import
// finds the jobs it made before.

// NewID returns a new job id, as CreateJob draws one (10 lowercase letters
// and digits), for a caller that must know a job's id before it is
// written: an import that replaces ids Deepr does not make.
func NewID() (string, error) { return newID() }

// checkNewID refuses an id a new job may not have (job.ValidID); the
// error quotes at most the id's first 40 bytes.
func checkNewID(id string) error {
	if job.ValidID(id) {
		return nil
	}
	shown := fmt.Sprintf("%q", id)
	if len(id) > 40 {
		shown = fmt.Sprintf("%q... (%d bytes)", id[:40], len(id))
	}
	return fmt.Errorf("the id %s is not a job id Deepr makes (1 to %d lowercase letters, digits and '-', starting with a letter or digit): leave it empty to get a new one", shown, job.MaxIDLen)
}

// ImportedIDs finds the jobs already made from ids found in imported
// files: for each key that is the id of a job (a job kept its id, or a row
// from before ids were checked) or the origin_id of one (see
// job.Job.OriginID), the id of that job. Keys found nowhere are absent.
func (s *Store) ImportedIDs(ctx context.Context, keys []string) (map[string]string, error) {
	out := map[string]string{}
	const chunk = 400
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		in := strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")
		args := make([]any, 0, 2*len(part))
		for _, k := range part {
			args = append(args, k)
		}
		args = append(args, args...)
		rows, err := s.db.QueryContext(ctx, `SELECT id, id FROM jobs WHERE id IN (`+in+`)
			UNION ALL SELECT origin_id, id FROM jobs WHERE origin_id <> '' AND origin_id IN (`+in+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("looking up imported ids: %w", err)
		}
		for rows.Next() {
			var key, id string
			if err := rows.Scan(&key, &id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("looking up imported ids: %w", err)
			}
			if _, ok := out[key]; !ok {
				out[key] = id
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("looking up imported ids: %w", err)
		}
	}
	return out, nil
}
