// Package notify shows an OS notification when a research job ends.
//
// On Linux it talks to the desktop's notification server over the D-Bus
// session bus, so clicking the notification (or its "Open report" button)
// calls back with the job id; without a session bus it falls back to beeep.
// Elsewhere it uses beeep. Failing to notify is logged, never fatal, and
// never blocks the caller.
package notify

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/sirupsen/logrus"
)

// AppName is the application name shown by notification servers.
const AppName = "Deepr"

// MaxBody is the longest notification body Message returns, in characters.
const MaxBody = 200

// maxInFlight bounds the sends running at once. When a platform hangs,
// later notifications are dropped (and logged) instead of piling up
// goroutines.
const maxInFlight = 4

// Options configure a Notifier.
type Options struct {
	// Enabled is read at each call (settings change at run time); nil means
	// always enabled.
	Enabled func() bool
	// OnClick is called with the job id when the user clicks a notification,
	// where the platform reports clicks (Linux D-Bus). It runs on the
	// notification library's goroutine; a panic in it is recovered.
	OnClick func(jobID string)
	// Log receives failures; nil discards them.
	Log logrus.FieldLogger
	// Send delivers one notification; nil means the platform default.
	// It may block: JobFinished calls it on another goroutine.
	Send func(title, body string, jobID string) error
}

// Notifier sends job notifications. It satisfies worker.Notifier. It is
// safe for concurrent use.
type Notifier struct {
	enabled func() bool
	send    func(title, body, jobID string) error
	close   func() error
	log     logrus.FieldLogger

	sem     chan struct{}
	wg      sync.WaitGroup // running sends; tests wait on it
	warned  atomic.Bool    // a failure was logged at warn since the last success
	dropped atomic.Bool    // a drop was logged at warn
}

// New returns a Notifier. With o.Send nil it uses the platform's
// notification service, connecting lazily on the first notification.
func New(o Options) *Notifier {
	n := &Notifier{enabled: o.Enabled, send: o.Send, log: o.Log, sem: make(chan struct{}, maxInFlight)}
	if n.log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		n.log = l
	}
	if n.send == nil {
		p := newPlatform(o.OnClick, n.log)
		n.send, n.close = p.send, p.close
	}
	return n
}

// JobFinished notifies that j reached a final state or became unconfirmed.
// Statuses nobody needs to hear about (active ones, Cancelled: the user
// did it) are ignored, and nothing is sent while notifications are
// disabled. It returns at once: the notification is sent on another
// goroutine. It never panics.
func (n *Notifier) JobFinished(j job.Job) {
	defer func() {
		if r := recover(); r != nil {
			n.log.WithField("job", j.ID).Errorf("notification skipped: panic: %v", r)
		}
	}()
	if n.enabled != nil && !n.enabled() {
		return
	}
	title, body := Message(j)
	if title == "" {
		return
	}
	select {
	case n.sem <- struct{}{}:
	default:
		l := n.log.WithField("job", j.ID)
		if n.dropped.CompareAndSwap(false, true) {
			l.Warn("notification dropped: earlier notifications are still being sent (is the notification service hanging?)")
		} else {
			l.Debug("notification dropped: earlier notifications are still being sent")
		}
		return
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		defer func() { <-n.sem }()
		n.deliver(title, body, j.ID)
	}()
}

// deliver calls the backend and logs the outcome; it never panics.
func (n *Notifier) deliver(title, body, jobID string) {
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return n.send(title, body, jobID)
	}()
	l := n.log.WithField("job", jobID)
	if err == nil {
		n.warned.Store(false)
		n.dropped.Store(false)
		l.Debug("notification sent")
		return
	}
	l = l.WithError(err)
	if n.warned.CompareAndSwap(false, true) {
		l.Warn("could not show a desktop notification; Deepr keeps working, check that a notification service is running")
	} else {
		l.Debug("could not show a desktop notification")
	}
}

// Close releases the platform connection (the D-Bus session on Linux).
// Notifications sent after Close reconnect. It does not wait for sends in
// progress.
func (n *Notifier) Close() error {
	if n.close == nil {
		return nil
	}
	return n.close()
}

// Message returns the notification for a job, in plain text (no markup):
//
//	Completed   -> "Research ready", the prompt's title
//	Incomplete  -> "Research incomplete", title and why it stopped
//	Failed      -> "Research failed", title and the error, shortened
//	Unconfirmed -> "Research needs your attention", title and what to do
//
// Other statuses give ("", ""): nothing to announce. Bodies are at most
// MaxBody characters, on one line.
func Message(j job.Job) (title, body string) {
	name := j.Title()
	if name == "" {
		name = "Untitled research"
	}
	var detail string
	switch j.Status {
	case job.Completed:
		return "Research ready", cut(name, MaxBody)
	case job.Incomplete:
		title, detail = "Research incomplete", oneLine(j.Error)
		if detail == "" {
			detail = "stopped before finishing; the partial result is saved"
		}
	case job.Failed:
		title, detail = "Research failed", oneLine(j.Error)
		if detail == "" {
			detail = "no error message; open Deepr to resubmit it"
		}
	case job.Unconfirmed:
		title, detail = "Research needs your attention", "may have been sent; resubmit or dismiss"
	default:
		return "", ""
	}
	// Keep room for the detail: the title gets at most half the body.
	name = cut(name, MaxBody/2)
	return title, cut(name+": "+detail, MaxBody)
}

// oneLine collapses every run of whitespace and control characters into
// one space.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// cut shortens s to at most n characters, ending with "…" when cut.
func cut(s string, n int) string {
	s = oneLine(s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
