//go:build windows

package main

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// attachParentProcess is AttachConsole's ATTACH_PARENT_PROCESS, (DWORD)-1.
const attachParentProcess = ^uint32(0)

// attachConsole makes the CLI print in the console it was typed in.
// deepr.exe is a GUI-subsystem program (double-clicked, it opens no console
// window), so Windows gives it no console: started from cmd.exe or
// PowerShell, `deepr list` would print nothing. With arguments, it attaches
// to the parent's console and points every standard stream that is not
// already redirected (a file, a pipe, NUL) at it, so output, errors, --json
// and the exit code behave as on Linux. Without a parent console (started
// from Explorer or a shortcut) nothing changes. main calls it only for CLI
// commands, never for the window.
func attachConsole() {
	streams := []struct {
		id   uint32
		file **os.File
		dev  string // the console device to reopen it on
		name string
	}{
		{windows.STD_INPUT_HANDLE, &os.Stdin, "CONIN$", "/dev/stdin"},
		{windows.STD_OUTPUT_HANDLE, &os.Stdout, "CONOUT$", "/dev/stdout"},
		{windows.STD_ERROR_HANDLE, &os.Stderr, "CONOUT$", "/dev/stderr"},
	}
	var missing []int
	for i, s := range streams {
		if h, err := windows.GetStdHandle(s.id); err != nil || !usableHandle(h) {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return // all redirected: nothing would reach a console anyway
	}
	if err := attachParentConsole(); err != nil && !errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		return // no parent console (ACCESS_DENIED: already attached to one)
	}
	for _, i := range missing {
		s := streams[i]
		dev, _ := windows.UTF16PtrFromString(s.dev)
		h, err := windows.CreateFile(dev, windows.GENERIC_READ|windows.GENERIC_WRITE,
			windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
		if err != nil {
			continue
		}
		_ = windows.SetStdHandle(s.id, h)
		*s.file = os.NewFile(uintptr(h), s.name)
	}
}

// usableHandle reports whether a standard handle leads somewhere: a file, a
// pipe or a character device. A GUI program started from a console has a
// null one.
func usableHandle(h windows.Handle) bool {
	if h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}

// attachParentConsole calls kernel32's AttachConsole(ATTACH_PARENT_PROCESS),
// which golang.org/x/sys/windows does not wrap.
func attachParentConsole() error {
	proc := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	if err := proc.Find(); err != nil {
		return err
	}
	if r, _, err := proc.Call(uintptr(attachParentProcess)); r == 0 {
		return err
	}
	return nil
}
