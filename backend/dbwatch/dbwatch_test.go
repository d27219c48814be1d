package dbwatch

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// waitSignal fails the test when no signal comes; the bound is only a
// guard against a hang, never a timing assertion.
func waitSignal(t *testing.T, w *Watcher) {
	t.Helper()
	select {
	case <-w.Changes():
	case <-time.After(20 * time.Second):
		t.Fatal("no change signalled")
	}
}

func TestWritesToTheLogAreSignalled(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "deepr.db")
	if err := os.WriteFile(db, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := New(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })

	// Another process's first commit creates the log, later ones append.
	wal := db + "-wal"
	if err := os.WriteFile(wal, []byte("frame 1"), 0o600); err != nil {
		t.Fatal(err)
	}
	waitSignal(t, w)
	f, err := os.OpenFile(wal, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("frame 2"); err != nil {
		t.Fatal(err)
	}
	waitSignal(t, w)
	// A checkpoint writes the database file itself.
	if err := os.WriteFile(db, []byte("page"), 0o600); err != nil {
		t.Fatal(err)
	}
	waitSignal(t, w)
}

func TestOnlyTheDatabaseFilesConcernIt(t *testing.T) {
	w := &Watcher{names: [3]string{"deepr.db", "deepr.db-wal", "deepr.db-journal"}}
	dir := filepath.Join("data", "x")
	cases := []struct {
		name string
		op   fsnotify.Op
		want bool
	}{
		{"deepr.db", fsnotify.Write, true},
		{"deepr.db-wal", fsnotify.Write, true},
		{"deepr.db-wal", fsnotify.Create, true},
		{"deepr.db-wal", fsnotify.Remove, true},
		{"deepr.db-journal", fsnotify.Create, true},
		{"DEEPR.DB-WAL", fsnotify.Write, true},  // macOS and Windows fold case
		{"deepr.db-shm", fsnotify.Write, false}, // shared memory: read-side locks, not commits
		{"deepr.db", fsnotify.Chmod, false},     // no content changed
		{"reports", fsnotify.Create, false},     // the report mirror
		{"deepr.db.bak", fsnotify.Write, false}, // a copy a user made
		{"other.db-wal", fsnotify.Write, false}, // another database
		{"deepr.db", fsnotify.Write | fsnotify.Chmod, true},
	}
	for _, c := range cases {
		ev := fsnotify.Event{Name: filepath.Join(dir, c.name), Op: c.op}
		if got := w.concerns(ev); got != c.want {
			t.Errorf("%s %v: concerns = %v, want %v", c.name, c.op, got, c.want)
		}
	}
}

func TestSignalsCoalesce(t *testing.T) {
	w := &Watcher{changes: make(chan struct{}, 1)}
	for range 5 {
		w.signal() // never blocks with nobody receiving
	}
	<-w.Changes()
	select {
	case <-w.Changes():
		t.Fatal("five writes nobody took gave more than one signal")
	default:
	}
}

func TestAMissingFolderIsAnError(t *testing.T) {
	_, err := New(filepath.Join(t.TempDir(), "gone", "deepr.db"))
	if err == nil {
		t.Fatal("watching a database in a folder that does not exist: no error")
	}
}

func TestCloseTwice(t *testing.T) {
	w, err := New(filepath.Join(t.TempDir(), "deepr.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
