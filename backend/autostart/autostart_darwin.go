//go:build darwin

package autostart

import (
	"fmt"
	"os"
	"path/filepath"
)

// defaultDir is ~/Library/LaunchAgents.
func defaultDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find your home folder: %w", err)
	}
	return filepath.Join(home, "Library", "LaunchAgents"), nil
}

func (l Login) path() string { return filepath.Join(l.Dir, LaunchAgentLabel+".plist") }

// write installs the LaunchAgent; launchd reads it at the next login.
func (l Login) write() error { return writeFile(l.path(), []byte(launchAgent(l.Exe, l.Args))) }

func (l Login) remove() error { return os.Remove(l.path()) }

// IsSet reports whether the LaunchAgent exists.
func (l Login) IsSet() bool {
	_, err := os.Stat(l.path())
	return err == nil
}
