package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

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
