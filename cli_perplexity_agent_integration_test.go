package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/fakeperplexity"
)

// TestCLIPerplexityAgent: `deepr submit --provider perplexity` runs on the
// Agent API's deep-research preset, through a failing poll, to a saved,
// searchable, costed report with citations; a create that answered 500 is
// unconfirmed and never sent again (the Agent API takes no idempotency
// key), and the run it made can be adopted; a job on the async Sonar API keeps polling there until Perplexity
// retires it, and then fails saying how to move it.
func TestCLIPerplexityAgent(t *testing.T) {
	oa := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer oa.Close()
	p := fakeperplexity.New(fakeperplexity.Options{APIKey: perplexityKey, StepsToFinish: 2})
	defer p.Close()
	c := newCLIEnv(t, oa, "PERPLEXITY_API_KEY="+perplexityKey, "PERPLEXITY_BASE_URL="+p.URL())

	j := c.runToReport(t, "[[fake:unicode]] [[fake:get500]] district heating in Denmark", "--provider", "perplexity")
	runs := p.Runs()
	if j.Model != "deep-research" || len(runs) != 1 || !strings.HasPrefix(runs[0].ID, "resp_") || j.ProviderJobID != runs[0].ID {
		t.Fatalf("perplexity job: model %q, provider id %q, runs %+v: want one Agent API run of the deep-research preset", j.Model, j.ProviderJobID, runs)
	}
	if j.CostUSD != runs[0].Billed.CostUSD {
		t.Errorf("cost %v, want what Perplexity reported: %v", j.CostUSD, runs[0].Billed.CostUSD)
	}
	if r := []rune(j.Report); len(j.Citations) != 3 || string(r[j.Citations[0].Start:j.Citations[0].End]) != "doubled in 2025" {
		t.Errorf("citations %+v", j.Citations)
	}

	id := strings.TrimSpace(c.ok("submit", "--provider", "perplexity", "[[fake:create500]] unconfirmed"))
	if out, _, code := c.run("", "wait", id, "--timeout", "60s"); code != 1 || !strings.Contains(out, "unconfirmed") {
		t.Fatalf("wait %s: exit %d %q, want unconfirmed", id, code, out)
	}
	runs = p.Runs()
	if len(runs) != 2 {
		t.Fatalf("%d runs after an ambiguous create, want 2: it is never sent again", len(runs))
	}
	// The run it made, found in Perplexity's request log, is adopted (on the
	// Agent API, the job's model's) and tracked to its report.
	c.ok("adopt", id, runs[1].ID)
	if _, _, code := c.run("", "wait", id, "--timeout", "60s"); code != 0 {
		t.Fatalf("wait after adopt: exit %d", code)
	}
	if st := c.status(id); st.Status != "completed" || st.ProviderJobID != runs[1].ID || st.CostUSD <= 0 || len(p.Runs()) != 2 {
		t.Errorf("adopted Perplexity job: %+v, %d runs", st, len(p.Runs()))
	}

	slow := fakeperplexity.New(fakeperplexity.Options{APIKey: perplexityKey, StepsToFinish: 100000})
	defer slow.Close()
	c2 := newCLIEnv(t, oa, "PERPLEXITY_API_KEY="+perplexityKey, "PERPLEXITY_BASE_URL="+slow.URL())
	old := strings.TrimSpace(c2.ok("submit", "--provider", "perplexity", "--model", "sonar-deep-research", "an old async job"))
	if _, _, code := c2.run("", "wait", old, "--timeout", "3s"); code == 0 {
		t.Fatal("the async job finished at once")
	}
	if st := c2.status(old); st.Status != "running" || !strings.HasPrefix(st.ProviderJobID, "req_") || slow.Gets(st.ProviderJobID) == 0 {
		t.Fatalf("async job: %+v (GETs %d), want running and polled on the async API", st, slow.Gets(st.ProviderJobID))
	}
	slow.RetireAsync(http.StatusGone)
	if _, _, code := c2.run("", "wait", old, "--timeout", "60s"); code != 1 {
		t.Fatalf("wait after the async API was retired: exit %d", code)
	}
	if st := c2.status(old); st.Status != "failed" || !strings.Contains(st.Error, "retired the async Sonar API") ||
		!strings.Contains(st.Error, "Edit and resubmit the job with the deep-research preset") {
		t.Errorf("async job after retirement: %s %q", st.Status, st.Error)
	}
}
