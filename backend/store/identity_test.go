package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/store"
)

// TestReplaced checks that a Store notices when the file at its path is no
// longer the one it opened: deleted, moved away, or replaced by another.
func TestReplaced(t *testing.T) {
	cases := []struct {
		name string
		do   func(t *testing.T, path string) error // the file operation's error
		gone bool                                  // the error says the file is gone (not replaced)
	}{
		{"deleted", func(t *testing.T, path string) error {
			return os.Remove(path)
		}, true},
		{"moved away", func(t *testing.T, path string) error {
			return os.Rename(path, path+".bak")
		}, true},
		{"replaced by a new database", func(t *testing.T, path string) error {
			if err := os.Remove(path); err != nil {
				return err
			}
			other, err := store.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			return other.Close()
		}, false},
		{"replaced by a renamed file", func(t *testing.T, path string) error {
			tmp := path + ".new"
			if err := os.WriteFile(tmp, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return os.Rename(tmp, path)
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "deepr.db")
			st, err := store.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.Replaced(); err != nil {
				t.Fatalf("Replaced() on the file just opened = %v, want nil", err)
			}
			err = c.do(t, path)
			if runtime.GOOS == "windows" {
				// SQLite opens the file without FILE_SHARE_DELETE, so Windows
				// refuses to delete, move or replace it while Deepr has it open.
				if err == nil {
					t.Fatalf("Windows let the open database be %s; want a sharing violation", c.name)
				}
				if err := st.Replaced(); err != nil {
					t.Fatalf("Replaced() with the database still in place = %v, want nil", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			err = st.Replaced()
			if err == nil {
				t.Fatalf("Replaced() after the file was %s = nil, want an error", c.name)
			}
			if !errors.Is(err, store.ErrReplaced) {
				t.Errorf("Replaced() = %v, want it to wrap store.ErrReplaced", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, path) {
				t.Errorf("Replaced() = %q, want it to name the path %s", msg, path)
			}
			if word := "deleted or moved"; c.gone != strings.Contains(msg, word) {
				t.Errorf("Replaced() = %q: mentions %q = %v, want %v", msg, word, !c.gone, c.gone)
			}
			if !strings.Contains(msg, "start Deepr again") {
				t.Errorf("Replaced() = %q, want it to say what to do (start Deepr again)", msg)
			}
		})
	}
}

// TestReplacedStable checks that writes, a checkpoint and a second handle
// on the same file are not taken for a replacement.
func TestReplacedStable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deepr.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	other, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Close(); err != nil { // the last handle but one: may checkpoint
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := st.Replaced(); err != nil {
		t.Fatalf("Replaced() with the same file still there = %v, want nil", err)
	}
}
