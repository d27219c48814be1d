package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakegemini"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// TestCLIAdoptGemini: `deepr adopt ID INTERACTION_ID` adopts a Gemini
// interaction whose create looked failed only when its deepr_job_id label
// names the job: one labelled for another job, or with no label, is
// refused; the right one is tracked to a saved report, created once.
func TestCLIAdoptGemini(t *testing.T) {
	oa := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer oa.Close()
	g := fakegemini.New(fakegemini.Options{APIKey: geminiKey, StepsToFinish: 1})
	defer g.Close()
	c := newCLIEnv(t, oa, "GEMINI_API_KEY="+geminiKey, "GEMINI_BASE_URL="+g.URL())
	unconfirmed := func(prompt string) (string, string) {
		id := strings.TrimSpace(c.ok("submit", "--provider", "gemini", "[[fake:create500]] "+prompt))
		if out, _, code := c.run("", "wait", id, "--timeout", "60s"); code != 1 || !strings.Contains(out, "unconfirmed") {
			t.Fatalf("wait %s: exit %d %q, want unconfirmed", id, code, out)
		}
		ids := g.InteractionsFor(id)
		if len(ids) != 1 {
			t.Fatalf("%d interactions labelled with job %s, want 1", len(ids), id)
		}
		return id, ids[0]
	}
	mine, iid := unconfirmed("mine")
	_, theirs := unconfirmed("theirs")
	req, _ := http.NewRequest(http.MethodPost, g.URL()+"/v1beta/interactions", strings.NewReader(
		`{"agent":"deep-research-preview-04-2026","input":"made elsewhere","background":true,"store":true}`))
	req.Header.Set("x-goog-api-key", geminiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	runs := g.Runs()
	bare := runs[len(runs)-1].ID

	for rid, want := range map[string]string{theirs: "created for another job", bare: "no deepr_job_id label"} {
		if _, errOut, code := c.run("", "adopt", mine, rid); code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("adopt %s: exit %d %q, want %q", rid, code, errOut, want)
		}
	}
	c.ok("adopt", mine, iid)
	if _, _, code := c.run("", "wait", mine, "--timeout", "60s"); code != 0 {
		t.Fatalf("wait after adopt: exit %d", code)
	}
	if j := c.status(mine); j.Status != "completed" || j.ProviderJobID != iid || j.CostUSD <= 0 || len(g.InteractionsFor(mine)) != 1 {
		t.Fatalf("adopted Gemini job: %+v (interactions %v)", j, g.InteractionsFor(mine))
	}
}
