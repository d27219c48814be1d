package fakegemini

import "testing"

// TestRunsEndAndKeyChange: Runs lists what each interaction bills
// (nothing while it runs), End ends one at once, and SetAPIKey rejects the
// key clients hold.
func TestRunsEndAndKeyChange(t *testing.T) {
	s := NewHandler(Options{APIKey: key, StepsToFinish: 100})
	_, it := do(t, s, "POST", "/v1beta/interactions", key, create)
	id := it["id"].(string)
	do(t, s, "GET", "/v1beta/interactions/"+id, key, "")
	if runs := s.Runs(); len(runs) != 1 || runs[0].Ended || !runs[0].Billed.Zero() || runs[0].Tag != "" {
		t.Fatalf("Runs while running = %+v, want one unended run billing nothing", runs)
	}
	s.End(id)
	if _, it = do(t, s, "GET", "/v1beta/interactions/"+id, key, ""); it["status"] != "completed" {
		t.Errorf("GET after End: %v, want completed", it["status"])
	}
	r := s.Runs()[0]
	if !r.Ended || r.Billed.InputTokens <= 0 || r.Billed.OutputTokens <= 0 || r.Billed.WebSearchCalls <= 0 {
		t.Errorf("Runs after End = %+v, want it ended and billing its usage", r)
	}
	s.SetAPIKey("another")
	if code, _ := do(t, s, "GET", "/v1beta/interactions/"+id, key, ""); code != 400 {
		t.Errorf("GET with the old key after SetAPIKey: %d, want 400 API_KEY_INVALID", code)
	}
}
