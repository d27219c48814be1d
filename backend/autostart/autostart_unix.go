//go:build !darwin && !windows

package autostart

import (
	"os"
	"path/filepath"

	"github.com/adrg/xdg"
)

// defaultDir is $XDG_CONFIG_HOME/autostart.
func defaultDir() (string, error) { return filepath.Join(xdg.ConfigHome, "autostart"), nil }

func (l Login) path() string { return filepath.Join(l.Dir, DesktopFile) }

func (l Login) write() error { return writeFile(l.path(), []byte(desktopEntry(l.Exe, l.Args))) }

func (l Login) remove() error { return os.Remove(l.path()) }

// IsSet reports whether the entry exists.
func (l Login) IsSet() bool {
	_, err := os.Stat(l.path())
	return err == nil
}
