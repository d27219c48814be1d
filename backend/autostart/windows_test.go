//go:build windows

package autostart

import (
	"testing"

	"golang.org/x/sys/windows/registry"
)

// TestRunKey writes, reads and removes the per-user Run value (under Wine:
// the private prefix's registry). A value the user already had is put back.
func TestRunKey(t *testing.T) {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE|registry.SET_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if prev, _, err := k.GetStringValue(runValue); err == nil {
		t.Cleanup(func() { _ = k.SetStringValue(runValue, prev) })
	}
	_ = k.DeleteValue(runValue)

	l := Login{Exe: `C:\Users\A B\AppData\Local\Programs\Deepr\deepr.exe`, Args: []string{HiddenFlag}}
	if l.IsSet() {
		t.Fatal("IsSet with no Run value")
	}
	for range 2 { // idempotent
		if err := l.Set(true); err != nil {
			t.Fatalf("Set(true) = %v", err)
		}
	}
	got, _, err := k.GetStringValue(runValue)
	if want := runCommand(l.Exe, l.Args); err != nil || got != want || !l.IsSet() {
		t.Fatalf("Run value = %q (%v), IsSet %v; want %q", got, err, l.IsSet(), want)
	}
	for range 2 { // removing what is not there is no error
		if err := l.Set(false); err != nil {
			t.Fatalf("Set(false) = %v", err)
		}
	}
	if _, _, err := k.GetStringValue(runValue); err != registry.ErrNotExist || l.IsSet() {
		t.Fatalf("after Set(false): value err %v, IsSet %v; want it gone", err, l.IsSet())
	}
}
