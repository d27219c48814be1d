package fakeperplexity

import "testing"

// TestRunsEndAndKeyChange: Runs lists each request with its idempotency
// key and what it bills (nothing while it runs), End ends one at once
// (nobody can stop it), and SetAPIKey rejects the key clients hold.
func TestRunsEndAndKeyChange(t *testing.T) {
	s := NewHandler(Options{APIKey: key, StepsToFinish: 100})
	_, r := do(t, s, "POST", "/async/chat/completions", key, body("Topic", "deepr-j1-1"))
	id := r["id"].(string)
	if runs := s.Runs(); len(runs) != 1 || runs[0].Tag != "deepr-j1-1" || runs[0].Ended || !runs[0].Billed.Zero() {
		t.Fatalf("Runs while running = %+v, want one unended run keyed deepr-j1-1 billing nothing", runs)
	}
	s.End(id)
	if _, r = do(t, s, "GET", "/async/chat/completions/"+id, key, ""); r["status"] != "COMPLETED" {
		t.Errorf("GET after End: %v, want COMPLETED", r["status"])
	}
	run := s.Runs()[0]
	if !run.Ended || run.Billed.CostUSD <= 0 || run.Billed.WebSearchCalls <= 0 {
		t.Errorf("Runs after End = %+v, want it ended and billing its cost", run)
	}
	s.SetAPIKey("another")
	if code, _ := do(t, s, "GET", "/async/chat/completions/"+id, key, ""); code != 401 {
		t.Errorf("GET with the old key after SetAPIKey: %d, want 401", code)
	}
}
