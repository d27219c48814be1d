//go:build linux

package notify

import (
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/godbus/dbus/v5"
)

func TestNoSessionBusFallsBack(t *testing.T) {
	l, _ := testLogger()
	var got [][2]string
	p := newPlatform(platformOptions{log: l})
	p.connect = func() (*dbus.Conn, error) { return nil, errors.New("dbus: couldn't determine address of session bus") }
	p.fallback = func(title, body string) error { got = append(got, [2]string{title, body}); return nil }
	note := Note{Title: "T", Body: "B", Target: Target{JobID: "j1", View: ViewReport}}
	if err := p.send(note); err != nil {
		t.Fatalf("send = %v, want nil (fallback worked)", err)
	}
	if len(got) != 1 || got[0] != [2]string{"T", "B"} {
		t.Fatalf("fallback got %q, want one call with [T B]", got)
	}

	p.fallback = func(string, string) error { return errors.New("notify-send not found") }
	err := p.send(note)
	if err == nil || !strings.Contains(err.Error(), "session bus") || !strings.Contains(err.Error(), "notify-send") {
		t.Fatalf("send = %v, want an error naming both failures", err)
	}
}

// fakeServer is a minimal org.freedesktop.Notifications server on the
// session bus, so the real client code is exercised without a desktop.
type fakeServer struct {
	conn  *dbus.Conn
	mu    sync.Mutex
	notes chan fakeNote
	next  uint32
	caps  []string
}

type fakeNote struct {
	ID                  uint32
	App, Icon, Sum, Bod string
	Actions             []string
}

func (s *fakeServer) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.mu.Lock()
	s.next++
	id := s.next
	s.mu.Unlock()
	s.notes <- fakeNote{ID: id, App: app, Icon: icon, Sum: summary, Bod: body, Actions: actions}
	return id, nil
}

func (s *fakeServer) GetCapabilities() ([]string, *dbus.Error) { return s.caps, nil }

func (s *fakeServer) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "fake", "deepr-test", "1", "1.2", nil
}

func (s *fakeServer) CloseNotification(id uint32) *dbus.Error { return nil }

func (s *fakeServer) emit(signal string, args ...any) error {
	return s.conn.Emit("/org/freedesktop/Notifications", "org.freedesktop.Notifications."+signal, args...)
}

// startFakeServer claims the notification service name, or skips when
// there is no session bus or a real notification daemon owns it.
func startFakeServer(t *testing.T, caps []string) *fakeServer {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Skip("no session bus (run under: dbus-run-session -- go test ...)")
	}
	conn, err := connectSessionBus()
	if err != nil {
		t.Skipf("session bus unreachable: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	s := &fakeServer{conn: conn, notes: make(chan fakeNote, 8), caps: caps}
	if err := conn.Export(s, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue)
	if err != nil {
		t.Fatal(err)
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		t.Skip("a real notification daemon owns org.freedesktop.Notifications")
	}
	return s
}

func waitNote(t *testing.T, s *fakeServer) fakeNote {
	t.Helper()
	select {
	case n := <-s.notes:
		return n
	case <-time.After(5 * time.Second): // safety net only
		t.Fatal("the notification server received nothing")
		return fakeNote{}
	}
}

// TestDBusDeliveryAndClick sends through the real D-Bus client to a fake
// server, then clicks: OnClick gets the job id once.
func TestDBusDeliveryAndClick(t *testing.T) {
	srv := startFakeServer(t, []string{"body", "actions", "body-markup"})
	clicks := make(chan string, 4)
	l, _ := testLogger()
	n := New(Options{Log: l, OnClick: func(id string) { clicks <- id }, Icon: "/opt/deepr/icon.png"})
	t.Cleanup(func() { n.Close() })

	n.JobFinished(job1("<b>A & B</b>"))
	n.wg.Wait()
	got := waitNote(t, srv)
	if got.App != AppName || got.Sum != "Research ready" || got.Icon != "/opt/deepr/icon.png" {
		t.Fatalf("server got app %q icon %q summary %q, want %q, the app's icon, %q", got.App, got.Icon, got.Sum, AppName, "Research ready")
	}
	if got.Bod != "&lt;b&gt;A &amp; B&lt;/b&gt;" {
		t.Fatalf("body = %q, want the markup escaped (server has body-markup)", got.Bod)
	}
	if strings.Join(got.Actions, ",") != "default,Open report,open,Open report" {
		t.Fatalf("actions = %q, want default and open", got.Actions)
	}

	// A click on someone else's notification is ignored; ours opens the job.
	if err := srv.emit("ActionInvoked", got.ID+100, "default"); err != nil {
		t.Fatal(err)
	}
	if err := srv.emit("ActionInvoked", got.ID, "default"); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-clicks:
		if id != "job-1" {
			t.Fatalf("OnClick(%q), want OnClick(%q)", id, "job-1")
		}
	case <-time.After(5 * time.Second): // safety net only
		t.Fatal("OnClick was not called after ActionInvoked")
	}
	// A second click on the same notification does nothing more; a click
	// on the next notification opens its job.
	if err := srv.emit("ActionInvoked", got.ID, openAction); err != nil {
		t.Fatal(err)
	}
	second := job1("second")
	second.ID = "job-2"
	n.JobFinished(second)
	n.wg.Wait()
	note2 := waitNote(t, srv)
	if err := srv.emit("ActionInvoked", note2.ID, openAction); err != nil {
		t.Fatal(err)
	}
	select {
	case id := <-clicks:
		if id != "job-2" {
			t.Fatalf("OnClick(%q), want OnClick(%q)", id, "job-2")
		}
	case <-time.After(5 * time.Second): // safety net only
		t.Fatal("OnClick was not called for the open action")
	}
	select {
	case id := <-clicks:
		t.Fatalf("extra OnClick(%q): a notification was opened twice", id)
	default:
	}
}

