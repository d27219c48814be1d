// Package autostart starts Deepr when the user logs in, hidden, so jobs
// are tracked without opening the window: an XDG autostart entry on Linux
// (and the other Unix desktops), a LaunchAgent on macOS, the Run key on
// Windows. It only writes and removes that one entry; it never starts
// anything itself.
package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// HiddenFlag is the argument the login entry passes: the desktop app
// starts with its window hidden.
const HiddenFlag = "--hidden"

// Login is one user's login entry for a program.
type Login struct {
	// Exe is the absolute path of the program started at login.
	Exe string
	// Args follow Exe; Default sets [HiddenFlag].
	Args []string
	// Dir holds the entry: the XDG autostart folder on Linux, the
	// LaunchAgents folder on macOS; Windows uses the registry instead.
	Dir string
}

// Default is the login entry for the running program, in the user's
// usual folder (or registry key).
func Default() (Login, error) {
	exe, err := os.Executable()
	if err != nil {
		return Login{}, fmt.Errorf("cannot find Deepr's own program file: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	dir, err := defaultDir()
	if err != nil {
		return Login{}, err
	}
	return Login{Exe: exe, Args: []string{HiddenFlag}, Dir: dir}, nil
}

// Set writes the entry when on is true and removes it when false. Both
// are idempotent; removing a missing entry is not an error.
func (l Login) Set(on bool) error {
	if l.Exe == "" || !filepath.IsAbs(l.Exe) {
		return fmt.Errorf("start at login needs the program's absolute path, not %q", l.Exe)
	}
	if on {
		if err := l.write(); err != nil {
			return fmt.Errorf("could not set Deepr to start at login: %w", err)
		}
		return nil
	}
	if err := l.remove(); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("could not stop Deepr from starting at login: %w", err)
	}
	return nil
}

// writeFile writes b to path atomically (a temporary file renamed over
// it), creating the folder.
func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".deepr-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // fails harmlessly after the rename
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
