package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// Research as a conversation through the CLI binary: follow-ups that
// continue the parent's response, the fallback when it is gone, the thread
// and the bad input that sends nothing.

type threadJSON struct {
	jobJSON
	ParentID      string `json:"parent_id"`
	ParentContext string `json:"parent_context"`
	Thread        *struct {
		Root    string  `json:"root"`
		CostUSD float64 `json:"cost_usd"`
		Jobs    []struct {
			Job     jobJSON `json:"job"`
			Depth   int     `json:"depth"`
			CostUSD float64 `json:"cost_usd"`
		} `json:"jobs"`
	} `json:"thread"`
}

func (c *cliEnv) thread(id string) threadJSON {
	c.t.Helper()
	var j threadJSON
	if err := json.Unmarshal([]byte(c.ok("status", id, "--json")), &j); err != nil {
		c.t.Fatal(err)
	}
	return j
}

// createBody is the part of a create request these tests look at.
type createBody struct {
	Model      string          `json:"model"`
	Background *bool           `json:"background"`
	Previous   *string         `json:"previous_response_id"`
	Input      json.RawMessage `json:"input"`
	Metadata   map[string]string
}

func lastCreate(t *testing.T, fake *fakeopenai.Server, back int) createBody {
	t.Helper()
	reqs := fake.CreateRequests()
	var b createBody
	if err := json.Unmarshal(reqs[len(reqs)-1-back], &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCLIFollowUp(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	parent := c.runToReport(t, "heat pumps in cold climates", "--model", "o4-mini-deep-research")

	// The estimate of a follow-up counts the parent's report it reads.
	var plain, follow struct {
		Estimate struct {
			HighUSD float64 `json:"high_usd"`
			Basis   string  `json:"basis"`
		} `json:"estimate"`
	}
	_ = json.Unmarshal([]byte(c.ok("submit", "--dry-run", "--json", "--model", "o4-mini-deep-research", "go deeper on Norway")), &plain)
	_ = json.Unmarshal([]byte(c.ok("submit", "--dry-run", "--json", "--follow-up", parent.ID, "go deeper on Norway")), &follow)
	if !(follow.Estimate.HighUSD > plain.Estimate.HighUSD) || !strings.Contains(follow.Estimate.Basis, "earlier research") {
		t.Errorf("follow-up estimate %+v vs new research %+v: want it higher, counting the parent's context", follow.Estimate, plain.Estimate)
	}

	// A follow-up continues the parent's response (and its model).
	creates := fake.Creates()
	child := c.runToReport(t, "go deeper on Norway", "--follow-up", parent.ID[:6])
	body := lastCreate(t, fake, 0)
	if fake.Creates() != creates+1 || body.Previous == nil || *body.Previous != parent.ProviderJobID || string(body.Input) != `"go deeper on Norway"` {
		t.Fatalf("follow-up create = %+v (input %s), want previous_response_id %s and only the new prompt", body, body.Input, parent.ProviderJobID)
	}
	got := c.thread(child.ID)
	if got.ParentID != parent.ID || got.ParentContext != "previous_response" || got.Model != "o4-mini-deep-research" {
		t.Errorf("follow-up job: parent %q context %q model %q", got.ParentID, got.ParentContext, got.Model)
	}
	if got.Thread == nil || got.Thread.Root != parent.ID || len(got.Thread.Jobs) != 2 || got.Thread.Jobs[1].Depth != 1 ||
		math.Abs(got.Thread.CostUSD-(parent.CostUSD+child.CostUSD)) > 1e-9 {
		t.Fatalf("thread = %+v, want the parent then the follow-up costing $%v together", got.Thread, parent.CostUSD+child.CostUSD)
	}
	if out := c.ok("status", parent.ID); !strings.Contains(out, "Thread    2 jobs") || !strings.Contains(out, child.ID) {
		t.Errorf("status of the parent does not show its thread:\n%s", out)
	}

	// The provider no longer keeps the parent's response: the report goes
	// as context, and the job says so.
	fake.Expire(child.ProviderJobID)
	grand := c.runToReport(t, "and what about Sweden", "--follow-up", child.ID)
	refused, resent := lastCreate(t, fake, 1), lastCreate(t, fake, 0)
	if refused.Previous == nil || *refused.Previous != child.ProviderJobID {
		t.Errorf("first create of the fallback = %+v, want previous_response_id %s", refused, child.ProviderJobID)
	}
	var childReport jobJSON
	_ = json.Unmarshal([]byte(c.ok("show", child.ID, "--format", "json")), &childReport)
	if resent.Previous != nil || !strings.Contains(string(resent.Input), `"role":"assistant"`) ||
		!strings.Contains(string(resent.Input), "go deeper on Norway") || !strings.Contains(string(resent.Input), "and what about Sweden") ||
		!strings.Contains(string(resent.Input), jsonText(t, strings.Fields(childReport.Report)[3])) {
		t.Errorf("fallback create input = %s, want the parent's question and report, then the prompt", resent.Input)
	}
	g := c.thread(grand.ID)
	if g.ParentContext != "report_fallback" || g.Thread == nil || len(g.Thread.Jobs) != 3 || g.Thread.Jobs[2].Depth != 2 {
		t.Errorf("fallback job: context %q thread %+v", g.ParentContext, g.Thread)
	}
	if out := c.ok("status", grand.ID); !strings.Contains(out, "no longer kept") {
		t.Errorf("status does not say the report was sent instead:\n%s", out)
	}

	// Bad input: nothing sent, nothing queued.
	creates = fake.Creates()
	jobs := c.ok("list", "--json")
	if _, errOut, code := c.run("", "submit", "--follow-up", "nosuchjob", "deeper"); code != 1 || !strings.Contains(errOut, "no job with id") {
		t.Errorf("follow-up of an unknown job: exit %d %q", code, errOut)
	}
	if _, _, code := c.run("", "submit", "--follow-up", parent.ID, "   "); code != 1 {
		t.Errorf("empty follow-up: exit %d, want 1", code)
	}
	if _, _, code := c.run("", "submit", "--follow-up", parent.ID); code != 2 {
		t.Errorf("follow-up without a prompt: exit %d, want 2", code)
	}
	queued := strings.TrimSpace(c.ok("submit", "a question not sent yet")) // no poller runs
	if _, errOut, code := c.run("", "submit", "--follow-up", queued, "deeper"); code != 1 || !strings.Contains(errOut, "has not finished") {
		t.Errorf("follow-up of a queued job: exit %d %q", code, errOut)
	}
	c.ok("cancel", queued)
	if fake.Creates() != creates {
		t.Errorf("bad follow-ups made %d creates", fake.Creates()-creates)
	}
	var before, after []jobJSON
	_ = json.Unmarshal([]byte(jobs), &before)
	_ = json.Unmarshal([]byte(c.ok("list", "--json")), &after)
	if len(after) != len(before)+1 { // only the one queued on purpose
		t.Errorf("%d jobs before, %d after: a bad follow-up was queued", len(before), len(after))
	}
}

// jsonText is s as it appears inside a JSON string.
func jsonText(t *testing.T, s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Trim(string(b), `"`)
}
