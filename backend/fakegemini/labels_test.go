package fakegemini

import (
	"net/http"
	"testing"
)

// TestRetiredAgentRefused: the 12-2025 agent, shut down on 2026-10-23, is
// refused as the live API refuses it: 404 NOT_FOUND in Google's envelope,
// and nothing is created.
func TestRetiredAgentRefused(t *testing.T) {
	s := NewHandler(Options{APIKey: key})
	code, e := do(t, s, "POST", "/v1beta/interactions", key,
		`{"agent":"deep-research-pro-preview-12-2025","input":"q","background":true,"store":true}`)
	env, _ := e["error"].(map[string]any)
	if code != http.StatusNotFound || env["status"] != "NOT_FOUND" || env["code"] != float64(404) || env["message"] == "" {
		t.Errorf("retired agent: %d %v, want 404 NOT_FOUND with code and message", code, e)
	}
	if s.Creates() != 0 {
		t.Errorf("%d interactions created for a retired agent", s.Creates())
	}
}

// TestLabelsRecordedAndEchoed: labels sent on create come back on every
// GET, and InteractionsFor finds the interactions made for a job.
func TestLabelsRecordedAndEchoed(t *testing.T) {
	s := NewHandler(Options{APIKey: key, StepsToFinish: 2})
	_, it := do(t, s, "POST", "/v1beta/interactions", key,
		`{"agent":"deep-research-preview-04-2026","input":"q","background":true,"store":true,"labels":{"deepr_job_id":"job1"}}`)
	id := it["id"].(string)
	_, bare := do(t, s, "POST", "/v1beta/interactions", key, create)
	for i := 0; i < 3; i++ {
		_, got := do(t, s, "GET", "/v1beta/interactions/"+id, key, "")
		if l, _ := got["labels"].(map[string]any); l["deepr_job_id"] != "job1" {
			t.Fatalf("GET %d: labels %v, want deepr_job_id job1", i+1, got["labels"])
		}
	}
	if _, got := do(t, s, "GET", "/v1beta/interactions/"+bare["id"].(string), key, ""); got["labels"] != nil {
		t.Errorf("an interaction created without labels answers labels %v", got["labels"])
	}
	if got := s.InteractionsFor("job1"); len(got) != 1 || got[0] != id {
		t.Errorf("InteractionsFor(job1) = %v, want [%s]", got, id)
	}
}

// TestBudgetAndActionEndings: the markers end a run as budget_exceeded
// (a partial report and usage) or requires_action.
func TestBudgetAndActionEndings(t *testing.T) {
	s := NewHandler(Options{APIKey: key, StepsToFinish: 1})
	for marker, want := range map[string]string{"[[fake:budget]]": "budget_exceeded", "[[fake:requires-action]]": "requires_action"} {
		_, it := do(t, s, "POST", "/v1beta/interactions", key,
			`{"agent":"deep-research-preview-04-2026","input":"q `+marker+`","background":true,"store":true}`)
		_, got := do(t, s, "GET", "/v1beta/interactions/"+it["id"].(string), key, "")
		if got["status"] != want || got["usage"] == nil {
			t.Errorf("%s: status %v usage %v, want %s with usage", marker, got["status"], got["usage"], want)
		}
	}
}
