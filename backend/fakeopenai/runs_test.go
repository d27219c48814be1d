package fakeopenai

import (
	"encoding/json"
	"testing"
)

// TestRunsEndAndToolLimit: Runs lists what each response bills (nothing
// while it runs), End ends one at once, a response makes at most its
// max_tool_calls tool calls, and IDPrefix starts its ids.
func TestRunsEndAndToolLimit(t *testing.T) {
	s, c := newClient(t, Options{StepsToFinish: 100, IDPrefix: "resp_sim"})
	b, _ := json.Marshal(map[string]any{"model": "o3-deep-research", "input": "Topic", "background": true,
		"max_tool_calls": 2, "metadata": map[string]string{"deepr_job_id": "job1"}})
	_, r := c.do("POST", "/v1/responses", string(b))
	id := r["id"].(string)
	if id != "resp_sim000001" {
		t.Fatalf("id = %q, want resp_sim000001", id)
	}
	for range 5 {
		c.do("GET", "/v1/responses/"+id, "")
	}
	runs := s.Runs()
	if len(runs) != 1 || runs[0].Tag != "job1" || runs[0].Ended || !runs[0].Billed.Zero() {
		t.Fatalf("Runs while running = %+v, want one unended run of job1 billing nothing", runs)
	}
	s.End(id)
	_, r = c.do("GET", "/v1/responses/"+id, "")
	calls := 0
	for _, it := range r["output"].([]any) {
		if it.(map[string]any)["type"] == "web_search_call" {
			calls++
		}
	}
	if r["status"] != "completed" || calls != 2 {
		t.Errorf("after End: status %v with %d tool calls, want completed with 2 (max_tool_calls)", r["status"], calls)
	}
	b0 := s.Runs()[0]
	if !b0.Ended || b0.Billed.InputTokens <= 0 || b0.Billed.OutputTokens <= 0 || b0.Billed.WebSearchCalls != 2 {
		t.Errorf("Runs after End = %+v, want it ended, billing its usage and 2 searches", b0)
	}
	_, c2 := newClient(t, Options{})
	_, r = c2.create("plain")
	if r["id"] != "resp_fake000001" {
		t.Errorf("default id = %v, want resp_fake000001", r["id"])
	}
}

// TestLongAnswerBillsEveryOutputToken: with [[fake:long]], a plain
// request's answer bills its whole max_output_tokens.
func TestLongAnswerBillsEveryOutputToken(t *testing.T) {
	s, c := newClient(t, Options{})
	for _, q := range []string{"short", "long [[fake:long]]"} {
		b, _ := json.Marshal(map[string]any{"model": "gpt-4.1-mini", "input": q, "max_output_tokens": 900, "store": false})
		c.do("POST", "/v1/responses", string(b))
	}
	runs := s.Runs()
	if len(runs) != 2 || !runs[0].Helper || runs[0].Billed.OutputTokens >= 900 || runs[1].Billed.OutputTokens != 900 {
		t.Errorf("Runs = %+v, want two helper runs, the long one billing 900 output tokens", runs)
	}
}
