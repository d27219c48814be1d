//go:build e2e

package e2e

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func rowSelector(id string) string { return `[data-testid="job-row"][data-job-id="` + id + `"]` }

// submit queues a job through the live binding and returns its id.
func (s *session) submit(prompt string) string {
	s.t.Helper()
	return eval[string](s, `window.go.main.App.Submit({prompt: `+jsString(prompt)+`, model: "", web_search: true, code_interpreter: false, max_tool_calls: 10}).then(r => r.job.id)`)
}

func (s *session) waitStatus(id, status string, within time.Duration) {
	s.t.Helper()
	s.waitJS(within, "job "+id+" "+status, `!!document.querySelector(`+jsString(rowSelector(id)+`[data-status="`+status+`"]`)+`)`)
}

// clickAction clicks the button of action in the job's Queue row.
func (s *session) clickAction(id, action string) {
	s.t.Helper()
	s.do(chromedp.Click(chromedp.CSS(rowSelector(id) + ` button[data-action="` + action + `"]`)))
}

// requireActions waits until the row's buttons are exactly the actions
// the Go side sends with the job (GetJob through the live binding), and
// checks that these are want.
func (s *session) requireActions(id string, want []string) {
	s.t.Helper()
	row := jsString(rowSelector(id) + ` button[data-action]`)
	shown := `JSON.stringify([...document.querySelectorAll(` + row + `)].map(b => b.dataset.action))`
	// Go deeper (follow_up) is offered in the reader, not in the row.
	s.waitJS(10*time.Second, "the buttons of "+id+" to be its actions",
		`window.go.main.App.GetJob(`+jsString(id)+`).then(j => JSON.stringify(j.actions.filter(a => a !== 'follow_up')) === `+shown+`)`)
	got := eval[[]string](s, `window.go.main.App.GetJob(`+jsString(id)+`).then(j => j.actions)`)
	if !reflect.DeepEqual(got, want) {
		s.t.Fatalf("actions of job %s = %v, want %v", id, got, want)
	}
}

// noticeJS is true when a Queue notice of tone about job id contains text.
func noticeJS(id, tone, text string) string {
	return `[...document.querySelectorAll('[data-testid="notice"][data-tone="` + tone + `"]')].some(n => n.dataset.jobId === ` +
		jsString(id) + ` && n.textContent.includes(` + jsString(text) + `))`
}

func TestBrowserJobActions(t *testing.T) {
	s := newSession(t, true)
	prompt := "[[fake:slow]] How loud are heat pumps at night?"
	id := s.submit(prompt)
	s.waitStatus(id, "running", 20*time.Second)
	s.requireActions(id, []string{"check", "cancel"})

	// Check now says what it did.
	s.clickAction(id, "check")
	s.waitJS(10*time.Second, "the check-now notice", noticeJS(id, "info", "now"))

	// Cancel, confirmed; the provider was told, so there is no warning.
	s.clickAction(id, "cancel")
	s.click("confirm-button")
	s.waitStatus(id, "cancelled", 10*time.Second)
	s.requireActions(id, []string{"resubmit", "edit", "delete"})
	if eval[bool](s, `!!document.querySelector('[data-testid="notice"][data-tone="warn"]')`) {
		t.Errorf("a cancel that reached the provider shows a warning: %s",
			eval[string](s, `document.querySelector('[data-testid="notice"][data-tone="warn"]').textContent`))
	}
	s.screenshot("queue-cancelled")

	// Edit as new: the form starts with the job's request.
	s.clickAction(id, "edit")
	s.waitJS(10*time.Second, "the form filled from the job", `document.querySelector('[data-testid="prompt-input"]')?.value === `+jsString(prompt))

	// Delete, confirmed: the row and the job are gone.
	s.click("nav-queue")
	s.waitJS(10*time.Second, "the queue", `!!document.querySelector(`+jsString(rowSelector(id))+`)`)
	s.clickAction(id, "delete")
	s.click("confirm-button")
	s.waitJS(10*time.Second, "the row to go", `!document.querySelector(`+jsString(rowSelector(id))+`)`)
	if got := eval[string](s, `window.go.main.App.GetJob(`+jsString(id)+`).then(() => 'found', () => 'gone')`); got != "gone" {
		t.Errorf("GetJob after delete: %s", got)
	}
}

