package fakeopenai

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const key = "sk-fake-test-key"

type client struct {
	t   *testing.T
	h   http.Handler
	key string
}

// do sends one request straight to the handler and decodes the JSON answer.
func (c client) do(method, path, body string) (int, map[string]any) {
	c.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, req)
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		c.t.Fatalf("%s %s: answer is not JSON: %q", method, path, w.Body.String())
	}
	return w.Code, out
}

func (c client) create(prompt string) (int, map[string]any) {
	c.t.Helper()
	b, _ := json.Marshal(map[string]any{"model": "o3-deep-research", "input": prompt, "background": true,
		"metadata": map[string]string{"deepr_job_id": "job-" + prompt}})
	return c.do("POST", "/v1/responses", string(b))
}

func newClient(t *testing.T, o Options) (*Server, client) {
	o.APIKey = key
	s := NewHandler(o)
	return s, client{t: t, h: s.Handler(), key: key}
}

func TestLifecycle(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s, c := newClient(t, Options{StepsToFinish: 3, Now: func() time.Time { return now }})
	if s.URL() != "" {
		t.Errorf("URL() of a non-listening server = %q, want empty", s.URL())
	}
	code, r := c.create("topic")
	if code != 200 || r["status"] != "queued" || r["object"] != "response" || len(r["output"].([]any)) != 0 {
		t.Fatalf("create: %d %v", code, r)
	}
	id := r["id"].(string)
	wantStatus := []string{"in_progress", "in_progress", "completed", "completed"}
	for i, want := range wantStatus {
		_, r = c.do("GET", "/v1/responses/"+id, "")
		if r["status"] != want {
			t.Fatalf("GET %d status = %v, want %s", i+1, r["status"], want)
		}
	}
	if r["completed_at"] != float64(now.Unix()) || r["usage"] == nil || r["error"] != nil {
		t.Errorf("completed response: completed_at %v usage %v error %v", r["completed_at"], r["usage"], r["error"])
	}
	if s.Gets(id) != 4 || s.Creates() != 1 || s.CreatesFor("job-topic") != 1 || len(s.CreateRequests()) != 1 {
		t.Errorf("counters: gets %d creates %d for %d bodies %d", s.Gets(id), s.Creates(), s.CreatesFor("job-topic"), len(s.CreateRequests()))
	}
	// Cancelling a finished response leaves it as it is.
	if _, r = c.do("POST", "/v1/responses/"+id+"/cancel", ""); r["status"] != "completed" {
		t.Errorf("cancel of a completed response: status %v", r["status"])
	}
	if code, r = c.do("DELETE", "/v1/responses/"+id, ""); code != 200 || r["deleted"] != true {
		t.Errorf("delete: %d %v", code, r)
	}
	if code, _ = c.do("GET", "/v1/responses/"+id, ""); code != 404 {
		t.Errorf("GET after delete: %d, want 404", code)
	}
}

func TestNotFoundBody(t *testing.T) {
	_, c := newClient(t, Options{})
	code, r := c.do("GET", "/v1/responses/x", "")
	want := map[string]any{"error": map[string]any{"message": "No response found with id 'x'.",
		"type": "invalid_request_error", "param": nil, "code": nil}}
	if code != 404 || !reflect.DeepEqual(r, want) {
		t.Errorf("unknown id: %d %v, want 404 %v", code, r, want)
	}
}

func TestAuth(t *testing.T) {
	s, c := newClient(t, Options{})
	bad := client{t: t, h: s.Handler(), key: "sk-other"}
	code, r := bad.do("GET", "/v1/models", "")
	if code != 401 || r["error"].(map[string]any)["code"] != "invalid_api_key" {
		t.Errorf("wrong key: %d %v", code, r)
	}
	if strings.Contains(r["error"].(map[string]any)["message"].(string), "sk-other") {
		t.Errorf("401 message echoes the key")
	}
	if code, _ := bad.create("q"); code != 401 || len(s.CreateRequests()) != 0 {
		t.Errorf("create with a wrong key: %d, %d bodies recorded", code, len(s.CreateRequests()))
	}
	s.SetAPIKey("sk-other")
	if code, _ := bad.do("GET", "/v1/models", ""); code != 200 {
		t.Errorf("after SetAPIKey the new key got %d", code)
	}
	if code, _ := c.do("GET", "/v1/models", ""); code != 401 {
		t.Errorf("after SetAPIKey the old key got %d, want 401", code)
	}
}

