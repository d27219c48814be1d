//go:build e2e

package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// clarifyOff turns "Ask me clarifying questions first" off in the New
// research form (it starts on), for tests about the form's plain submit.
func (s *session) clarifyOff() {
	s.t.Helper()
	s.waitJS(10*time.Second, "the clarify switch", `!!document.querySelector('[data-testid="clarify-switch"]')`)
	if eval[bool](s, `document.querySelector('[data-testid="clarify-switch"]').checked`) {
		s.click("clarify-switch")
	}
	s.waitJS(5*time.Second, "the clarify switch off", `document.querySelector('[data-testid="clarify-switch"]').checked === false`)
}

// text is the trimmed text of the first element matching selector ("" when none).
func text(selector string) string {
	return `(document.querySelector(` + jsString(selector) + `)?.textContent || '').trim()`
}

// A question about a finished report is answered by the helper model and
// saved with the report (GetReport has it); Go deeper starts a follow-up
// linked to it (parent_id, previous_response_id at the provider), and the
// reader shows their thread, whose links open each report.
func TestConversationAskAndThread(t *testing.T) {
	s := newSession(t, true)
	id := s.submit("Heat pumps in cold climates")
	s.waitStatus(id, "completed", 30*time.Second)
	s.clickAction(id, "open")
	s.waitJS(10*time.Second, "the report and the ask box", `!!document.querySelector('[data-testid="report-body"]') && !!document.querySelector('[data-testid="ask-input"]')`)
	if n := eval[int](s, `document.querySelectorAll('[data-testid="report-question"]').length`); n != 0 {
		t.Fatalf("a new report lists %d questions", n)
	}
	if eval[bool](s, `!!document.querySelector('[data-testid="thread-panel"]')`) {
		t.Errorf("a report without follow-ups shows a thread panel")
	}

	// Ask about the report.
	helpers := s.fake.HelperCreates()
	const question = "Which source says the most about COP?"
	s.setInput(`[data-testid="ask-input"]`, question)
	s.click("ask-button")
	s.waitJS(15*time.Second, "the answer under the report", `document.querySelectorAll('[data-testid="report-question"]').length === 1`)
	if got := eval[string](s, text(`[data-testid="question-text"]`)); got != question {
		t.Errorf("question shown = %q, want %q", got, question)
	}
	answer := eval[string](s, text(`[data-testid="question-answer"]`))
	if !strings.Contains(answer, "Fake answer from") || !strings.Contains(answer, question) {
		t.Errorf("answer shown = %q", answer)
	}
	if v := eval[string](s, `document.querySelector('[data-testid="ask-input"]').value`); v != "" {
		t.Errorf("the ask box still holds %q after the answer", v)
	}
	if n := s.fake.HelperCreates(); n != helpers+1 {
		t.Errorf("helper requests for one question = %d", n-helpers)
	}
	saved := eval[string](s, `window.go.main.App.GetReport(`+jsString(id)+`).then(r => JSON.stringify(r.questions))`)
	var qs []struct {
		Question string  `json:"question"`
		Answer   string  `json:"answer"`
		Model    string  `json:"model"`
		CostUSD  float64 `json:"cost_usd"`
	}
	if err := json.Unmarshal([]byte(saved), &qs); err != nil {
		t.Fatalf("GetReport questions %s: %v", saved, err)
	}
	if len(qs) != 1 || qs[0].Question != question || qs[0].Answer != answer || qs[0].Model == "" || qs[0].CostUSD <= 0 {
		t.Fatalf("saved questions = %+v, want the one asked, with its answer, model and cost", qs)
	}
	s.screenshot("report-question")

	// Go deeper: a follow-up, without clarifying questions.
	s.click("go-deeper")
	s.waitJS(10*time.Second, "the follow-up form", `!!document.querySelector('[data-testid="followup-notice"]')`)
	if eval[bool](s, `!!document.querySelector('[data-testid="clarify-switch"]')`) {
		t.Errorf("a follow-up offers clarifying questions")
	}
	s.setInput(`[data-testid="prompt-input"]`, "What about district heating?")
	s.waitJS(10*time.Second, "the submit button", `!document.querySelector('[data-testid="submit-button"]').disabled`)
	s.click("submit-button")
	s.waitJS(20*time.Second, "the follow-up job",
		`window.go.main.App.ListJobs({statuses: [], limit: 50}).then(js => js.some(j => j.parent_id === `+jsString(id)+`))`)
	child := eval[string](s, `window.go.main.App.ListJobs({statuses: [], limit: 50}).then(js => js.find(j => j.parent_id === `+jsString(id)+`).id)`)
	s.waitStatus(child, "completed", 40*time.Second)
	parentResp := eval[string](s, `window.go.main.App.GetJob(`+jsString(id)+`).then(j => j.provider_job_id)`)
	continued := false
	for _, raw := range s.fake.CreateRequests() {
		var b struct {
			PreviousID string `json:"previous_response_id"`
		}
		if json.Unmarshal(raw, &b) == nil && b.PreviousID != "" && b.PreviousID == parentResp {
			continued = true
		}
	}
	if !continued {
		t.Errorf("no create sent previous_response_id %q (the parent's response)", parentResp)
	}

	// The thread in the follow-up's reader: the parent and the follow-up, the combined cost, a link back.
	s.clickAction(child, "open")
	s.waitJS(10*time.Second, "the thread panel", `document.querySelectorAll('[data-testid="thread-panel"] [data-testid="thread-job"]').length === 2`)
	rows := eval[[]string](s, `[...document.querySelectorAll('[data-testid="thread-job"]')].map(r => r.dataset.jobId + (r.dataset.current ? '*' : ''))`)
	if len(rows) != 2 || rows[0] != id || rows[1] != child+"*" {
		t.Errorf("thread rows = %v, want [%s %s*]", rows, id, child)
	}
	cost := eval[string](s, text(`[data-testid="thread-cost"]`))
	if !strings.HasPrefix(cost, "2 reports") {
		t.Errorf("thread cost line = %q", cost)
	}
	var thread struct {
		Root    string  `json:"root"`
		CostUSD float64 `json:"cost_usd"`
		Jobs    []struct {
			Job struct {
				ID       string `json:"id"`
				ParentID string `json:"parent_id"`
			} `json:"job"`
		} `json:"jobs"`
	}
	raw := eval[string](s, `window.go.main.App.Thread(`+jsString(child)+`).then(JSON.stringify)`)
	if err := json.Unmarshal([]byte(raw), &thread); err != nil {
		t.Fatalf("Thread %s: %v", raw, err)
	}
	if thread.Root != id || len(thread.Jobs) != 2 || thread.Jobs[1].Job.ParentID != id {
		t.Errorf("Thread(%s) = %s", child, raw)
	}
	s.screenshot("report-thread-light")
	s.theme("dark")
	s.screenshot("report-thread-dark")
	s.theme("light")

	// The parent's link opens its report, whose thread shows the follow-up.
	eval[bool](s, `(document.querySelector('[data-testid="thread-job"][data-job-id=`+jsString(id)+`] [data-testid="thread-open"]').click(), true)`)
	s.waitJS(10*time.Second, "the parent's report", `document.querySelector('[data-testid="thread-job"][data-current="true"]')?.dataset.jobId === `+jsString(id)+
		` && document.querySelectorAll('[data-testid="report-question"]').length === 1`)

	// The library marks the follow-up.
	s.click("nav-library")
	s.waitJS(10*time.Second, "the follow-up marker in the library",
		`(document.querySelector('[data-testid="search-hit"][data-job-id=`+jsString(child)+`] [data-testid="hit-followup"]')?.textContent || '').startsWith('Follow-up')`)
}

