package fakeperplexity

import (
	"net/http"
	"testing"
	"time"
)

// TestAgentAPIAndRetiredAsync: the Agent API answers in its wire format
// (lower-case statuses, a search_results item, a message with annotated
// output_text, usage with its cost), refuses what the real one refuses,
// and keeps answering when RetireAsync makes the async routes 404 or 410.
func TestAgentAPIAndRetiredAsync(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := NewHandler(Options{APIKey: key, StepsToFinish: 1, Now: func() time.Time { return now }})
	for body, want := range map[string]int{
		`{"preset":"deep-research","input":"q"}`:                                                   http.StatusBadRequest, // not background
		`{"preset":"sonar-deep-research","input":"q","background":true}`:                           http.StatusBadRequest,
		`{"input":"q","background":true}`:                                                          http.StatusBadRequest,
		`{"preset":"deep-research","background":true}`:                                             http.StatusUnprocessableEntity,
		`{"preset":"deep-research","input":"q","background":true,"previous_response_id":"resp_x"}`: http.StatusNotFound,
	} {
		if code, _ := do(t, s, "POST", "/v1/agent", key, body); code != want {
			t.Errorf("%s: %d, want %d", body, code, want)
		}
	}
	code, r := do(t, s, "POST", "/v1/responses", key, `{"preset":"deep-research","background":true,"input":[{"role":"user","content":"Topic"}]}`)
	if code != 200 || r["status"] != "queued" || r["object"] != "response" {
		t.Fatalf("create: %d %v", code, r)
	}
	id := r["id"].(string)
	code, r = do(t, s, "GET", "/v1/responses/"+id, key, "")
	out, _ := r["output"].([]any)
	if code != 200 || r["status"] != "completed" || len(out) != 2 || r["usage"] == nil {
		t.Fatalf("poll: %d %v", code, r)
	}
	msg := out[1].(map[string]any)["content"].([]any)[0].(map[string]any)
	if notes, _ := msg["annotations"].([]any); msg["type"] != "output_text" || len(notes) != 3 {
		t.Errorf("message part %v", msg)
	}
	if runs := s.Runs(); len(runs) != 1 || runs[0].Tag != "" || runs[0].Billed.CostUSD <= 0 || !runs[0].Ended {
		t.Errorf("runs %+v", runs)
	}
	s.RetireAsync(http.StatusGone)
	if code, _ := do(t, s, "GET", "/async/chat/completions", key, ""); code != http.StatusGone {
		t.Errorf("retired async list: %d", code)
	}
	if code, _ := do(t, s, "GET", "/v1/agent/"+id, key, ""); code != 200 {
		t.Errorf("the Agent API after the async one was retired: %d", code)
	}
}
