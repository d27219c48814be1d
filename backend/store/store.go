package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver (build with -tags sqlite_fts5)
)

// Open opens (creating if needed) the database at path, in WAL mode with a
// busy timeout and foreign keys on, and applies pending migrations. A
// missing folder is created with mode 0700 and a new database file with
// mode 0600 (reports are private). A database already at the latest schema
// is only read, so Open never waits for another process that is writing.
func Open(path string) (*Store, error) {
	if strings.TrimSpace(path) == "" {
		return nil, errors.New("opening the database: no path given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("creating the database folder %s: %w (check its permissions or choose another data folder)", filepath.Dir(abs), err)
	}
	// Create the file ourselves so SQLite does not create it world-readable.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w (check its permissions)", abs, err)
	}
	f.Close()

	db, err := sql.Open("sqlite3", dsn(abs))
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w", abs, err)
	}
	s := &Store{Now: time.Now, db: db, path: abs}
	ctx := context.Background()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening the database %s: %w (is it a SQLite file? move it away to start fresh)", abs, err)
	}
	if err := s.rememberFile(); err != nil { // identity.go: which file SQLite opened
		db.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("preparing the database %s: %w", abs, err)
	}
	if _, err := s.reindexStale(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("preparing the database %s: %w", abs, err)
	}
	return s, nil
}

// dsn is the go-sqlite3 data source name for an absolute path: a file: URI
// (so '?' or '#' in the path cannot be mistaken for parameters) with WAL,
// a 5 s busy timeout, foreign keys, BEGIN IMMEDIATE for every transaction
// (read-modify-write transactions then never deadlock across processes;
// reads run outside transactions, so they never take the write lock)
// and full fsync on commit (a paid report must survive a power cut; the
// lease's own connection is the one exception, see leaseWrite).
func dsn(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: C:/x -> /C:/x
	}
	u := url.URL{Scheme: "file", Path: p}
	return u.String() + "?_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_txlock=immediate&_synchronous=FULL"
}

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error {
	if s == nil || s.db == nil {
		return nil
	}
	s.wmu.Lock()
	if s.leaseConn != nil {
		discardConn(s.leaseConn)
		s.leaseConn = nil
	}
	s.wmu.Unlock()
	return s.db.Close()
}

// now returns the injected clock's time, in UTC.
func (s *Store) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// write runs fn in one immediate transaction: it commits when fn returns
// nil and rolls back otherwise. Writers of this process queue on a mutex
// instead of spinning in SQLite's busy handler; other processes wait in it.
// A write to a database file that was deleted or replaced at its path
// would reach nobody: it is refused with Replaced's error.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := s.Replaced(); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.commit(ctx, s.db, fn)
}

// CheckWrite takes the write lock and lets it go, writing nothing: it says
// whether this process can write the database now, which Open no longer
// proves (an up-to-date database is only read). It waits for another
// process's write for the busy timeout, or until ctx ends.
func (s *Store) CheckWrite(ctx context.Context) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("the database %s cannot be written now: %w (another program may be writing it: try again; or check the file's permissions)", s.path, err)
	}
	return tx.Rollback()
}

// beginner is what a transaction starts on: the pool, or one connection.
type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// commit runs fn in one transaction on b and commits it when fn returns
// nil. The caller holds wmu.
func (s *Store) commit(ctx context.Context, b beginner, fn func(tx *sql.Tx) error) error {
	tx, err := b.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("starting a database transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing to the database: %w", err)
	}
	s.commits.Add(1)
	return nil
}

// zeroNanos stands for the zero time.Time in NOT NULL time columns.
const zeroNanos = math.MinInt64

// toNanos converts t to UTC unix nanoseconds. The zero time maps to
// zeroNanos; times outside int64 nanoseconds (before 1678 or after 2262)
// are refused rather than silently wrapped.
func toNanos(t time.Time) (int64, error) {
	if t.IsZero() {
		return zeroNanos, nil
	}
	if t.Before(time.Unix(0, math.MinInt64+1)) || t.After(time.Unix(0, math.MaxInt64)) {
		return 0, fmt.Errorf("time %s cannot be stored: only years 1678 to 2262 are supported", t.Format(time.RFC3339))
	}
	return t.UnixNano(), nil
}

// fromNanos is the inverse of toNanos; times come back in UTC.
func fromNanos(n int64) time.Time {
	if n == zeroNanos {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// toNullNanos converts an optional time: nil is NULL.
func toNullNanos(t *time.Time) (sql.NullInt64, error) {
	if t == nil {
		return sql.NullInt64{}, nil
	}
	n, err := toNanos(*t)
	return sql.NullInt64{Int64: n, Valid: err == nil}, err
}

func fromNullNanos(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromNanos(n.Int64)
	return &t
}

// A process that has the database open keeps reading and writing the file
// it opened even after that file was deleted, moved away or replaced at
// its path: its writes then reach nobody, and SQLite's -wal and -shm files,
// which stay at the path, may be shared with a new database opened there.
// Open remembers which file it opened; Replaced tells whether the path
// still names it.

// ErrReplaced is wrapped by Replaced's error: the file at the database's
// path is no longer the one this Store opened.
var ErrReplaced = errors.New("the database file was deleted or replaced")

// ReplacedError says which database file was lost and how.
type ReplacedError struct {
	Path string
	Gone bool // nothing is at the path (deleted or moved); else another file is
}

func (e *ReplacedError) Error() string {
	if e.Gone {
		return fmt.Sprintf("the database file %s was deleted or moved while Deepr had it open; "+
			"put it back (from where it was moved, or from a backup) and start Deepr again, "+
			"or start Deepr again to begin a new, empty database there", e.Path)
	}
	return fmt.Sprintf("the database file %s was replaced by another file while Deepr had it open; "+
		"start Deepr again to use the file now at that path", e.Path)
}

func (e *ReplacedError) Unwrap() error { return ErrReplaced }

// rememberFile records the identity of the file at the database's path,
// the one SQLite opened (Open calls it once the first connection is up).
func (s *Store) rememberFile() error {
	fi, err := os.Stat(s.path)
	if err != nil {
		return fmt.Errorf("opening the database %s: %w", s.path, err)
	}
	s.file = fi
	return nil
}

// Replaced returns a *ReplacedError (wrapping ErrReplaced) when the file at
// the database's path is no longer the file this Store opened: it was
// deleted, moved away or replaced by another. It returns nil while it is
// the same file, and when that cannot be told (a stat that fails for
// another reason, such as a permission, is no proof). It costs one stat.
func (s *Store) Replaced() error {
	if s == nil || s.file == nil {
		return nil
	}
	fi, err := os.Stat(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &ReplacedError{Path: s.path, Gone: true}
	case err != nil:
		return nil
	case !os.SameFile(s.file, fi):
		return &ReplacedError{Path: s.path}
	}
	return nil
}
