//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// `deepr serve` with two headless Chromium browsers (each its own profile,
// so its own session cookie) against the fake provider: what one does
// appears in the other, and both reconnect after the server restarts.

const serveToken = "e2e-serve-token-4b1d9c0e7a"

// server is one `deepr serve` process; start again with the same data.
type server struct {
	t    *testing.T
	env  []string
	port int
	p    *proc
	url  string
}

func (s *server) start() {
	s.t.Helper()
	s.p = start(s.t, binary(s.t, "deepr"), s.env, "serve", "--listen", fmt.Sprintf("127.0.0.1:%d", s.port))
	waitFor(s.t, 30*time.Second, "deepr serve at "+s.url, func() bool {
		resp, err := http.Get(s.url + "login")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	if out := s.p.out.String(); !strings.Contains(out, "sign in with DEEPR_SERVE_TOKEN") || strings.Contains(out, serveToken) {
		s.t.Fatalf("deepr serve should name DEEPR_SERVE_TOKEN and never print it:\n%s", out)
	}
}

// newServeBrowser is a headless Chromium signed in to url with the token.
func newServeBrowser(t *testing.T, fake *fakeopenai.Server, url string) *session {
	t.Helper()
	// Its own profile: its own cookie jar, as another person's browser.
	ctx := newChromium(t, 4*time.Minute, chromedp.UserDataDir(t.TempDir()))
	s := &session{t: t, fake: fake, url: url, ctx: ctx}
	s.do(chromedp.Navigate(url+"login?token="+serveToken), chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav-queue"]`)))
	return s
}

func TestServeTwoBrowsersStayInStep(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: e2eKey, StepsToFinish: 3})
	t.Cleanup(fake.Close)
	data := t.TempDir()
	port := freePort(t)
	srv := &server{t: t, port: port, url: fmt.Sprintf("http://127.0.0.1:%d/", port), env: []string{
		"DEEPR_DATA_DIR=" + data,
		"DEEPR_CONFIG_DIR=" + filepath.Join(data, "config"),
		"OPENAI_BASE_URL=" + fake.URL(),
		"OPENAI_API_KEY=" + e2eKey,
		"DEEPR_POLL_INTERVAL=1",
		"DEEPR_NOTIFICATIONS=false",
		"DBUS_SESSION_BUS_ADDRESS=disabled:",
		"DEEPR_SERVE_TOKEN=" + serveToken,
	}}
	srv.start()
	a := newServeBrowser(t, fake, srv.url)
	b := newServeBrowser(t, fake, srv.url)
	if eval[bool](a, `document.cookie.includes('deepr_session') || JSON.stringify(localStorage).includes(`+jsString(serveToken)+`)`) {
		t.Error("the session cookie or the token is readable from JavaScript")
	}

	// Submitted in A from the form: appears and finishes in B.
	a.click("nav-new")
	a.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="prompt-input"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="prompt-input"]`), "How do heat pumps perform in cold climates?"))
	a.clarifyOff()
	a.click("submit-button")
	a.waitJS(10*time.Second, "the job row in A", `!!document.querySelector('[data-testid="job-row"]')`)
	id := eval[string](a, `document.querySelector('[data-testid="job-row"]').dataset.jobId`)
	b.waitJS(5*time.Second, "the job in B", `!!document.querySelector(`+jsString(rowSelector(id))+`)`)
	b.waitStatus(id, "completed", 40*time.Second)
	b.screenshot("serve-b-completed")

	// A slow one, cancelled from B: A sees it cancelled.
	slow := a.submit("[[fake:slow]] How loud are heat pumps at night?")
	b.waitStatus(slow, "running", 20*time.Second)
	b.clickAction(slow, "cancel")
	b.click("confirm-button")
	a.waitStatus(slow, "cancelled", 15*time.Second)

	// The server restarts (same data, same token): both browsers reconnect
	// with their cookies, and a job submitted in B reaches A live.
	if err := srv.p.stop(t, 20*time.Second); err != nil {
		t.Fatalf("stopping deepr serve: %v", err)
	}
	srv.start()
	b.waitJS(20*time.Second, "B calls the new server", `window.go.main.App.Version().then(v => !!v, () => false)`)
	third := b.submit("Which refrigerants do heat pumps use?")
	a.waitJS(20*time.Second, "the job submitted after the restart in A", `!!document.querySelector(`+jsString(rowSelector(third))+`)`)
	a.waitStatus(third, "completed", 40*time.Second)
	// The new process's health replaces what the old one said as it stopped.
	a.waitJS(10*time.Second, "the poller running again in A", `document.querySelector('[data-testid="poller-state"]')?.dataset.state === 'running'`)
	a.screenshot("serve-a-after-restart")
}