// TestDBusReconnects: after Close (a dropped connection) the next
// notification reconnects by itself.
func TestDBusReconnects(t *testing.T) {
	srv := startFakeServer(t, []string{"body"})
	l, buf := testLogger()
	n := New(Options{Log: l})
	t.Cleanup(func() { n.Close() })
	n.JobFinished(job1("first"))
	n.wg.Wait()
	if got := waitNote(t, srv); got.Bod != "first" || len(got.Actions) != 0 {
		t.Fatalf("got body %q actions %q, want %q and no actions (no OnClick)", got.Bod, got.Actions, "first")
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	n.JobFinished(job1("a < b"))
	n.wg.Wait()
	if got := waitNote(t, srv); got.Bod != "a < b" {
		t.Fatalf("after reconnect got body %q, want %q unescaped (no body-markup)", got.Bod, "a < b")
	}
	if strings.Contains(buf.String(), "level=warning") {
		t.Fatalf("warnings logged for successful sends:\n%s", buf.String())
	}
}

func job1(prompt string) job.Job { return job.Job{ID: "job-1", Status: job.Completed, Prompt: prompt} }

// TestRealDaemonDelivery sends one notification to a real notification
// daemon over D-Bus (no fallback). It skips unless one is running, e.g.
//
//	xvfb-run -a dbus-run-session -- sh -c 'dunst & sleep 1; go test -tags sqlite_fts5 -run RealDaemon ./backend/notify/'
func TestRealDaemonDelivery(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Skip("no session bus")
	}
	conn, err := connectSessionBus()
	if err != nil {
		t.Skipf("session bus unreachable: %v", err)
	}
	defer conn.Close()
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.freedesktop.Notifications").Store(&owned); err != nil || !owned {
		t.Skip("no notification daemon running")
	}
	l, _ := testLogger()
	p := newPlatform(platformOptions{open: func(Target) {}, log: l})
	defer p.close()
	p.fallback = func(string, string) error { return errors.New("fallback used") }
	if err := p.send(Note{Title: "Research ready", Body: "Deepr test notification <&>", Target: Target{JobID: "job-real", View: ViewReport}}); err != nil {
		t.Fatalf("send to the running daemon = %v, want nil", err)
	}
}

// TestDBusFailedOpensDetails: a failed job's notification offers "Show
// details" and a click opens the details, not the report; a dismissed
// notification opens nothing, even if a stray action follows.
func TestDBusFailedOpensDetails(t *testing.T) {
	srv := startFakeServer(t, []string{"body", "actions"})
	opened := make(chan Target, 4)
	l, _ := testLogger()
	n := New(Options{Log: l, OnOpen: func(tg Target) { opened <- tg }})
	t.Cleanup(func() { n.Close() })

	n.JobFinished(job.Job{ID: "job-f", Status: job.Failed, Prompt: "Topic", Error: "server_error"})
	n.wg.Wait()
	got := waitNote(t, srv)
	if got.Sum != "Research failed" || strings.Join(got.Actions, ",") != "default,Show details,open,Show details" {
		t.Fatalf("summary %q actions %q, want Research failed with Show details", got.Sum, got.Actions)
	}
	if err := srv.emit("ActionInvoked", got.ID, "default"); err != nil {
		t.Fatal(err)
	}
	select {
	case tg := <-opened:
		if tg != (Target{JobID: "job-f", View: ViewDetails}) {
			t.Fatalf("opened %+v, want job-f's details", tg)
		}
	case <-time.After(5 * time.Second): // safety net only
		t.Fatal("nothing opened after the click")
	}

	n.JobFinished(job1("dismissed"))
	n.wg.Wait()
	d := waitNote(t, srv)
	// NotificationClosed reason 2: dismissed by the user.
	if err := srv.emit("NotificationClosed", d.ID, uint32(2)); err != nil {
		t.Fatal(err)
	}
	if st := n.Status(); !strings.Contains(st, "D-Bus notification server fake") {
		t.Fatalf("Status = %q, want the server's name", st)
	}
	// Signals are handled in the order sent: this action comes after the
	// dismissal and must open nothing.
	if err := srv.emit("ActionInvoked", d.ID, "default"); err != nil {
		t.Fatal(err)
	}
	_ = n.Status() // a round trip, giving the signal time to arrive
	select {
	case tg := <-opened:
		t.Fatalf("opened %+v after the notification was dismissed", tg)
	default:
	}
}

func TestStatusWithoutBus(t *testing.T) {
	l, _ := testLogger()
	p := newPlatform(platformOptions{log: l})
	p.connect = func() (*dbus.Conn, error) { return nil, errors.New("dbus: couldn't determine address of session bus") }
	if s := p.status(); !strings.Contains(s, "fallback") || !strings.Contains(s, "session bus") {
		t.Fatalf("status = %q, want the fallback and why", s)
	}
	n := New(Options{Enabled: func() bool { return false }})
	if s := n.Status(); !strings.Contains(s, "off") {
		t.Fatalf("Status with notifications off = %q", s)
	}
}
