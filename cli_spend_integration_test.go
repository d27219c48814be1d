package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// Spend control through the CLI binary: the dry run, the one budget check
// on submit and resubmit, the per-job cap and `deepr costs`.

func TestCLIBudgetOnEveryPath(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1})
	defer fake.Close()
	c := newCLIEnv(t, fake, "DEEPR_MONTHLY_BUDGET=5")

	// The dry run enqueues nothing and says whether a submit would pass.
	var d struct {
		Allowed     bool     `json:"allowed"`
		BudgetUSD   *float64 `json:"budget_usd"`
		SpentUSD    float64  `json:"spent_usd"`
		ReservedUSD float64  `json:"reserved_usd"`
		Estimate    struct {
			LowUSD  float64 `json:"low_usd"`
			HighUSD float64 `json:"high_usd"`
		} `json:"estimate"`
	}
	out, _, code := c.run("", "submit", "--dry-run", "--json", "--model", "o3-deep-research", "an expensive question")
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("dry run JSON: %v\n%s", err, out)
	}
	if code != 1 || d.Allowed || d.BudgetUSD == nil || *d.BudgetUSD != 5 || d.Estimate.HighUSD <= 5 || d.Estimate.LowUSD <= 0 {
		t.Fatalf("dry run of o3 under a $5 budget: exit %d %+v, want refused (exit 1)", code, d)
	}
	if out, _, code := c.run("", "submit", "--dry-run", "--model", "o4-mini-deep-research", "a cheap question"); code != 0 || !strings.Contains(out, "would be queued") {
		t.Fatalf("dry run of o4-mini: exit %d\n%s", code, out)
	}
	if out := c.ok("list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("a dry run enqueued something: %s", out)
	}

	// A real submit over the budget is refused with the numbers, nothing queued.
	_, errOut, code := c.run("", "submit", "--model", "o3-deep-research", "an expensive question")
	if code != 1 || !strings.Contains(errOut, "DEEPR_MONTHLY_BUDGET") || !strings.Contains(errOut, "$5") {
		t.Fatalf("submit over the budget: exit %d %q", code, errOut)
	}
	// The per-job cap refuses a job whose high estimate is over it.
	if _, errOut, code := c.run("", "submit", "--model", "o4-mini-deep-research", "--max-cost", "0.50", "capped"); code != 1 || !strings.Contains(strings.ToLower(errOut), "cap") {
		t.Fatalf("submit over its cap: exit %d %q", code, errOut)
	}
	if _, _, code := c.run("", "submit", "--max-cost", "-3", "x"); code != 2 {
		t.Errorf("--max-cost -3: exit %d, want 2", code)
	}

	// Within the budget: runs, costs something, and costs --json adds up.
	id := strings.TrimSpace(c.ok("submit", "--model", "o4-mini-deep-research", "a cheap question"))
	if _, _, code := c.run("", "wait", id, "--timeout", "60s"); code != 0 {
		t.Fatalf("wait: exit %d", code)
	}
	var sp struct {
		Month     string   `json:"month"`
		SpentUSD  float64  `json:"spent_usd"`
		BudgetUSD *float64 `json:"budget_usd"`
		Jobs      []struct {
			JobID   string  `json:"job_id"`
			CostUSD float64 `json:"cost_usd"`
		} `json:"jobs"`
		ByModel map[string]struct {
			SpentUSD float64 `json:"spent_usd"`
		} `json:"by_model"`
	}
	if err := json.Unmarshal([]byte(c.ok("costs", "--json")), &sp); err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, j := range sp.Jobs {
		sum += j.CostUSD
	}
	if sp.SpentUSD <= 0 || math.Abs(sum-sp.SpentUSD) > 1e-9 || len(sp.Jobs) != 1 || sp.Jobs[0].JobID != id || sp.BudgetUSD == nil {
		t.Fatalf("costs --json: %+v (sum of jobs %v)", sp, sum)
	}
	if _, ok := sp.ByModel["openai/o4-mini-deep-research"]; !ok {
		t.Errorf("costs by_model lacks o4-mini: %+v", sp.ByModel)
	}
	if out := c.ok("costs"); !strings.Contains(out, sp.Month) || !strings.Contains(out, "o4-mini") {
		t.Errorf("costs: %s", out)
	}
	if _, _, code := c.run("", "costs", "--month", "2025-13"); code != 2 {
		t.Errorf("costs --month 2025-13: exit %d, want 2", code)
	}

	// Resubmit goes through the same check: under a tiny budget it is refused.
	lost := strings.TrimSpace(c.ok("submit", "--model", "o4-mini-deep-research", "[[fake:badrequest]] refused by the provider"))
	c.run("", "wait", lost, "--timeout", "60s")
	tight := newCLIEnv(t, fake, "DEEPR_MONTHLY_BUDGET=0.01")
	tight.data, tight.env = c.data, append(append([]string{}, c.env...), "DEEPR_MONTHLY_BUDGET=0.01")
	if _, errOut, code := tight.run("", "resubmit", lost); code != 1 || !strings.Contains(errOut, "budget") {
		t.Fatalf("resubmit over the budget: exit %d %q", code, errOut)
	}
	if j := c.status(lost); j.Status != "failed" {
		t.Fatalf("a refused resubmit changed the job: %s", j.Status)
	}
}
