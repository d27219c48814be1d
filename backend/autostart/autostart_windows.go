//go:build windows

package autostart

import (
	"errors"

	"golang.org/x/sys/windows/registry"
)

// runKey is the per-user Run key; runValue the value Deepr owns there.
const (
	runKey   = `Software\Microsoft\Windows\CurrentVersion\Run`
	runValue = "Deepr"
)

// defaultDir is unused on Windows: the entry lives in the registry.
func defaultDir() (string, error) { return "", nil }

func (l Login) write() error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	return k.SetStringValue(runValue, runCommand(l.Exe, l.Args))
}

func (l Login) remove() error {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	if err := k.DeleteValue(runValue); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return err
	}
	return nil
}

// IsSet reports whether the Run value exists.
func (l Login) IsSet() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	_, _, err = k.GetStringValue(runValue)
	return err == nil
}
