//go:build linux

package notify

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	dbusnotify "github.com/esiqveland/notify"
	"github.com/gen2brain/beeep"
	"github.com/godbus/dbus/v5"
	"github.com/sirupsen/logrus"
)

// openAction is the key of the "Open report" button; "default" is the
// click on the notification itself.
const openAction = "open"

// platform sends notifications over one private session-bus connection,
// made on first use and remade after it breaks, and turns ActionInvoked
// signals into open calls (NotificationClosed, a dismissal, only forgets
// the notification). Without a session bus it falls back to beeep.
type platform struct {
	open     func(Target) // nil: no actions offered
	log      logrus.FieldLogger
	icon     string // path of the app's icon, or ""
	connect  func() (*dbus.Conn, error)
	fallback func(title, body string) error

	mu     sync.Mutex // guards conn, n and markup; held during a send
	conn   *dbus.Conn
	n      dbusnotify.Notifier
	markup bool // the server renders body markup, so the body is escaped

	idsMu sync.Mutex // never held during a D-Bus call
	ids   map[uint32]Target
}

func newPlatform(o platformOptions) *platform {
	beeep.AppName = AppName
	return &platform{
		open:     o.open,
		log:      o.log,
		connect:  connectSessionBus,
		icon:     o.icon,
		fallback: func(title, body string) error { return beeep.Notify(title, body, o.icon) },
		ids:      map[uint32]Target{},
	}
}

// connectSessionBus opens a private connection to the running session
// bus. It never launches a bus (dbus-launch) when none is running.
func connectSessionBus() (*dbus.Conn, error) {
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return nil, err
	}
	if err := conn.Auth(nil); err != nil {
		conn.Close()
		return nil, err
	}
	if err := conn.Hello(); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

func (p *platform) send(note Note) error {
	err := p.sendDBus(note)
	if err == nil {
		return nil
	}
	p.log.WithError(err).Debug("D-Bus notification failed; trying beeep")
	if ferr := p.fallback(note.Title, note.Body); ferr != nil {
		return fmt.Errorf("D-Bus: %v; fallback: %w", err, ferr)
	}
	return nil
}

// status connects to the notification server (when not connected) and
// names it, or says why the fallback is in use.
func (p *platform) status() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ensureLocked(); err != nil {
		return fmt.Sprintf("fallback (beeep): %v; clicks do not open reports. Is a notification daemon running in this desktop session?", err)
	}
	info, err := p.n.GetServerInformation()
	if err != nil {
		return fmt.Sprintf("fallback (beeep): no notification server answers on the session bus (%v); clicks do not open reports", err)
	}
	return fmt.Sprintf("D-Bus notification server %s %s; clicks open reports", info.Name, info.Version)
}

func (p *platform) sendDBus(note Note) error {
	title, body := note.Title, note.Body
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.ensureLocked(); err != nil {
		return err
	}
	if p.markup {
		body = escapeMarkup(body)
	}
	msg := dbusnotify.Notification{
		AppName:       AppName,
		AppIcon:       p.icon,
		Summary:       title,
		Body:          body,
		ExpireTimeout: dbusnotify.ExpireTimeoutSetByNotificationServer,
	}
	if p.open != nil && note.Target.View != "" {
		label := actionLabel(note.Target)
		msg.Actions = []dbusnotify.Action{
			dbusnotify.NewDefaultAction(label),
			{Key: openAction, Label: label},
		}
	}
	id, err := p.n.SendNotification(msg)
	if err != nil {
		if !p.conn.Connected() {
			p.closeLocked()
		}
		return err
	}
	if len(msg.Actions) > 0 {
		p.idsMu.Lock()
		p.ids[id] = note.Target
		p.idsMu.Unlock()
	}
	return nil
}

// ensureLocked connects when there is no live connection. p.mu is held.
func (p *platform) ensureLocked() error {
	if p.n != nil && p.conn.Connected() {
		return nil
	}
	p.closeLocked()
	conn, err := p.connect()
	if err != nil {
		return fmt.Errorf("no D-Bus session bus: %w", err)
	}
	n, err := dbusnotify.New(conn,
		dbusnotify.WithOnAction(p.onAction),
		dbusnotify.WithOnClosed(p.onClosed),
		dbusnotify.WithLogger(printfLogger{p.log}),
	)
	if err != nil {
		conn.Close()
		return err
	}
	p.conn, p.n = conn, n
	caps, err := n.GetCapabilities()
	if err != nil {
		// No server yet (or it is starting): send plain text anyway.
		p.log.WithError(err).Debug("notification server capabilities unknown")
	}
	p.markup = slices.Contains(caps, "body-markup")
	return nil
}

// closeLocked drops the connection. p.mu is held.
func (p *platform) closeLocked() {
	if p.n != nil {
		_ = p.n.Close()
	}
	if p.conn != nil {
		_ = p.conn.Close()
	}
	p.conn, p.n, p.markup = nil, nil, false
}

func (p *platform) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closeLocked()
	return nil
}

// onAction runs on the D-Bus event loop: look up the target and hand the
// click to open (which runs the handler on its own goroutine, so a slow
// handler never stalls signal delivery).
func (p *platform) onAction(s *dbusnotify.ActionInvokedSignal) {
	if s == nil || (s.ActionKey != "default" && s.ActionKey != openAction) {
		return
	}
	p.idsMu.Lock()
	target, ok := p.ids[s.ID]
	delete(p.ids, s.ID)
	p.idsMu.Unlock()
	if !ok || p.open == nil {
		return // another application's notification, or already handled
	}
	p.open(target)
}

func (p *platform) onClosed(s *dbusnotify.NotificationClosedSignal) {
	if s == nil {
		return
	}
	p.idsMu.Lock()
	delete(p.ids, s.ID)
	p.idsMu.Unlock()
}

// escapeMarkup escapes the characters the freedesktop body markup gives
// a meaning to, so text shows as written.
func escapeMarkup(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// printfLogger sends the D-Bus library's chatter to the debug log.
type printfLogger struct{ l logrus.FieldLogger }

func (p printfLogger) Printf(format string, v ...any) { p.l.Debugf("dbus notify: "+format, v...) }

// prepareProcess has nothing to do on Linux: the D-Bus app name is sent
// with each notification.
func prepareProcess() error { return nil }
