//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

const e2eKey = "sk-e2e-browser-key-7f3a9c"

// session is the dev-tagged binary serving the real UI and live Go bindings
// on localhost, with headless Chromium attached to it.
type session struct {
	t    *testing.T
	fake *fakeopenai.Server
	url  string
	ctx  context.Context
}

func newSession(t *testing.T, withKey bool) *session {
	t.Helper()
	return newSessionEnv(t, withKey)
}

// newSessionEnv is newSession with more of the app's environment
// ("NAME=value"), such as a saved theme or a higher running-job limit.
func newSessionEnv(t *testing.T, withKey bool, extra ...string) *session {
	t.Helper()
	requireDisplay(t)
	fake := fakeopenai.New(fakeopenai.Options{APIKey: e2eKey, StepsToFinish: 3})
	t.Cleanup(fake.Close)
	data := t.TempDir()
	port := freePort(t)
	env := []string{
		"DEEPR_DATA_DIR=" + data,
		"DEEPR_CONFIG_DIR=" + filepath.Join(data, "config"),
		"OPENAI_BASE_URL=" + fake.URL(),
		"DEEPR_POLL_INTERVAL=1",
		"DEEPR_NOTIFICATIONS=false",
		// No session bus for the app: no keychain prompts, so a saved key goes
		// to the 0600 fallback file at once.
		"DBUS_SESSION_BUS_ADDRESS=disabled:",
	}
	if withKey {
		env = append(env, "OPENAI_API_KEY="+e2eKey)
	}
	env = append(env, extra...)
	root := repoRoot(t)
	start(t, binary(t, "deepr-dev"), env,
		"-assetdir", filepath.Join(root, "frontend", "dist"),
		"-devserver", fmt.Sprintf("127.0.0.1:%d", port))
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	waitFor(t, 45*time.Second, "the dev server at "+url, func() bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	s := &session{t: t, fake: fake, url: url, ctx: newChromium(t, 3*time.Minute)}
	s.do(chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav-queue"]`)))
	return s
}

// newChromium starts a headless Chromium for the test and returns its
// context, which ends after within.
func newChromium(t *testing.T, within time.Duration, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), append(opts, extra...)...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, within)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	return ctx
}

func chromiumPath(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium found: install the chromium package (make test does)")
	return ""
}

func (s *session) do(actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, actions...); err != nil {
		s.t.Fatalf("browser: %v", err)
	}
}

// eval evaluates JavaScript (awaiting a promise) and decodes the result.
func eval[T any](s *session, js string) T {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		s.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitJS polls a boolean JavaScript expression (or a promise of one) until
// it is true.
func (s *session) waitJS(within time.Duration, what, js string) {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		v, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise))
		if err == nil && v {
			return
		}
		time.Sleep(150 * time.Millisecond)
	}
	s.screenshot("timeout-" + strings.ReplaceAll(what, " ", "-"))
	s.t.Fatalf("timed out after %s waiting for %s (%s)", within, what, js)
}