func TestModels(t *testing.T) {
	_, c := newClient(t, Options{})
	_, r := c.do("GET", "/v1/models", "")
	var ids []string
	for _, m := range r["data"].([]any) {
		ids = append(ids, m.(map[string]any)["id"].(string))
	}
	if r["object"] != "list" || !reflect.DeepEqual(ids, []string{"o3-deep-research", "o4-mini-deep-research"}) {
		t.Errorf("models = %v", r)
	}
}

func TestFinishAndSlow(t *testing.T) {
	s, c := newClient(t, Options{StepsToFinish: 2})
	_, r := c.create("[[fake:slow]] long")
	id := r["id"].(string)
	for i := 1; i < 10; i++ {
		if _, r = c.do("GET", "/v1/responses/"+id, ""); r["status"] != "in_progress" {
			t.Fatalf("slow GET %d: %v, want in_progress until GET 10", i, r["status"])
		}
	}
	if _, r = c.do("GET", "/v1/responses/"+id, ""); r["status"] != "completed" {
		t.Fatalf("slow GET 10: %v", r["status"])
	}

	_, r = c.create("[[fake:slow]] finish me")
	id = r["id"].(string)
	s.Finish(id)
	if _, r = c.do("GET", "/v1/responses/"+id, ""); r["status"] != "completed" {
		t.Errorf("GET after Finish: %v, want completed", r["status"])
	}
}

func TestCreateMarkers(t *testing.T) {
	tests := []struct {
		prompt   string
		wantCode []int // for two creates of the same prompt
		wantErr  string
		created  int
	}{
		{"[[fake:ratelimit]]", []int{429, 200}, "rate_limit_exceeded", 1},
		{"[[fake:quota]]", []int{429, 429}, "insufficient_quota", 0},
		{"[[fake:badrequest]]", []int{400, 400}, "invalid_value", 0},
		{"[[fake:create503]]", []int{503, 503}, "", 0},
		{"[[fake:create500]]", []int{500, 500}, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.prompt, func(t *testing.T) {
			s, c := newClient(t, Options{})
			for i, want := range tt.wantCode {
				code, r := c.create(tt.prompt)
				if code != want {
					t.Fatalf("create %d: %d, want %d", i+1, code, want)
				}
				if code >= 400 {
					e := r["error"].(map[string]any)
					if e["message"] == "" || (tt.wantErr != "" && e["code"] != tt.wantErr) {
						t.Errorf("create %d error = %v, want code %q", i+1, e, tt.wantErr)
					}
				}
			}
			if s.Creates() != tt.created || len(s.CreateRequests()) != 2 {
				t.Errorf("created %d (want %d), bodies %d (want 2)", s.Creates(), tt.created, len(s.CreateRequests()))
			}
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	s := New(Options{APIKey: key, StepsToFinish: 2})
	defer s.Close()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", s.URL()+"/responses",
				strings.NewReader(`{"model":"o3-deep-research","input":"q","background":true,"metadata":{"deepr_job_id":"same"}}`))
			req.Header.Set("Authorization", "Bearer "+key)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			var r struct{ ID string }
			_ = json.NewDecoder(res.Body).Decode(&r)
			res.Body.Close()
			s.Finish(r.ID)
			_ = s.Gets(r.ID)
		}()
	}
	wg.Wait()
	if s.CreatesFor("same") != 8 {
		t.Errorf("CreatesFor = %d, want 8", s.CreatesFor("same"))
	}
}

