// Package recovery keeps what a poller knew when its database file was
// deleted or replaced under it, so no paid run is lost with the file.
//
// A process whose database file is no longer the one at its path (see
// store.Store.Replaced) still reads the old file through its open
// descriptor, but whatever it writes is lost and may damage the database
// that now sits at the path. So the poller stops, and before it stops it
// writes a recovery file, <data folder>/recovery/<time>.json (0600, written
// atomically): every job of the old database that a provider may still be
// running or billing (submitting, running, unconfirmed), with its provider
// response id, and every finished report whose folder copy was not written
// yet, with its text.
//
// The next process that takes the poller lease on the database at that path
// takes the file over (Take): running jobs are added back as running, with
// their ids and provider response ids, so the poller fetches their reports;
// jobs sent without a response id become unconfirmed, for the user to
// resolve; finished reports are added with their text. Jobs already in the
// database are left alone. A file taken over is renamed to <name>.done.
package recovery

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Version is the version of the file format written.
const Version = 1

// File is one recovery file.
type File struct {
	Version   int       `json:"version"`
	Database  string    `json:"database"` // the path of the database file that was lost
	Reason    string    `json:"reason"`   // why the poller stopped
	WrittenAt time.Time `json:"written_at"`
	Jobs      []Entry   `json:"jobs"`
}

// Entry is one job of the lost database: the job as it was stored (id,
// provider, model, provider response id, question, status, cost, times),
// the prices and estimate it was sent under (nil: unknown) and, for a
// finished job whose folder copy was not written, its report.
type Entry struct {
	job.Job
	Charge *store.Charge `json:"charge,omitempty"`
	Report *store.Report `json:"report,omitempty"`
}

// Dir is the folder of the recovery files of a data folder.
func Dir(dataDir string) string { return filepath.Join(dataDir, "recovery") }

// NewPath returns a path for a new recovery file written at t in dataDir's
// recovery folder, one no file has yet.
func NewPath(dataDir string, t time.Time) string {
	base := filepath.Join(Dir(dataDir), t.UTC().Format("2006-01-02T15-04-05.000Z"))
	p := base + ".json"
	for i := 2; exists(p) || exists(p+doneSuffix); i++ {
		p = fmt.Sprintf("%s-%d.json", base, i)
	}
	return p
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// doneSuffix marks a recovery file that was taken over.
const doneSuffix = ".done"

// Write writes f to path atomically (a temporary file, synced, renamed over
// path), readable by the user only; it creates the folder (0700).
func Write(path string, f File) (err error) {
	if f.Version == 0 {
		f.Version = Version
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("writing the recovery file %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("writing the recovery file %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, ".recovery-*.tmp")
	if err != nil {
		return fmt.Errorf("writing the recovery file %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			err = fmt.Errorf("writing the recovery file %s: %w", path, err)
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err = tmp.Write(b); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil { // not every system syncs a folder (Windows)
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// Read reads one recovery file.
func Read(path string) (File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return File{}, fmt.Errorf("reading the recovery file %s: %w", path, err)
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return File{}, fmt.Errorf("reading the recovery file %s: %w (it was left as it is)", path, err)
	}
	if f.Version > Version {
		return File{}, fmt.Errorf("the recovery file %s was written by a newer Deepr (format %d); update Deepr to take it over", path, f.Version)
	}
	return f, nil
}

// Pending lists the recovery files of dataDir not taken over yet, oldest
// first. A missing folder is no error.
func Pending(dataDir string) ([]string, error) {
	ents, err := os.ReadDir(Dir(dataDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing the recovery files: %w", err)
	}
	var out []string
	for _, e := range ents {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".json") && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, filepath.Join(Dir(dataDir), e.Name()))
		}
	}
	sort.Strings(out) // the names start with the time they were written
	return out, nil
}

// MarkDone renames a recovery file taken over to <path>.done.
func MarkDone(path string) error {
	if err := os.Rename(path, path+doneSuffix); err != nil {
		return fmt.Errorf("marking the recovery file %s as taken over: %w", path, err)
	}
	return nil
}

// Folder is the data folder whose recovery folder serves the database at
// dbPath: dataDir, or the database's own folder when there is none.
func Folder(dataDir, dbPath string) string {
	if dataDir != "" {
		return dataDir
	}
	return filepath.Dir(dbPath)
}