func (s *session) screenshot(name string) {
	buf, err := chromedp.Run(s.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		s.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(artifacts(s.t), name+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		s.t.Logf("screenshot %s: %v", name, err)
	}
}

func (s *session) click(testid string) {
	s.t.Helper()
	s.do(chromedp.Click(chromedp.CSS(`[data-testid="` + testid + `"]`)))
}

func TestBrowserShellAndBinding(t *testing.T) {
	s := newSession(t, true)
	for _, id := range []string{"nav-queue", "nav-new", "nav-library", "nav-settings"} {
		if !eval[bool](s, `!!document.querySelector('[data-testid="`+id+`"]')`) {
			t.Errorf("the shell has no %s", id)
		}
	}
	if v := eval[string](s, `window.go.main.App.Version()`); v == "" {
		t.Errorf("Version() returned nothing through the live binding")
	}
	s.screenshot("shell")
}

func TestBrowserResearchFlow(t *testing.T) {
	s := newSession(t, false)

	// Add the key in Settings; it must never come back to JavaScript.
	s.click("nav-settings")
	s.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="api-key-input-openai"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="api-key-input-openai"]`), e2eKey))
	s.click("save-key-button-openai")
	s.waitJS(10*time.Second, "key saved", `(document.querySelector('[data-testid="key-status-openai"]')?.textContent || '').includes('7f3a9c'.slice(-4))`)
	settings := eval[string](s, `window.go.main.App.GetSettings().then(JSON.stringify)`)
	page := eval[string](s, `document.documentElement.outerHTML + JSON.stringify(localStorage) + JSON.stringify(sessionStorage)`)
	if strings.Contains(settings, e2eKey) || strings.Contains(page, e2eKey) {
		t.Fatalf("the saved API key is readable from JavaScript")
	}

	// Submit from the form.
	s.click("nav-new")
	s.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="prompt-input"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="prompt-input"]`), "How do heat pumps perform in cold climates?"))
	s.clarifyOff() // the plain submit; clarifying first is TestConversationClarifyThenBrief
	s.click("submit-button")
	row := `document.querySelector('[data-testid="job-row"]')`
	s.waitJS(10*time.Second, "the job row", `!!`+row)
	s.waitJS(20*time.Second, "running with progress",
		row+`?.dataset.status === 'running' || `+row+`?.dataset.status === 'completed'`)
	s.screenshot("queue-running")
	s.waitJS(40*time.Second, "completed without a reload", row+`?.dataset.status === 'completed'`)
	s.screenshot("queue")
	jobID := eval[string](s, row+`.dataset.jobId`)

	// Open the report: numbered citations, only http(s) links.
	s.do(chromedp.Click(chromedp.CSS(`[data-testid="job-row"] [data-action="open"]`)))
	s.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="report-body"]`)))
	s.waitJS(10*time.Second, "numbered citations", `[...document.querySelectorAll('[data-testid="report-body"] a')].some(a => a.textContent.trim() === '[1]')`)
	bad := eval[[]string](s, `[...document.querySelectorAll('[data-testid="report-body"] a[href]')].map(a => a.getAttribute('href')).filter(h => !/^https?:\/\//.test(h) && !h.startsWith('#'))`)
	if len(bad) > 0 {
		t.Errorf("report links that are not http(s): %v", bad)
	}
	s.screenshot("report")

	// Find it again in the library by a word from the body.
	word := eval[string](s, `(document.querySelector('[data-testid="report-body"] p')?.textContent || '').split(/\s+/).map(w => w.replace(/[^A-Za-z]/g, '')).find(w => w.length > 6) || ''`)
	if word == "" {
		t.Fatal("no word to search for in the report body")
	}
	s.click("nav-library")
	s.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="library-search"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="library-search"]`), word))
	s.waitJS(10*time.Second, "a search hit for "+word, `!!document.querySelector('[data-testid="search-hit"][data-job-id="`+jobID+`"]')`)
	s.screenshot("library")
	if n := s.fake.CreatesFor(jobID); n != 1 {
		t.Errorf("provider creates for the job = %d, want 1", n)
	}
}

func TestBrowserHostileReportIsInert(t *testing.T) {
	s := newSession(t, true)
	id := eval[string](s, `window.go.main.App.Submit({prompt: "[[fake:hostile]] tell me about XSS", model: "", web_search: true, code_interpreter: false, max_tool_calls: 10}).then(r => r.job.id)`)
	s.waitJS(40*time.Second, "the hostile job to complete",
		`!!document.querySelector('[data-testid="job-row"][data-job-id="`+id+`"][data-status="completed"]')`)
	s.do(chromedp.Click(chromedp.CSS(`[data-testid="job-row"][data-job-id="` + id + `"] [data-action="open"]`)))
	s.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="report-body"]`)))
	time.Sleep(500 * time.Millisecond) // give any injected handler a chance to run
	if eval[bool](s, `window.__pwned !== undefined`) {
		t.Fatal("a script from the report ran (window.__pwned is set)")
	}
	n := eval[int](s, `document.querySelectorAll('[data-testid="report-body"] script, [data-testid="report-body"] iframe, [data-testid="report-body"] img, [data-testid="report-body"] [onerror], [data-testid="report-body"] a[href^="javascript"]').length`)
	if n != 0 {
		t.Fatalf("%d dangerous elements in the rendered report", n)
	}
	s.screenshot("report-hostile")
}
