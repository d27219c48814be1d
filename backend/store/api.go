// Package store keeps every job, report and citation in one SQLite database
// on disk, and the poller lease that lets only one process poll it.
package store

// NOTE FOR IMPLEMENTERS: this file fixes the public API other packages code
// against (worker, cli, app). Keep these names and signatures; replace the
// bodies. Add unexported helpers and extra files freely.

import (
	"context"
	"errors"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

var (
	// ErrNotFound: no job (or report) with that id or prefix.
	ErrNotFound = errors.New("not found")
	// ErrAmbiguous: the prefix matches more than one job.
	ErrAmbiguous = errors.New("ambiguous id prefix")
)

// Store is an open database. Safe for concurrent use.
type Store struct {
	// Now is the clock used for created/updated times. Defaults to time.Now.
	Now func() time.Time
}

// Open opens (creating if needed) the database at path, in WAL mode with a
// busy timeout and foreign keys on, and applies pending migrations.
func Open(path string) (*Store, error) { panic("todo") }

// Close closes the database.
func (s *Store) Close() error { panic("todo") }

// CreateJob inserts j. Empty ID: a new short random id is assigned. Status
// defaults to queued, Attempt to 1, Version to 1, CreatedAt/UpdatedAt to
// Now(), NextPollAt to Now() if zero. Returns the stored job.
func (s *Store) CreateJob(ctx context.Context, j job.Job) (job.Job, error) { panic("todo") }

// GetJob finds a job by full id or unique id prefix (ErrNotFound, ErrAmbiguous).
func (s *Store) GetJob(ctx context.Context, idOrPrefix string) (job.Job, error) { panic("todo") }

// ListFilter selects jobs for ListJobs. Zero values mean "any".
type ListFilter struct {
	Statuses []job.Status
	Model    string
	// UpdatedAfter, when set, keeps only jobs with updated_at > UpdatedAfter
	// (a process that does not hold the lease watches the database this way).
	UpdatedAfter time.Time
	Limit        int // 0: no limit
	Offset       int
}

// ListJobs returns jobs newest first (created_at desc, id desc).
func (s *Store) ListJobs(ctx context.Context, f ListFilter) ([]job.Job, error) { panic("todo") }

// DueJobs returns every active job (queued, submitting, running) whose
// next_poll_at <= now, oldest due first (next_poll_at asc, created_at asc).
// limit 0 means no limit.
func (s *Store) DueJobs(ctx context.Context, now time.Time, limit int) ([]job.Job, error) {
	panic("todo")
}

// NextDue returns the earliest next_poll_at of any active job; ok is false
// when there is no active job.
func (s *Store) NextDue(ctx context.Context) (t time.Time, ok bool, err error) { panic("todo") }

// CountStatus counts jobs of one provider in one status ("" provider: all).
func (s *Store) CountStatus(ctx context.Context, provider string, st job.Status) (int, error) {
	panic("todo")
}

// Update applies fn to the current row inside one transaction. fn may change
// any field except ID, CreatedAt and Version. If Status changed, the move is
// checked with job.CheckTransition (an illegal move returns the error and
// writes nothing). Version is bumped by one and UpdatedAt set to Now().
// If fn returns an error nothing is written and that error is returned.
func (s *Store) Update(ctx context.Context, id string, fn func(*job.Job) error) (job.Job, error) {
	panic("todo")
}

// Report is the saved outcome text of a job.
type Report struct {
	JobID     string         `json:"job_id"`
	Title     string         `json:"title"`
	Markdown  string         `json:"markdown"`
	Citations []job.Citation `json:"citations"`
	Raw       []byte         `json:"-"` // provider's raw final JSON
	CreatedAt time.Time      `json:"created_at"`
}

// Finish is Update plus the report, in ONE transaction: fn sets the final
// status, provider status, usage, cost, finished time and report path; the
// report and its citations are written (replacing any previous one) and
// indexed for full-text search. Either everything commits or nothing.
func (s *Store) Finish(ctx context.Context, id string, rep Report, fn func(*job.Job) error) (job.Job, error) {
	panic("todo")
}

// GetReport returns the report of a job (ErrNotFound if it has none).
func (s *Store) GetReport(ctx context.Context, jobID string) (Report, error) { panic("todo") }

// Hit is one full-text search result.
type Hit struct {
	Job     job.Job `json:"job"`
	Snippet string  `json:"snippet"` // text around the match; matches wrapped in \x02 ... \x03
	Rank    float64 `json:"rank"`    // lower is better (bm25)
}

// SearchOptions filters and orders a search.
type SearchOptions struct {
	Statuses []job.Status
	Model    string
	Since    time.Time // zero: any
	Until    time.Time // zero: any
	Sort     string    // "relevance" (default) or "date"
	Limit    int       // 0: 50
	Offset   int
}

// Search runs a full-text query over prompt, title and report text. Any user
// text is accepted: it is quoted into FTS5 syntax so punctuation never
// causes a syntax error. An empty query lists finished reports by date.
func (s *Store) Search(ctx context.Context, query string, o SearchOptions) ([]Hit, error) {
	panic("todo")
}

// DeleteJob removes a job with its report and citations.
func (s *Store) DeleteJob(ctx context.Context, id string) error { panic("todo") }

// Lease is who holds the poller lease.
type Lease struct {
	Holder    string    `json:"holder"`
	Heartbeat time.Time `json:"heartbeat"`
}

// AcquireLease takes or renews the single poller lease for holder. It
// succeeds when nobody holds it, holder already holds it, or the current
// holder's heartbeat is older than now-stale. On success the heartbeat is
// set to now. Atomic across processes.
func (s *Store) AcquireLease(ctx context.Context, holder string, now time.Time, stale time.Duration) (bool, error) {
	panic("todo")
}

// ReleaseLease gives the lease up if holder holds it.
func (s *Store) ReleaseLease(ctx context.Context, holder string) error { panic("todo") }

// CurrentLease returns the lease row (ok false when nobody ever held it).
func (s *Store) CurrentLease(ctx context.Context) (l Lease, ok bool, err error) { panic("todo") }
