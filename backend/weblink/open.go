package weblink

import (
	"bytes"
	"errors"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Opener hands a folder or a link to the OS's default program and says
// when none could open it, so the window can tell the user instead of
// doing nothing.
type Opener struct {
	// Command makes the command that opens target.
	Command func(target string) *exec.Cmd
	// Wait is how long Open waits for the command's verdict; one still
	// running then is taken as a success (the program is opening).
	Wait time.Duration
	// IgnoreExit trusts only the start: Windows Explorer exits 1 even
	// when it opened the folder.
	IgnoreExit bool
}

// SystemOpener is the platform's opener: open (macOS), explorer
// (Windows) or xdg-open (elsewhere).
func SystemOpener() Opener {
	o := Opener{Wait: 2 * time.Second}
	switch runtime.GOOS {
	case "darwin":
		o.Command = func(t string) *exec.Cmd { return exec.Command("open", t) }
	case "windows":
		o.Command = func(t string) *exec.Cmd { return exec.Command("explorer", t) }
		o.IgnoreExit = true
	default:
		o.Command = func(t string) *exec.Cmd { return exec.Command("xdg-open", t) }
	}
	return o
}

// Open opens target and returns an error naming it, and what the opener
// said, when no program could open it.
func (o Opener) Open(target string) error {
	cmd := o.Command(target)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return &NotOpened{Target: target, Why: err.Error()}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if err == nil || o.IgnoreExit || !errors.As(err, &exit) {
			return nil
		}
		why := strings.TrimSpace(stderr.String())
		if why == "" {
			why = err.Error()
		}
		return &NotOpened{Target: target, Why: why}
	case <-time.After(o.Wait):
		return nil // still running: the program is opening it
	}
}

// NotOpened says that no program could open Target, and why, in words
// the window shows as they are.
type NotOpened struct {
	Target string
	Why    string // what the opener said
}

func (e *NotOpened) Error() string {
	return "No program could open " + e.Target + ": " + strings.TrimSuffix(e.Why, ".") +
		". Open it yourself, or set a default program for it."
}
