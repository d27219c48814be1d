// Package store keeps every job, report and citation in one SQLite database
// on disk, the poller lease that lets only one process poll it, and a
// change feed (Feed) that tells a process when another one committed.
package store

// This file holds the public types other packages code against (worker,
// cli, app). The methods are grouped by concept, a file prefix each:
//
//	store.go, migrate.go   Open, Close, the schema, the file's identity
//	jobs*.go               a job's row, create/get/update, lists, due and count queries
//	changes.go             the change feed (Feed, JobVersions, Schedule)
//	lease.go               the poller lease
//	reports*.go            reports, their threads of follow-ups, their questions
//	spend*.go              charges and the budget, attempts, months, notices,
//	                       helper calls and reservations, claims under the budget
//	bulk.go                imports (InsertFinished, ids from elsewhere)
//	mirrorstate.go         which report folders are due to be written
//	search*.go             the search index and its SQL

import (
	"database/sql"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

var (
	// ErrNotFound: no job (or report) with that id or prefix.
	ErrNotFound = errors.New("not found")
	// ErrAmbiguous: the prefix matches more than one job.
	ErrAmbiguous = errors.New("ambiguous id prefix")
	// ErrActive: the job is being sent or running at its provider.
	ErrActive = errors.New("job is active at its provider")
)

// Store is an open database. Safe for concurrent use, also by several
// processes on the same file.
type Store struct {
	// Now is the clock used for created/updated times. Defaults to time.Now.
	// Set it right after Open, before the Store is shared.
	Now func() time.Time

	db      *sql.DB
	path    string        // absolute path of the database file
	wmu     sync.Mutex    // serialises this process's write transactions
	commits atomic.Uint64 // write transactions committed (Commits)

	leaseConn *sql.Conn // the lease's own connection (leaseWrite), under wmu; nil until first used

	file os.FileInfo // the database file opened (identity.go: Replaced)
}

// Commits is the number of write transactions this Store has committed
// since it was opened (benchmarks count the writes of a poll cycle).
func (s *Store) Commits() uint64 { return s.commits.Load() }

// ListFilter selects jobs for ListJobs. Zero values mean "any".
type ListFilter struct {
	Statuses []job.Status
	Model    string
	Limit    int // 0: no limit
	Offset   int
}

// Report is the saved outcome text of a job.
type Report struct {
	JobID     string         `json:"job_id"`
	Title     string         `json:"title"`
	Markdown  string         `json:"markdown"`
	Citations []job.Citation `json:"citations"`
	Raw       []byte         `json:"-"` // provider's raw final JSON
	CreatedAt time.Time      `json:"created_at"`
	// Questions asked about the report and their answers, oldest first
	// (GetReport fills it; InsertFinished keeps those it is given).
	Questions []Question `json:"questions,omitempty"`
}

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

// Lease is who holds the poller lease.
type Lease struct {
	Holder    string    `json:"holder"`
	Heartbeat time.Time `json:"heartbeat"`
}
