package fakegemini

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const key = "AIzaFakeGeminiTestKey000"

func do(t *testing.T, s *Server, method, path, k, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if k != "" {
		req.Header.Set("x-goog-api-key", k)
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %q", method, path, w.Body.String())
	}
	return w.Code, out
}

const create = `{"agent":"deep-research-preview-04-2026","input":"Topic é [[fake:unicode]]","background":true,"store":true}`

func TestLifecycleAndByteOffsets(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := NewHandler(Options{APIKey: key, StepsToFinish: 2, Now: func() time.Time { return now }})
	code, it := do(t, s, "POST", "/v1beta/interactions", key, create)
	if code != 200 || it["status"] != "queued" || len(it["steps"].([]any)) != 0 || it["created"] != "2026-03-01T12:00:00Z" {
		t.Fatalf("create: %d %v", code, it)
	}
	id := it["id"].(string)
	for i, want := range []string{"in_progress", "completed", "completed"} {
		if _, it = do(t, s, "GET", "/v1beta/interactions/"+id, key, ""); it["status"] != want {
			t.Fatalf("GET %d: status %v, want %s", i+1, it["status"], want)
		}
	}
	steps := it["steps"].([]any)
	if steps[0].(map[string]any)["type"] != "user_input" {
		t.Errorf("first step %v, want user_input", steps[0])
	}
	last := steps[len(steps)-1].(map[string]any)
	if last["type"] != "model_output" || it["usage"] == nil {
		t.Fatalf("last step %v usage %v", last["type"], it["usage"])
	}
	part := last["content"].([]any)[0].(map[string]any)
	text := part["text"].(string)
	a := part["annotations"].([]any)[0].(map[string]any)
	if got := text[int(a["start_index"].(float64)):int(a["end_index"].(float64))]; got != "doubled in 2025" {
		t.Errorf("byte span = %q, want the cited text", got)
	}
	if s.Creates() != 1 || s.Gets(id) != 3 || len(s.CreateRequests()) != 1 {
		t.Errorf("counters: creates %d gets %d", s.Creates(), s.Gets(id))
	}
	if code, e := do(t, s, "POST", "/v1beta/interactions/"+id+"/cancel", key, "{}"); code != 400 ||
		e["error"].(map[string]any)["status"] != "FAILED_PRECONDITION" {
		t.Errorf("cancel of a finished interaction: %d %v", code, e)
	}
}

func TestAuthAndValidation(t *testing.T) {
	s := NewHandler(Options{APIKey: key})
	code, e := do(t, s, "GET", "/v1beta/models", "AIzaWrong", "")
	det := e["error"].(map[string]any)["details"].([]any)[0].(map[string]any)
	if code != 400 || det["reason"] != "API_KEY_INVALID" {
		t.Errorf("wrong key: %d %v", code, e)
	}
	if code, _ := do(t, s, "GET", "/v1beta/models", "", ""); code != http.StatusForbidden {
		t.Errorf("no key: %d, want 403", code)
	}
	for body, want := range map[string]string{
		`{"agent":"gemini-3-pro","input":"q","background":true,"store":true}`:                                 "not supported",
		`{"agent":"deep-research-preview-04-2026","input":"q","store":true}`:                                  "background=true",
		`{"agent":"deep-research-preview-04-2026","input":"q","background":true}`:                             "store=true",
		`{"agent":"deep-research-preview-04-2026","input":"q [[fake:quota]]","background":true,"store":true}`: "credits",
	} {
		_, e := do(t, s, "POST", "/v1beta/interactions", key, body)
		if msg, _ := e["error"].(map[string]any)["message"].(string); !strings.Contains(msg, want) {
			t.Errorf("%s: message %q, want %q", body, msg, want)
		}
	}
	if s.Creates() != 0 {
		t.Errorf("invalid creates stored %d interactions", s.Creates())
	}
	created, it := do(t, s, "POST", "/v1beta/interactions", key, create)
	id := it["id"].(string)
	if code, c := do(t, s, "POST", "/v1beta/interactions/"+id+"/cancel", key, "{}"); code != 200 || c["status"] != "cancelled" {
		t.Errorf("cancel: %d %v (create %d)", code, c["status"], created)
	}
	if code, _ := do(t, s, "DELETE", "/v1beta/interactions/"+id, key, ""); code != 200 {
		t.Errorf("delete: %d", code)
	}
	if code, _ := do(t, s, "GET", "/v1beta/interactions/"+id, key, ""); code != 404 {
		t.Errorf("GET after delete: %d, want 404", code)
	}
}

// TestCancelledInteractionReportsItsUsage: a cancelled interaction that is
// fetched reports the usage it used before it stopped (billed).
func TestCancelledInteractionReportsItsUsage(t *testing.T) {
	s := NewHandler(Options{APIKey: key, StepsToFinish: 10})
	_, it := do(t, s, "POST", "/v1beta/interactions", key, create)
	id := it["id"].(string)
	do(t, s, "GET", "/v1beta/interactions/"+id, key, "")
	if code, c := do(t, s, "POST", "/v1beta/interactions/"+id+"/cancel", key, "{}"); code != 200 || c["status"] != "cancelled" {
		t.Fatalf("cancel: %d %v", code, c["status"])
	}
	_, it = do(t, s, "GET", "/v1beta/interactions/"+id, key, "")
	u, _ := it["usage"].(map[string]any)
	if it["status"] != "cancelled" || u == nil || u["total_input_tokens"].(float64) <= 0 || u["total_output_tokens"].(float64) <= 0 {
		t.Errorf("GET of the cancelled interaction: status %v usage %v, want the usage it used", it["status"], it["usage"])
	}
}
