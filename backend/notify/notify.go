// Package notify shows an OS notification when a research job ends.
//
// Linux talks to the desktop's notification server over the D-Bus session
// bus, so a click (or the "Open report" button) calls back with what to
// open, and a dismissal opens nothing; without a session bus it falls back
// to beeep. macOS and Windows use the Wails notifications API once given
// the Wails runtime context (Options.Context): clicks and actions come back
// the same way. macOS asks the user's authorization once, at the first
// finished job; Windows toasts come from the AppUserModelID "Deepr". When
// that setup fails (a bare binary outside the app bundle, no notification
// service) it falls back quietly to beeep, and Status says so.
//
// When more than three jobs end within a minute, the rest are summed up
// in one notification a few seconds later (then at most one a minute)
// instead of a flood; Close sends what is held, so quitting loses none.
//
// Failing to notify is logged, never fatal, and never blocks the caller.
package notify

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/sirupsen/logrus"
)

// AppName is the application name shown by notification servers, and the
// Windows AppUserModelID toasts are sent under.
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
	// OnOpen is called when the user clicks a notification or its button,
	// with what to open: the report (ViewReport), the job's details
	// (ViewDetails, for failed and unconfirmed jobs) or the queue
	// (ViewQueue, for a summary). Dismissing a notification calls nothing.
	// It runs on its own goroutine; a panic in it is recovered.
	OnOpen func(Target)
	// OnClick is the older form of OnOpen, used when OnOpen is nil: it gets
	// the job id of any clicked job notification, whatever its View.
	OnClick func(jobID string)
	// Log receives failures; nil discards them.
	Log logrus.FieldLogger
	// Send delivers one notification; nil means the platform's service.
	// It may block: JobFinished calls it on another goroutine.
	Send func(Note) error
	// Clock times the one-minute coalescing window; nil: the system clock.
	Clock Clock
	// Context is the Wails runtime context (the one OnStartup receives).
	// macOS and Windows need it for native notifications; without it they
	// use the fallback. Linux ignores it.
	Context context.Context
	// Icon is the path of the app's icon (see IconFile), shown with each
	// notification on Linux and by the fallback; "" shows none. macOS and
	// Windows show the app bundle's or executable's own icon.
	Icon string
	// BeforeAuthorization is called once on macOS just before the system
	// asks the user to allow notifications (at the first finished job), so
	// the window can say why. nil: nothing.
	BeforeAuthorization func()
}

// platformOptions is what a platform backend gets from Options.
type platformOptions struct {
	open                func(Target)
	log                 logrus.FieldLogger
	ctx                 context.Context
	beforeAuthorization func()
	icon                string
}

// Notifier sends job notifications. It satisfies worker.Notifier. It is
// safe for concurrent use.
type Notifier struct {
	enabled func() bool
	send    func(Note) error
	close   func() error
	status  func() string
	log     logrus.FieldLogger
	burst   *coalescer

	sem     chan struct{}
	wg      sync.WaitGroup // running sends; tests wait on it
	warned  atomic.Bool    // a failure was logged at warn since the last success
	dropped atomic.Bool    // a drop was logged at warn
}

// New returns a Notifier. With o.Send nil it uses the platform's
// notification service, set up lazily at the first notification.
func New(o Options) *Notifier {
	n := &Notifier{enabled: o.Enabled, send: o.Send, log: o.Log, sem: make(chan struct{}, maxInFlight)}
	if n.log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		n.log = l
	}
	if n.send == nil {
		p := newPlatform(platformOptions{
			open:                opener(o.OnOpen, o.OnClick, n.log),
			log:                 n.log,
			ctx:                 o.Context,
			beforeAuthorization: o.BeforeAuthorization,
			icon:                o.Icon,
		})
		n.send, n.close, n.status = p.send, p.close, p.status
	}
	clock := o.Clock
	if clock == nil {
		clock = systemClock{}
	}
	n.burst = newCoalescer(clock, n.dispatch)
	return n
}

// opener turns the OnOpen/OnClick options into one callback (nil when
// neither is set) that runs on its own goroutine and survives a panic.
func opener(onOpen func(Target), onClick func(string), log logrus.FieldLogger) func(Target) {
	if onOpen == nil && onClick == nil {
		return nil
	}
	return func(t Target) {
		go func() {
			defer func() {
				if r := recover(); r != nil {
					log.WithField("job", t.JobID).Errorf("opening %s from a notification panicked: %v", t.View, r)
				}
			}()
			switch {
			case onOpen != nil:
				onOpen(t)
			case t.JobID != "":
				onClick(t.JobID)
			}
		}()
	}
}

// JobFinished notifies that j reached a final state or became unconfirmed.
// Statuses nobody needs to hear about (active ones, Cancelled: the user
// did it) are ignored, and nothing is sent while notifications are
// disabled. It returns at once: the notification is sent on another
// goroutine, or held for the minute's summary. It never panics.
func (n *Notifier) JobFinished(j job.Job) {
	defer func() {
		if r := recover(); r != nil {
			n.log.WithField("job", j.ID).Errorf("notification skipped: panic: %v", r)
		}
	}()
	if !n.on() {
		return
	}
	title, body := Message(j)
	if title == "" {
		return
	}
	n.burst.add(j, Note{Title: title, Body: body, Target: targetFor(j)})
}

func (n *Notifier) on() bool { return n.enabled == nil || n.enabled() }

// dispatch sends one note on another goroutine, or drops it when
// maxInFlight sends are still running.
func (n *Notifier) dispatch(note Note) {
	defer func() {
		if r := recover(); r != nil {
			n.log.Errorf("notification skipped: panic: %v", r)
		}
	}()
	if !n.on() {
		return
	}
	select {
	case n.sem <- struct{}{}:
	default:
		l := n.log.WithField("job", note.Target.JobID)
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
		n.deliver(note)
	}()
}

// deliver calls the backend and logs the outcome; it never panics.
func (n *Notifier) deliver(note Note) {
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return n.send(note)
	}()
	l := n.log.WithField("job", note.Target.JobID)
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

// Status says in one line how notifications are delivered, for `deepr
// doctor`: off in the settings, the native service in use, or the fallback
// and why. On Linux it connects to the session bus to find out; on macOS
// and Windows it reports what the app's setup found (before the first
// notification: that setup is still to come).
func (n *Notifier) Status() string {
	if func() (off bool) {
		defer func() {
			if recover() != nil {
				off = false
			}
		}()
		return !n.on()
	}() {
		return "off (turned off in Settings)"
	}
	if n.status == nil {
		return "custom sender (tests)"
	}
	return n.status()
}

// closeWait bounds how long Close waits for the sends in progress.
const closeWait = 2 * time.Second

// Close stops the coalescing timer and sends the notifications held for
// a summary at once (quitting loses none), waits up to closeWait for the
// sends in progress, then releases the platform connection (the D-Bus
// session on Linux). Notifications sent after Close reconnect.
func (n *Notifier) Close() error {
	n.burst.stop()
	sent := make(chan struct{})
	go func() { n.wg.Wait(); close(sent) }()
	select {
	case <-sent:
	case <-time.After(closeWait):
		n.log.Warn("quitting while desktop notifications are still being sent")
	}
	if n.close == nil {
		return nil
	}
	return n.close()
}

// Clock is the notifier's source of time. Tests use a fake.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f on its own goroutine after d; stop cancels it.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }
func (systemClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

// PrepareProcess sets the process's notification identity: on Windows the
// AppUserModelID "Deepr" (call it early, before the window opens); nothing
// elsewhere. Setup at the first notification calls it too.
func PrepareProcess() error { return prepareProcess() }
