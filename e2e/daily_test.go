//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"
)

// setInput sets a form control's value the way typing does (an input
// event), so the Svelte bindings see it.
func (s *session) setInput(selector, value string) {
	s.t.Helper()
	ok := eval[bool](s, `(() => { const el = document.querySelector(`+jsString(selector)+`); if (!el) return false;
		el.value = `+jsString(value)+`; el.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`)
	if !ok {
		s.t.Fatalf("no element %s", selector)
	}
}

// key sends a keydown to the focused element (or the window).
func (s *session) key(key string, ctrl bool) {
	s.t.Helper()
	eval[bool](s, `(document.activeElement || document.body).dispatchEvent(new KeyboardEvent('keydown', {key: `+jsString(key)+`, ctrlKey: `+map[bool]string{true: "true", false: "false"}[ctrl]+`, bubbles: true})) || true`)
}

// theme shows the window light or dark (what Settings > Theme applies).
func (s *session) theme(t string) {
	s.t.Helper()
	eval[bool](s, `(document.documentElement.dataset.theme = `+jsString(t)+`, true)`)
}

// An incomplete job without text offers no "open" (which could only fail)
// and next steps that work: "Edit and resubmit" opens the form filled in
// (incomplete is final, so the new attempt is a new job linked to it), and
// delete.
func TestBrowserIncompleteWithoutTextHasNextSteps(t *testing.T) {
	s := newSession(t, true)
	prompt := "[[fake:incomplete]] [[fake:empty]] Soil carbon in vineyards"
	id := s.submit(prompt)
	s.waitStatus(id, "incomplete", 30*time.Second)
	s.requireActions(id, []string{"edit", "delete"})
	s.clickAction(id, "edit")
	s.waitJS(10*time.Second, "the form filled from the job", `document.querySelector('[data-testid="prompt-input"]')?.value === `+jsString(prompt))
}

// A queued job says why it waits (here: every slot is busy), and raising
// the maximum of running jobs in Settings starts it at once, without a
// restart.
func TestBrowserWaitingReasonAndASettingThatAppliesAtOnce(t *testing.T) {
	s := newSession(t, true)
	eval[bool](s, `window.go.main.App.GetSettings().then(v => window.go.main.App.SaveSettings({...v, max_running: 1})).then(() => true)`)
	first := s.submit("[[fake:slow]] Tidal power in Brittany")
	s.waitStatus(first, "running", 20*time.Second)
	second := s.submit("[[fake:slow]] Tidal power in Wales")
	s.waitStatus(second, "queued", 10*time.Second)
	s.waitJS(10*time.Second, "the waiting reason in the row",
		`(document.querySelector(`+jsString(rowSelector(second)+` [data-testid="job-waiting"]`)+`)?.textContent || '').includes('free slot')`)
	s.screenshot("queue-waiting-light")
	s.theme("dark")
	s.screenshot("queue-waiting-dark")
	s.theme("light")

	s.click("nav-settings")
	s.waitJS(10*time.Second, "the settings form", `!!document.querySelector('#max-running')`)
	s.setInput("#max-running", "2")
	eval[bool](s, `(document.querySelector('#max-running').form.requestSubmit(), true)`)
	s.waitJS(10*time.Second, "the save", `window.go.main.App.GetSettings().then(v => v.max_running === 2)`)
	s.screenshot("settings-light")
	s.theme("dark")
	s.screenshot("settings-dark")
	s.theme("light")
	s.click("nav-queue")
	s.waitStatus(second, "running", 20*time.Second)
}

// Edit and resubmit: the form opens filled in, and the new job is linked
// to the old one (options.edited_from).
func TestBrowserEditAndResubmitLinksTheNewJob(t *testing.T) {
	s := newSession(t, true)
	old := s.submit("[[fake:fail]] Peat bogs as carbon sinks")
	s.waitStatus(old, "failed", 30*time.Second)
	s.clickAction(old, "edit")
	s.waitJS(10*time.Second, "the filled form", `document.querySelector('[data-testid="prompt-input"]')?.value.includes('Peat bogs')`)
	s.setInput(`[data-testid="prompt-input"]`, "Peat bogs as carbon sinks in Ireland")
	s.clarifyOff()
	s.waitJS(10*time.Second, "the submit button", `!document.querySelector('[data-testid="submit-button"]').disabled`)
	s.click("submit-button")
	s.waitJS(20*time.Second, "the new job linked to the old one",
		`window.go.main.App.ListJobs({statuses: [], limit: 50}).then(js => js.some(j => j.prompt === 'Peat bogs as carbon sinks in Ireland' && j.options.edited_from === `+jsString(old)+`))`)
}

// Find in a long report (Ctrl+F), its contents panel, and the spoken
// announcement of a job that finishes while the Queue is open.
func TestBrowserFindContentsAndAnnouncement(t *testing.T) {
	s := newSession(t, true)
	id := s.submit("Geothermal heating in Iceland")
	s.waitStatus(id, "completed", 30*time.Second)
	s.waitJS(10*time.Second, "the announcement",
		`(document.querySelector('[data-testid="live-region"]')?.textContent || '').includes('Research finished')`)

	s.clickAction(id, "open")
	s.waitJS(10*time.Second, "the report", `!!document.querySelector('[data-testid="report-body"] h2, [data-testid="report-body"] h1')`)
	s.key("f", true)
	s.waitJS(5*time.Second, "the find bar", `document.activeElement?.dataset.testid === 'find-input'`)
	s.setInput(`[data-testid="find-input"]`, "geothermal")
	s.waitJS(5*time.Second, "the match count", `/^1 of [1-9]/.test(document.querySelector('[data-testid="find-count"]')?.textContent.trim() || '')`)
	if n := eval[int](s, `document.querySelectorAll('[data-testid="report-body"] mark[data-find]').length`); n == 0 {
		t.Errorf("find highlights nothing")
	}
	if eval[int](s, `document.querySelectorAll('[data-testid="toc-item"]').length`) >= 2 {
		s.screenshot("report-contents-light")
		s.theme("dark")
		s.screenshot("report-contents-dark")
		s.theme("light")
	} else {
		body := eval[string](s, `document.querySelector('[data-testid="report-body"]').innerHTML`)
		if strings.Count(body, "<h") >= 2 {
			t.Errorf("a report with headings has no contents panel")
		}
	}
	s.key("Escape", false)
	s.waitJS(5*time.Second, "the find bar to close", `!document.querySelector('[data-testid="find-bar"]')`)
}