// Clarify first (on by default): Continue shows the helper's questions,
// the answers make a brief the user can edit, and Start research submits
// the brief.
func TestConversationClarifyThenBrief(t *testing.T) {
	s := newSession(t, true)
	s.click("nav-new")
	s.waitJS(10*time.Second, "the form", `!!document.querySelector('[data-testid="prompt-input"]')`)
	if !eval[bool](s, `document.querySelector('[data-testid="clarify-switch"]').checked`) {
		t.Fatalf("clarifying questions are not on by default")
	}
	s.setInput(`[data-testid="prompt-input"]`, "Tidal power in Europe")
	s.waitJS(10*time.Second, "Continue", `(() => { const b = document.querySelector('[data-testid="submit-button"]'); return !b.disabled && b.textContent.trim() === 'Continue'; })()`)
	s.click("submit-button")
	s.waitJS(15*time.Second, "the clarifying questions", `document.querySelectorAll('[data-testid="clarify-answer"]').length === 3`)
	if c := eval[string](s, text(`[data-testid="clarify-cost"]`)); !strings.HasPrefix(c, "Asking cost") {
		t.Errorf("clarify cost line = %q", c)
	}
	s.setInput(`[data-testid="clarify-answer"]`, "Since 2015")
	s.screenshot("new-research-questions")
	s.click("submit-button")
	s.waitJS(15*time.Second, "the brief", `(document.querySelector('[data-testid="brief-input"]')?.value || '').startsWith('Research brief')`)
	s.setInput(`[data-testid="brief-input"]`, "Research brief: tidal power in Europe since 2015, by country.")
	s.waitJS(10*time.Second, "Start research", `(() => { const b = document.querySelector('[data-testid="submit-button"]'); return !b.disabled && b.textContent.trim() === 'Start research'; })()`)
	s.click("submit-button")
	s.waitJS(20*time.Second, "the job of the brief",
		`window.go.main.App.ListJobs({statuses: [], limit: 50}).then(js => js.some(j => j.prompt === 'Research brief: tidal power in Europe since 2015, by country.'))`)
	if n := eval[int](s, `window.go.main.App.ListJobs({statuses: [], limit: 50}).then(js => js.length)`); n != 1 {
		t.Errorf("jobs after one clarified submit = %d, want 1", n)
	}
}
