package notify

import (
	"errors"
	"strings"
	"sync"
	"testing"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// fakeAPI stands in for the Wails notifications runtime (macOS, Windows).
type fakeAPI struct {
	mu         sync.Mutex
	initErr    error
	allow      bool
	asked      int
	explained  int // BeforeAuthorization calls
	categories []string
	sent       []wruntime.NotificationOptions
	sendErr    error
	respond    func(wruntime.NotificationResult)
}

func (f *fakeAPI) Initialize() error { return f.initErr }
func (f *fakeAPI) Authorize(before func()) (bool, error) {
	f.mu.Lock()
	f.asked++
	f.mu.Unlock()
	if before != nil {
		before()
	}
	return f.allow, nil
}
func (f *fakeAPI) Register(c wruntime.NotificationCategory) error {
	f.categories = append(f.categories, c.ID+":"+c.Actions[0].Title)
	return nil
}
func (f *fakeAPI) OnResponse(cb func(wruntime.NotificationResult)) { f.respond = cb }
func (f *fakeAPI) Send(o wruntime.NotificationOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, o)
	return f.sendErr
}

func newTestNative(api *fakeAPI, open func(Target)) (*nativePlatform, *[]string) {
	l, _ := testLogger()
	var fell []string
	before := func() {
		if api != nil {
			api.mu.Lock()
			api.explained++
			api.mu.Unlock()
		}
	}
	p := newNativePlatform(platformOptions{open: open, log: l, beforeAuthorization: before},
		nativeOS{name: "Test toasts", settings: "Test Settings", hint: "run the app bundle", afterInit: func() error { return nil }})
	if api != nil {
		p.api = api
	}
	p.fallback = func(title, body string) error { fell = append(fell, title); return nil }
	return p, &fell
}

func TestNativeSendAndClick(t *testing.T) {
	api := &fakeAPI{allow: true}
	opened := make(chan Target, 4)
	p, fell := newTestNative(api, func(t Target) { opened <- t })

	failed := Note{Title: "Research failed", Body: "x", Target: Target{JobID: "j9", View: ViewDetails}}
	if err := p.send(failed); err != nil {
		t.Fatal(err)
	}
	if err := p.send(Summary(nil)); err != nil {
		t.Fatal(err)
	}
	if len(*fell) != 0 {
		t.Fatalf("fallback used %d times, want 0", len(*fell))
	}
	if got := strings.Join(api.categories, ","); got != "io.deepr.report:Open report,io.deepr.details:Show details" {
		t.Fatalf("categories = %s", got)
	}
	if api.sent[0].CategoryID != categoryDetails || api.sent[1].CategoryID != "" {
		t.Fatalf("categories sent %q %q, want details then none (a summary has no button)", api.sent[0].CategoryID, api.sent[1].CategoryID)
	}
	if api.asked != 1 || api.explained != 1 {
		t.Fatalf("authorization asked %d times, explained %d times; want once each", api.asked, api.explained)
	}

	// A dismissal opens nothing; a click opens the details once.
	api.respond(wruntime.NotificationResult{Response: wruntime.NotificationResponse{ID: api.sent[0].ID, ActionIdentifier: "com.apple.UNNotificationDismissActionIdentifier"}})
	api.respond(wruntime.NotificationResult{Response: wruntime.NotificationResponse{ID: api.sent[0].ID, ActionIdentifier: actionOpen}})
	if got := <-opened; got != failed.Target {
		t.Fatalf("opened %+v, want %+v", got, failed.Target)
	}
	// A click on a toast of an earlier run: the payload names the target.
	api.respond(wruntime.NotificationResult{Response: wruntime.NotificationResponse{
		ID: "old", ActionIdentifier: defaultAction, UserInfo: map[string]interface{}{"job": "j1", "view": "report"}}})
	if got := <-opened; got != (Target{JobID: "j1", View: ViewReport}) {
		t.Fatalf("opened %+v, want j1's report", got)
	}
	api.respond(wruntime.NotificationResult{Error: errors.New("bad payload")})
	api.respond(wruntime.NotificationResult{Response: wruntime.NotificationResponse{ID: "x", ActionIdentifier: defaultAction,
		UserInfo: map[string]interface{}{"view": "../etc"}}})
	select {
	case got := <-opened:
		t.Fatalf("opened %+v for an error or an unknown view", got)
	default:
	}
	if s := p.status(); !strings.Contains(s, "Test toasts") || !strings.Contains(s, "clicks open reports") {
		t.Fatalf("status = %q", s)
	}
}

func TestNativeFallsBackQuietly(t *testing.T) {
	for _, tc := range []struct {
		name string
		api  *fakeAPI
		want string // in Status
	}{
		{"no Wails context (the CLI)", nil, "no desktop window"},
		{"bare binary", &fakeAPI{initErr: errors.New("notifications require a valid bundle identifier"), allow: true}, "valid bundle identifier (run the app bundle)"},
		{"not allowed", &fakeAPI{allow: false}, "allow them in Test Settings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, fell := newTestNative(tc.api, func(Target) {})
			if !strings.Contains(p.status(), "Test toasts") {
				t.Fatalf("status before setup = %q", p.status())
			}
			for range 2 {
				if err := p.send(Note{Title: "Research ready", Target: Target{JobID: "j", View: ViewReport}}); err != nil {
					t.Fatalf("send = %v, want the fallback to succeed", err)
				}
			}
			if len(*fell) != 2 {
				t.Fatalf("fallback used %d times, want 2", len(*fell))
			}
			if tc.api != nil && (len(tc.api.sent) != 0 || tc.api.asked > 1) {
				t.Fatalf("native sends %d, authorization asked %d times; want 0 and at most once", len(tc.api.sent), tc.api.asked)
			}
			if s := p.status(); !strings.Contains(s, "fallback") || !strings.Contains(s, tc.want) {
				t.Fatalf("status = %q, want the fallback and %q", s, tc.want)
			}
		})
	}
}

func TestNativeSendErrorUsesFallback(t *testing.T) {
	api := &fakeAPI{allow: true, sendErr: errors.New("toast: COM error")}
	p, fell := newTestNative(api, nil)
	if err := p.send(Note{Title: "Research ready", Target: Target{JobID: "j", View: ViewReport}}); err != nil {
		t.Fatal(err)
	}
	if len(*fell) != 1 || len(p.pending) != 0 {
		t.Fatalf("fallback %d, pending %d; want 1 and 0", len(*fell), len(p.pending))
	}
}
