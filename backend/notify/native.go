package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/gen2brain/beeep"
	"github.com/google/uuid"
	"github.com/sirupsen/logrus"
	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// Notification categories: the action button of each View.
const (
	categoryReport  = "io.deepr.report"
	categoryDetails = "io.deepr.details"
	actionOpen      = "open"
	// defaultAction is what Wails reports for a click on the notification
	// itself (on macOS it maps Apple's default action to it).
	defaultAction = "DEFAULT_ACTION"
)

// nativePlatform sends through the Wails notifications API: macOS
// UserNotifications (the app bundle io.deepr and the user's authorization
// are needed), Windows toasts (under the AppUserModelID "Deepr"). It sets
// up at the first notification and falls back to beeep, quietly, when
// setup fails or there is no Wails context (the CLI).
type nativePlatform struct {
	o        platformOptions
	os       nativeOS
	fallback func(title, body string) error
	api      nativeAPI // nil: no Wails context, always the fallback

	once    sync.Once
	mu      sync.Mutex
	ready   bool   // native notifications are set up and allowed
	why     string // why the fallback is used (after setup)
	setUp   bool
	pending map[string]Target // notification id -> target, until clicked
}

// nativeAPI is the part of the Wails runtime the platform uses; tests
// replace it.
type nativeAPI interface {
	Initialize() error
	Authorize(before func()) (bool, error)
	Register(c wruntime.NotificationCategory) error
	OnResponse(func(wruntime.NotificationResult))
	Send(o wruntime.NotificationOptions) error
}

// nativeOS is what differs between macOS and Windows.
type nativeOS struct {
	name      string       // the service, for Status
	settings  string       // where the user allows notifications
	hint      string       // what a failed setup usually means
	afterInit func() error // run after InitializeNotifications
}

func newNativePlatform(o platformOptions, os nativeOS) *nativePlatform {
	beeep.AppName = AppName
	p := &nativePlatform{
		o:        o,
		os:       os,
		fallback: func(title, body string) error { return beeep.Notify(title, body, o.icon) },
		pending:  map[string]Target{},
	}
	if o.ctx != nil {
		p.api = wailsAPI{ctx: o.ctx}
	}
	return p
}

// setup initialises the native service once; on failure it records why
// and every notification uses the fallback.
func (p *nativePlatform) setup() {
	p.once.Do(func() {
		why := p.trySetup()
		p.mu.Lock()
		p.setUp, p.ready, p.why = true, why == "", why
		p.mu.Unlock()
		if why != "" {
			p.log().Info("native notifications unavailable, using the basic fallback: " + why)
		}
	})
}

func (p *nativePlatform) trySetup() (why string) {
	defer func() {
		if r := recover(); r != nil {
			why = fmt.Sprintf("setup panicked: %v", r)
		}
	}()
	if p.api == nil {
		return "no desktop window in this process (the CLI uses the basic fallback)"
	}
	if err := p.api.Initialize(); err != nil {
		return fmt.Sprintf("%v (%s)", err, p.os.hint)
	}
	if err := p.os.afterInit(); err != nil {
		p.log().WithError(err).Debug("notification identity not fully set")
	}
	ok, err := p.api.Authorize(p.o.beforeAuthorization)
	if err != nil {
		return fmt.Sprintf("authorization failed: %v", err)
	}
	if !ok {
		return "notifications for Deepr are not allowed; allow them in " + p.os.settings
	}
	for _, c := range []wruntime.NotificationCategory{
		{ID: categoryReport, Actions: []wruntime.NotificationAction{{ID: actionOpen, Title: actionLabel(Target{View: ViewReport})}}},
		{ID: categoryDetails, Actions: []wruntime.NotificationAction{{ID: actionOpen, Title: actionLabel(Target{View: ViewDetails})}}},
	} {
		if err := p.api.Register(c); err != nil {
			return fmt.Sprintf("could not register the notification buttons: %v", err)
		}
	}
	p.api.OnResponse(p.onResponse)
	return ""
}

func (p *nativePlatform) log() logrus.FieldLogger { return p.o.log }

