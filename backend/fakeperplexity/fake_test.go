package fakeperplexity

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const key = "pplx-fake-test"

func do(t *testing.T, s *Server, method, path, k, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if k != "" {
		req.Header.Set("Authorization", "Bearer "+k)
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %q", method, path, w.Body.String())
	}
	return w.Code, out
}

func body(prompt, idem string) string {
	b, _ := json.Marshal(map[string]any{"request": map[string]any{"model": "sonar-deep-research",
		"messages": []any{map[string]any{"role": "user", "content": prompt}}}, "idempotency_key": idem})
	return string(b)
}

func TestLifecycleIdempotencyAndReport(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := NewHandler(Options{APIKey: key, StepsToFinish: 2, Now: func() time.Time { return now }})
	code, r := do(t, s, "POST", "/async/chat/completions", key, body("Topic", "k1"))
	if code != 200 || r["status"] != "CREATED" || r["response"] != nil || r["created_at"] != float64(now.Unix()) {
		t.Fatalf("create: %d %v", code, r)
	}
	id := r["id"].(string)
	if _, again := do(t, s, "POST", "/async/chat/completions", key, body("Topic", "k1")); again["id"] != id || s.Creates() != 1 {
		t.Errorf("same key: id %v, creates %d; want the first request again", again["id"], s.Creates())
	}
	for i, want := range []string{"IN_PROGRESS", "COMPLETED", "COMPLETED"} {
		if _, r = do(t, s, "GET", "/async/chat/completions/"+id, key, ""); r["status"] != want {
			t.Fatalf("GET %d: %v, want %s", i+1, r["status"], want)
		}
	}
	resp := r["response"].(map[string]any)
	content := resp["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)["content"].(string)
	cites := resp["citations"].([]any)
	if !strings.HasPrefix(content, "<think>") || !strings.Contains(content, "grew by about a third in 2025[1]") || len(cites) != 3 ||
		len(resp["search_results"].([]any)) != 3 {
		t.Errorf("content %q, %d citations", content, len(cites))
	}
	cost := resp["usage"].(map[string]any)["cost"].(map[string]any)["total_cost"].(float64)
	if cost <= 0 {
		t.Errorf("total_cost %v", cost)
	}
	if _, l := do(t, s, "GET", "/async/chat/completions", key, ""); len(l["requests"].([]any)) != 1 {
		t.Errorf("list: %v", l)
	}
}

func TestFaultsAndValidation(t *testing.T) {
	s := NewHandler(Options{APIKey: key})
	if code, e := do(t, s, "GET", "/async/chat/completions", "pplx-wrong", ""); code != 401 ||
		e["error"].(map[string]any)["type"] != "invalid_api_key" {
		t.Errorf("wrong key: %d %v", code, e)
	}
	if code, e := do(t, s, "POST", "/async/chat/completions", key, `{"request":{}}`); code != 422 || e["detail"] == nil {
		t.Errorf("missing model: %d %v", code, e)
	}
	if code, _ := do(t, s, "POST", "/async/chat/completions", key, body("q [[fake:create500]]", "k")); code != 500 || s.Creates() != 1 {
		t.Errorf("create500: %d, creates %d", code, s.Creates())
	}
	if code, _ := do(t, s, "POST", "/async/chat/completions", key, body("q [[fake:create500]]", "k")); code != 200 || s.Creates() != 1 {
		t.Errorf("retry with the key: %d, creates %d; want the stored request", code, s.Creates())
	}
	if code, _ := do(t, s, "POST", "/async/chat/completions", key, body("q [[fake:create503]]", "k2")); code != 503 || s.Creates() != 1 {
		t.Errorf("create503: %d creates %d", code, s.Creates())
	}
	if code, _ := do(t, s, "POST", "/async/chat/completions", key, body("q [[fake:quota]]", "k3")); code != 402 {
		t.Errorf("quota: %d", code)
	}
	if code, _ := do(t, s, "GET", "/async/chat/completions/req_none", key, ""); code != 404 {
		t.Errorf("unknown id: %d", code)
	}
}