func TestAzureMode(t *testing.T) {
	s := NewHandler(Options{APIKey: key, Azure: true})
	do := func(method, path string, h http.Header, body string) (int, map[string]any) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header = h
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, req)
		var out map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &out)
		return w.Code, out
	}
	bearer := http.Header{"Authorization": {"Bearer " + key}}
	if code, out := do("GET", "/openai/v1/models", bearer, ""); code != 401 || out["error"].(map[string]any)["code"] != "401" {
		t.Errorf("Bearer auth in Azure mode: %d %v, want Azure's 401", code, out)
	}
	apiKey := http.Header{"Api-Key": {key}}
	if code, _ := do("GET", "/v1/models", apiKey, ""); code != 404 {
		t.Errorf("GET /v1/models in Azure mode = %d, want 404 (routes live under /openai/v1)", code)
	}
	code, out := do("POST", "/openai/v1/responses", apiKey, `{"model":"my-deployment","input":"q","background":true}`)
	if code != 200 || out["model"] != "my-deployment" || out["status"] != "queued" {
		t.Fatalf("Azure create: %d %v", code, out)
	}
	if code, out := do("GET", "/openai/v1/responses/"+out["id"].(string), apiKey, ""); code != 200 || out["status"] != "in_progress" {
		t.Errorf("Azure GET: %d %v", code, out["status"])
	}
}

// TestPlainRequestIsAnsweredAtOnce: without background mode the create's
// answer is the finished response, in the wire format the SDK reads.
func TestPlainRequestIsAnsweredAtOnce(t *testing.T) {
	s := New(Options{APIKey: key})
	defer s.Close()
	post := func(body string) map[string]any {
		req, _ := http.NewRequest("POST", s.URL()+"/responses", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return out
	}
	out := post(`{"model":"gpt-4.1-mini","input":[{"role":"user","content":"Report: ...\nQuestion: why?"}],"store":false}`)
	msg := out["output"].([]any)[0].(map[string]any)["content"].([]any)[0].(map[string]any)["text"]
	if out["status"] != "completed" || out["background"] != false || msg != "Fake answer from gpt-4.1-mini: Question: why? [1]." || out["usage"] == nil {
		t.Errorf("plain answer = %v", out)
	}
	if s.Gets(out["id"].(string)); s.HelperCreates() != 1 {
		t.Errorf("HelperCreates = %d", s.HelperCreates())
	}
	out = post(`{"model":"gpt-4.1-mini","input":"tea","text":{"format":{"type":"json_schema","name":"clarifying_questions","schema":{}}}}`)
	msg = out["output"].([]any)[0].(map[string]any)["content"].([]any)[0].(map[string]any)["text"]
	var q struct{ Questions []string }
	if err := json.Unmarshal([]byte(msg.(string)), &q); err != nil || len(q.Questions) != 3 {
		t.Errorf("clarifying questions = %v (%v)", msg, err)
	}
}

// TestCancelledRunReportsItsUsage: as at OpenAI, the cancel answers the
// response with usage null, and a GET of the cancelled response reports
// what the run used before it stopped (billed). With cancel-usage-late,
// the first GET after the cancel has no usage yet.
func TestCancelledRunReportsItsUsage(t *testing.T) {
	for _, late := range []bool{false, true} {
		_, c := newClient(t, Options{StepsToFinish: 10})
		prompt := "stop me"
		if late {
			prompt += " [[fake:cancel-usage-late]]"
		}
		_, r := c.create(prompt)
		id := r["id"].(string)
		c.do("GET", "/v1/responses/"+id, "")
		if _, r = c.do("POST", "/v1/responses/"+id+"/cancel", ""); r["status"] != "cancelled" || r["usage"] != nil {
			t.Fatalf("cancel answer: status %v usage %v, want cancelled with usage null", r["status"], r["usage"])
		}
		_, r = c.do("GET", "/v1/responses/"+id, "")
		if late {
			if r["usage"] != nil {
				t.Errorf("first GET after the cancel (late usage): usage %v, want null", r["usage"])
			}
			_, r = c.do("GET", "/v1/responses/"+id, "")
		}
		u, _ := r["usage"].(map[string]any)
		if r["status"] != "cancelled" || u == nil || u["input_tokens"].(float64) <= 0 || u["output_tokens"].(float64) <= 0 {
			t.Errorf("GET of the cancelled response (late %v): status %v usage %v, want the usage it used", late, r["status"], r["usage"])
		}
	}
}