func (p *nativePlatform) send(note Note) error {
	p.setup()
	p.mu.Lock()
	ready := p.ready
	p.mu.Unlock()
	if !ready {
		return p.fallback(note.Title, note.Body)
	}
	opts := wruntime.NotificationOptions{
		ID:    uuid.NewString(),
		Title: note.Title,
		Body:  note.Body,
		Data:  map[string]interface{}{"job": note.Target.JobID, "view": string(note.Target.View)},
	}
	switch note.Target.View {
	case ViewReport:
		opts.CategoryID = categoryReport
	case ViewDetails:
		opts.CategoryID = categoryDetails
	}
	p.mu.Lock()
	p.pending[opts.ID] = note.Target
	p.mu.Unlock()
	if err := p.api.Send(opts); err != nil {
		p.mu.Lock()
		delete(p.pending, opts.ID)
		p.mu.Unlock()
		p.log().WithError(err).Debug("native notification failed; using the fallback")
		if ferr := p.fallback(note.Title, note.Body); ferr != nil {
			return errors.Join(err, ferr)
		}
	}
	return nil
}

// onResponse opens what a clicked notification names. Only a click on
// the notification or on its button opens anything.
func (p *nativePlatform) onResponse(r wruntime.NotificationResult) {
	if r.Error != nil {
		p.log().WithError(r.Error).Debug("notification response")
		return
	}
	resp := r.Response
	if resp.ActionIdentifier != defaultAction && resp.ActionIdentifier != actionOpen {
		return // dismissed, or another action
	}
	p.mu.Lock()
	t, ok := p.pending[resp.ID]
	delete(p.pending, resp.ID)
	p.mu.Unlock()
	if !ok {
		// Windows may start a new process for a click on an old toast: the
		// payload carries the target.
		t, ok = targetFromData(resp.UserInfo)
	}
	if ok && p.o.open != nil {
		p.o.open(t)
	}
}

// targetFromData reads the target a notification carried in its Data.
func targetFromData(d map[string]interface{}) (Target, bool) {
	view, _ := d["view"].(string)
	id, _ := d["job"].(string)
	switch View(view) {
	case ViewReport, ViewDetails:
		return Target{JobID: id, View: View(view)}, id != ""
	case ViewQueue:
		return Target{View: ViewQueue}, true
	}
	return Target{}, false
}

func (p *nativePlatform) status() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.ready:
		return p.os.name + "; clicks open reports"
	case p.setUp:
		return "basic fallback (beeep), clicks do not open reports: " + p.why
	case p.api == nil:
		return p.os.name + " when the Deepr window runs (set up at the first finished job); this process uses the basic fallback"
	default:
		return p.os.name + ", set up at the first finished job"
	}
}

//lint:ignore U1000 the platform on darwin and windows (notify_darwin.go, notify_windows.go)
func (p *nativePlatform) close() error { return nil }

// wailsAPI is nativeAPI over the Wails runtime.
type wailsAPI struct{ ctx context.Context }

func (w wailsAPI) Initialize() error { return wruntime.InitializeNotifications(w.ctx) }

// Authorize asks the user once when the app is not yet allowed (macOS; on
// Windows both calls answer true).
func (w wailsAPI) Authorize(before func()) (bool, error) {
	ok, err := wruntime.CheckNotificationAuthorization(w.ctx)
	if err == nil && ok {
		return true, nil
	}
	if before != nil {
		before()
	}
	return wruntime.RequestNotificationAuthorization(w.ctx)
}

func (w wailsAPI) Register(c wruntime.NotificationCategory) error {
	return wruntime.RegisterNotificationCategory(w.ctx, c)
}

func (w wailsAPI) OnResponse(f func(wruntime.NotificationResult)) {
	wruntime.OnNotificationResponse(w.ctx, f)
}

func (w wailsAPI) Send(o wruntime.NotificationOptions) error {
	if o.CategoryID == "" {
		return wruntime.SendNotification(w.ctx, o)
	}
	return wruntime.SendNotificationWithActions(w.ctx, o)
}