func TestBrowserCancelWarnsWhenTheProviderCannotBeTold(t *testing.T) {
	s := newSession(t, true)
	id := s.submit("[[fake:slow]] District heating in Denmark")
	s.waitStatus(id, "running", 20*time.Second)
	// From now on OpenAI refuses this app's key: the cancel cannot reach it.
	s.fake.SetAPIKey("sk-e2e-some-other-key-000000")
	s.clickAction(id, "cancel")
	s.click("confirm-button")
	s.waitJS(15*time.Second, "the cancel warning", noticeJS(id, "warn", "could not be told"))
	if !eval[bool](s, noticeJS(id, "warn", "asks again")) {
		t.Errorf("the warning does not say Deepr asks again")
	}
	// Not told, the run goes on (and bills): the job stays running, is not
	// offered a second cancel, and says what became of the cancel.
	s.requireActions(id, []string{"check"})
	note := jsString(rowSelector(id) + ` [data-testid="job-cancel-note"]`)
	s.waitJS(15*time.Second, "the cancel note", `!!document.querySelector(`+note+`)?.textContent.includes("Cancelling: OpenAI was asked to stop the run")`)
	s.screenshot("cancel-warning")
}

func TestBrowserAdoptUnconfirmed(t *testing.T) {
	s := newSession(t, true)
	id := s.submit("[[fake:create500]] Ground-source heat pumps in clay soil")
	s.waitStatus(id, "unconfirmed", 20*time.Second)
	s.requireActions(id, []string{"resubmit", "edit", "adopt", "dismiss", "delete"})
	if n := s.fake.Creates(); n != 1 {
		t.Fatalf("creates at the fake = %d, want 1", n)
	}

	input := chromedp.CSS(`[data-testid="adopt-input"]`)
	s.clickAction(id, "adopt")
	s.do(chromedp.WaitVisible(input), chromedp.SendKeys(input, "resp_doesnotexist"))
	s.click("adopt-submit")
	s.waitJS(15*time.Second, "the refusal in the dialog",
		`(document.querySelector('[data-testid="adopt-error"]')?.textContent || '').includes('resp_doesnotexist')`)
	s.screenshot("adopt-refused")

	// The fake's first response is the run the 500 hid.
	eval[bool](s, `(() => { const el = document.querySelector('[data-testid="adopt-input"]'); el.value = ''; el.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`)
	s.do(chromedp.SendKeys(input, "resp_fake000001"))
	s.click("adopt-submit")
	s.waitJS(15*time.Second, "the dialog to close", `!document.querySelector('[data-testid="adopt-dialog"]')`)
	s.waitStatus(id, "completed", 40*time.Second)
	if n := s.fake.CreatesFor(id); n != 1 {
		t.Errorf("provider creates for the adopted job = %d, want 1 (it was paid for once)", n)
	}
	s.requireActions(id, []string{"open", "follow_up", "edit", "delete"})
}

func TestBrowserWebhooksNeedASecret(t *testing.T) {
	s := newSession(t, true)
	s.click("nav-settings")
	s.do(chromedp.WaitVisible(chromedp.CSS(`[data-testid="use-webhooks"]`)))
	s.click("use-webhooks")
	s.click("save-webhooks")
	s.waitJS(10*time.Second, "the refusal", `[...document.querySelectorAll('[role="alert"]')].some(e => e.textContent.includes('signing secret'))`)
	if on := eval[bool](s, `window.go.main.App.GetSettings().then(v => v.use_webhooks)`); on {
		t.Errorf("webhooks were switched on without a secret")
	}
	if st := eval[string](s, `document.querySelector('[data-testid="poller-state"]').dataset.state`); st != "running" {
		t.Errorf("poller state = %q, want running", st)
	}
	s.screenshot("settings-webhooks-refused")
}
