package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakegemini"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/fakeperplexity"
)

// Every provider through the CLI binary, against its in-repo fake: from
// submit to a saved, searchable report with citations and cost, with
// transient faults handled without a false failure or a second paid create.

const (
	geminiKey     = "AIza-test-gemini-key-000111222"
	perplexityKey = "pplx-test-perplexity-key-000111"
	azureKey      = "azure-test-key-0001112223334445"
)

// runToReport submits prompt with the flags, waits, and checks the report.
func (c *cliEnv) runToReport(t *testing.T, prompt string, flags ...string) jobJSON {
	t.Helper()
	id := strings.TrimSpace(c.ok(append(append([]string{"submit"}, flags...), prompt)...))
	if out, errOut, code := c.run("", "wait", id, "--timeout", "90s"); code != 0 {
		t.Fatalf("wait %s: exit %d\n%s\n%s", id, code, out, errOut)
	}
	var full jobJSON
	if err := json.Unmarshal([]byte(c.ok("show", id, "--format", "json")), &full); err != nil {
		t.Fatal(err)
	}
	if full.Status != "completed" || full.Report == "" || len(full.Citations) == 0 || full.CostUSD <= 0 {
		t.Fatalf("job %s: status %s, %d bytes, %d citations, cost %v", id, full.Status, len(full.Report), len(full.Citations), full.CostUSD)
	}
	for _, ci := range full.Citations {
		if r := []rune(full.Report); ci.Start < 0 || ci.End > len(r) || ci.Start >= ci.End {
			t.Errorf("citation %+v is outside the report's %d characters", ci, len(r))
		}
	}
	word := strings.Trim(strings.Fields(full.Report)[len(strings.Fields(full.Report))/2], "#*.,:;()[]")
	if out := c.ok("search", word, "--json"); !strings.Contains(out, id) {
		t.Errorf("search %q did not find the %s report", word, full.ID)
	}
	return full
}

func TestCLIGemini(t *testing.T) {
	oa := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer oa.Close()
	g := fakegemini.New(fakegemini.Options{APIKey: geminiKey, StepsToFinish: 3})
	defer g.Close()
	c := newCLIEnv(t, oa, "GEMINI_API_KEY="+geminiKey, "GEMINI_BASE_URL="+g.URL())
	j := c.runToReport(t, "[[fake:unicode]] [[fake:get500]] hydrogen in Japan", "--provider", "gemini")
	if j.Model != "deep-research-preview-04-2026" || g.Creates() != 1 {
		t.Errorf("gemini job: model %q, creates %d (want the default agent, 1 create)", j.Model, g.Creates())
	}
	c.runToReport(t, "[[fake:ratelimit]] rate limited first", "--provider", "gemini", "--model", "deep-research-max-preview-04-2026")
	if g.Creates() != 2 {
		t.Errorf("after a 429: %d creates, want 2 in all", g.Creates())
	}
	if _, errOut, code := c.run("", "submit", "--provider", "gemini", "--model", "o3-deep-research", "x"); code != 1 || !strings.Contains(errOut, "Gemini has no model") {
		t.Errorf("a Gemini job with an OpenAI model: exit %d %q", code, errOut)
	}
	if out := c.ok("doctor"); !strings.Contains(out, "accepted by Gemini") {
		t.Errorf("doctor does not check the Gemini key:\n%s", out)
	}
}

func TestCLIPerplexity(t *testing.T) {
	oa := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer oa.Close()
	p := fakeperplexity.New(fakeperplexity.Options{APIKey: perplexityKey, StepsToFinish: 2})
	defer p.Close()
	c := newCLIEnv(t, oa, "PERPLEXITY_API_KEY="+perplexityKey, "PERPLEXITY_BASE_URL="+p.URL())
	// On the async Sonar API, a create that answered 500 is sent again
	// with the same idempotency key: one paid run, not an unconfirmed job.
	j := c.runToReport(t, "[[fake:create500]] heat pumps in Norway", "--provider", "perplexity", "--model", "sonar-deep-research")
	if p.Creates() != 1 || strings.Contains(j.Report, "<think>") {
		t.Errorf("perplexity: %d creates (want 1), think block kept: %v", p.Creates(), strings.Contains(j.Report, "<think>"))
	}
	// Perplexity cannot stop a run: a cancel keeps it (polled to its end,
	// its report and cost kept), and the user is told so.
	slow := fakeperplexity.New(fakeperplexity.Options{APIKey: perplexityKey, StepsToFinish: 100000})
	defer slow.Close()
	c2 := newCLIEnv(t, oa, "PERPLEXITY_API_KEY="+perplexityKey, "PERPLEXITY_BASE_URL="+slow.URL())
	id := strings.TrimSpace(c2.ok("submit", "--provider", "perplexity", "cancel me"))
	w := c2.cmd("", "worker")
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Process.Kill(); _ = w.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for c2.status(id).Status != "running" {
		if time.Now().After(deadline) {
			t.Fatalf("the Perplexity job never ran")
		}
		time.Sleep(100 * time.Millisecond)
	}
	out, errOut, code := c2.run("", "cancel", id)
	if code != 0 || !strings.Contains(errOut, "Perplexity cannot stop a run; it will finish and bill; Deepr will keep the report") ||
		!strings.Contains(out, "running") {
		t.Errorf("cancel of a running Perplexity job: exit %d %q %q", code, out, errOut)
	}
	var after struct {
		Status     string   `json:"status"`
		Actions    []string `json:"actions"`
		CancelNote string   `json:"cancel_note"`
	}
	if err := json.Unmarshal([]byte(c2.ok("status", id, "--json")), &after); err != nil {
		t.Fatal(err)
	}
	if after.Status != "running" || slices.Contains(after.Actions, "cancel") || !strings.Contains(after.CancelNote, "Deepr will keep the report") {
		t.Errorf("after the cancel: %+v, want still running, no second cancel, and the job saying so", after)
	}
}

func TestCLIAzure(t *testing.T) {
	oa := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer oa.Close()
	az := fakeopenai.New(fakeopenai.Options{APIKey: azureKey, Azure: true, StepsToFinish: 2})
	defer az.Close()
	c := newCLIEnv(t, oa, "AZURE_OPENAI_API_KEY="+azureKey, "AZURE_OPENAI_ENDPOINT="+az.Endpoint(), "AZURE_OPENAI_DEPLOYMENT=my-o3")
	j := c.runToReport(t, "[[fake:get500]] battery passports", "--provider", "azure")
	if j.Model != "my-o3" || az.CreatesFor(j.ID) != 1 || oa.Creates() != 0 {
		t.Errorf("azure job: model %q, azure creates %d, openai creates %d", j.Model, az.CreatesFor(j.ID), oa.Creates())
	}
	// Without an endpoint Azure is not ready, and the doctor does not pretend.
	c2 := newCLIEnv(t, oa, "AZURE_OPENAI_API_KEY="+azureKey)
	if out, _, _ := c2.run("", "key", "test", "--provider", "azure"); strings.Contains(out, "accepted") {
		t.Errorf("azure key test without an endpoint: %q", out)
	}
}
