package openai

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/provider"
)

const testKey = "sk-test-provider-key-0001"

var fixedNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// setup starts a fake with the test key and returns it with a provider
// pointed at it.
func setup(t *testing.T, steps int) (*fakeopenai.Server, *Provider) {
	t.Helper()
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: steps, Now: func() time.Time { return fixedNow }})
	t.Cleanup(fake.Close)
	return fake, New(Config{APIKey: testKey, BaseURL: fake.URL(), RequestTimeout: 10 * time.Second})
}

func wantKind(t *testing.T, err error, want provider.Kind) *provider.Error {
	t.Helper()
	var pe *provider.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v (%T), want *provider.Error of kind %s", err, err, want)
	}
	if pe.Kind != want {
		t.Fatalf("kind = %s (%v), want %s", pe.Kind, pe, want)
	}
	return pe
}

// headerRecorder serves a fake through a handler that keeps the headers
// of every request.
type headerRecorder struct {
	mu      sync.Mutex
	headers []http.Header
}

func (h *headerRecorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.headers = append(h.headers, r.Header.Clone())
		h.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func TestSubmitSendsTheSpecifiedBody(t *testing.T) {
	// The SDK's own environment defaults must not override Config.
	t.Setenv("OPENAI_API_KEY", "sk-from-the-environment-0000")
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
	t.Setenv("OPENAI_ORG_ID", "org-from-env")
	t.Setenv("OPENAI_PROJECT_ID", "proj-from-env")
	t.Setenv("OPENAI_CUSTOM_HEADERS", "X-From-Env: yes")

	webSearch := []any{map[string]any{"type": "web_search_preview"}}
	both := []any{map[string]any{"type": "web_search_preview"},
		map[string]any{"type": "code_interpreter", "container": map[string]any{"type": "auto"}}}
	tests := []struct {
		name      string
		req       provider.Request
		wantModel string
		wantInstr string
		wantTools []any
		wantMax   float64
		wantMeta  map[string]any
	}{
		{
			name:      "defaults",
			req:       provider.Request{JobID: "job-1", Prompt: "Why is the sky blue?", WebSearch: true, CodeInterpreter: true},
			wantModel: DefaultModel, wantInstr: DefaultInstructions, wantTools: both, wantMax: 40,
			wantMeta: map[string]any{"deepr_job_id": "job-1"},
		},
		{
			name: "explicit",
			req: provider.Request{JobID: "job-2", Prompt: "Compare X and Y", Model: "o4-mini-deep-research",
				Instructions: "Be brief.", WebSearch: true, MaxToolCalls: 7},
			wantModel: "o4-mini-deep-research", wantInstr: "Be brief.", wantTools: webSearch, wantMax: 7,
			wantMeta: map[string]any{"deepr_job_id": "job-2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := fakeopenai.NewHandler(fakeopenai.Options{APIKey: testKey})
			rec := &headerRecorder{}
			ts := httptest.NewServer(rec.wrap(fake.Handler()))
			defer ts.Close()
			p := New(Config{APIKey: testKey, BaseURL: ts.URL + "/v1", OrgID: "org-cfg"})

			id, err := p.Submit(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("Submit: %v", err)
			}
			if !strings.HasPrefix(id, "resp_") {
				t.Errorf("id = %q, want a resp_ id", id)
			}
			bodies := fake.CreateRequests()
			if len(bodies) != 1 {
				t.Fatalf("fake received %d create bodies, want 1", len(bodies))
			}
			var got map[string]any
			if err := json.Unmarshal(bodies[0], &got); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"model":          tt.wantModel,
				"input":          tt.req.Prompt,
				"background":     true,
				"store":          true,
				"instructions":   tt.wantInstr,
				"tools":          tt.wantTools,
				"max_tool_calls": tt.wantMax,
				"reasoning":      map[string]any{"summary": "auto"},
				"metadata":       tt.wantMeta,
			}
			if !reflect.DeepEqual(got, want) {
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(want)
				t.Errorf("create body:\n got  %s\n want %s", gj, wj)
			}
			h := rec.headers[0]
			if a := h.Get("Authorization"); a != "Bearer "+testKey {
				t.Errorf("Authorization = %q, want the configured key", a)
			}
			if o := h.Get("OpenAI-Organization"); o != "org-cfg" {
				t.Errorf("OpenAI-Organization = %q, want org-cfg", o)
			}
			if pr := h.Get("OpenAI-Project"); pr != "" {
				t.Errorf("OpenAI-Project = %q, want none (not configured; env must be ignored)", pr)
			}
			if x := h.Get("X-From-Env"); x != "" {
				t.Errorf("header from OPENAI_CUSTOM_HEADERS was sent: %q", x)
			}
		})
	}
}

func TestSubmitCreateFailures(t *testing.T) {
	tests := []struct {
		marker      string
		want        provider.Kind
		wantCreated int // responses the fake created
		wantStatus  int
		wantInMsg   string
	}{
		{"[[fake:create500]]", provider.KindAmbiguous, 1, 500, "not retried automatically"},
		{"[[fake:create503]]", provider.KindAmbiguous, 0, 503, "may have reached OpenAI"},
		{"[[fake:create-drop]]", provider.KindAmbiguous, 1, 0, "not retried automatically"},
		{"[[fake:quota]]", provider.KindQuota, 0, 429, "platform.openai.com/settings/organization/billing"},
		{"[[fake:badrequest]]", provider.KindRejected, 0, 400, "the fake was asked to reject this request"},
	}
	for _, tt := range tests {
		t.Run(tt.marker, func(t *testing.T) {
			fake, p := setup(t, 3)
			_, err := p.Submit(context.Background(), provider.Request{JobID: "j", Prompt: "question " + tt.marker, WebSearch: true})
			pe := wantKind(t, err, tt.want)
			if pe.HTTPStatus != tt.wantStatus {
				t.Errorf("HTTPStatus = %d, want %d", pe.HTTPStatus, tt.wantStatus)
			}
			if pe.Op != "create" {
				t.Errorf("Op = %q, want create", pe.Op)
			}
			if !strings.Contains(pe.Message, tt.wantInMsg) {
				t.Errorf("message %q does not contain %q", pe.Message, tt.wantInMsg)
			}
			if n := len(fake.CreateRequests()); n != 1 {
				t.Errorf("create was sent %d times, want exactly once (no SDK retry)", n)
			}
			if n := fake.Creates(); n != tt.wantCreated {
				t.Errorf("fake created %d responses, want %d", n, tt.wantCreated)
			}
		})
	}
}

func TestSubmitRateLimitHonoursRetryAfter(t *testing.T) {
	fake, p := setup(t, 3)
	req := provider.Request{JobID: "j", Prompt: "busy [[fake:ratelimit]]", WebSearch: true}
	_, err := p.Submit(context.Background(), req)
	pe := wantKind(t, err, provider.KindRateLimited)
	if pe.RetryAfter != time.Second {
		t.Errorf("RetryAfter = %s, want 1s from the Retry-After header", pe.RetryAfter)
	}
	if pe.Code != "rate_limit_exceeded" || pe.HTTPStatus != 429 {
		t.Errorf("Code/HTTPStatus = %q/%d, want rate_limit_exceeded/429", pe.Code, pe.HTTPStatus)
	}
	if n := len(fake.CreateRequests()); n != 1 {
		t.Fatalf("create sent %d times on 429, want once (the worker does the waiting)", n)
	}
	if _, err := p.Submit(context.Background(), req); err != nil {
		t.Fatalf("second submit after the rate limit: %v", err)
	}
	if n := fake.CreatesFor("j"); n != 1 {
		t.Errorf("CreatesFor = %d, want 1", n)
	}
}

func TestAuthFailuresNeverShowTheKey(t *testing.T) {
	fake, _ := setup(t, 3)
	const wrong = "sk-wrong-key-should-not-leak-1234"
	p := New(Config{APIKey: wrong, BaseURL: fake.URL()})
	ctx := context.Background()
	calls := map[string]error{}
	_, calls["create"] = p.Submit(ctx, provider.Request{Prompt: "q", WebSearch: true})
	_, calls["get"] = p.Fetch(ctx, "resp_x")
	calls["cancel"] = p.Cancel(ctx, "resp_x")
	calls["check"] = p.CheckKey(ctx)
	for op, err := range calls {
		pe := wantKind(t, err, provider.KindAuth)
		if pe.HTTPStatus != 401 || pe.Code != "invalid_api_key" {
			t.Errorf("%s: HTTPStatus/Code = %d/%q, want 401/invalid_api_key", op, pe.HTTPStatus, pe.Code)
		}
		if strings.Contains(pe.Error(), wrong) || strings.Contains(pe.Message, wrong) {
			t.Errorf("%s: message shows the key: %q", op, pe.Error())
		}
		if !strings.Contains(pe.Message, "Settings") {
			t.Errorf("%s: message %q does not say what to do", op, pe.Message)
		}
	}
	if fake.Creates() != 0 {
		t.Errorf("a create with a wrong key created a response")
	}
}

func TestNoKeySendsNothing(t *testing.T) {
	fake, _ := setup(t, 3)
	p := New(Config{BaseURL: fake.URL()})
	_, err := p.Submit(context.Background(), provider.Request{Prompt: "q"})
	wantKind(t, err, provider.KindAuth)
	wantKind(t, p.CheckKey(context.Background()), provider.KindAuth)
	if n := len(fake.CreateRequests()); n != 0 {
		t.Errorf("%d creates sent without a key, want 0", n)
	}
}

func TestCheckKeyAndRotation(t *testing.T) {
	fake, p := setup(t, 3)
	if err := p.CheckKey(context.Background()); err != nil {
		t.Fatalf("CheckKey with the right key: %v", err)
	}
	fake.SetAPIKey("sk-rotated-key-0002")
	wantKind(t, p.CheckKey(context.Background()), provider.KindAuth)
	p2 := New(Config{APIKey: "sk-rotated-key-0002", BaseURL: fake.URL()})
	if err := p2.CheckKey(context.Background()); err != nil {
		t.Fatalf("CheckKey with the rotated key: %v", err)
	}
}

func TestFetchLifecycle(t *testing.T) {
	fake, p := setup(t, 3)
	ctx := context.Background()
	id, err := p.Submit(ctx, provider.Request{JobID: "j1", Prompt: "Solar and wind growth", WebSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	s1, err := p.Fetch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if s1.ID != id || s1.Status != provider.StatusInProgress {
		t.Fatalf("first fetch: id %q status %q, want %q in_progress", s1.ID, s1.Status, id)
	}
	if s1.Progress.Steps != 2 || s1.Progress.Searches != 1 || s1.Progress.Summary == "" || s1.Report != "" {
		t.Errorf("first fetch progress = %+v report %q, want 2 steps, 1 search, a summary and no report", s1.Progress, s1.Report)
	}
	if _, err := p.Fetch(ctx, id); err != nil {
		t.Fatal(err)
	}
	s3, err := p.Fetch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if s3.Status != provider.StatusCompleted {
		t.Fatalf("third fetch status = %q, want completed", s3.Status)
	}
	if !strings.HasPrefix(s3.Report, "# Solar and wind growth") || !strings.Contains(s3.Report, "## Findings") {
		t.Errorf("report = %q, want the markdown report", s3.Report)
	}
	if len(s3.Citations) != 3 {
		t.Fatalf("citations = %+v, want 3", s3.Citations)
	}
	runes := []rune(s3.Report)
	for i, c := range s3.Citations {
		if c.Index != i+1 || !strings.HasPrefix(c.URL, "https://") || c.Title == "" {
			t.Errorf("citation %d = %+v, want index %d, https url, title", i, c, i+1)
		}
		if c.Start < 0 || c.End > len(runes) || c.Start >= c.End {
			t.Errorf("citation %d range [%d,%d) outside the report", i, c.Start, c.End)
		}
	}
	if got := string(runes[s3.Citations[0].Start:s3.Citations[0].End]); got != "grew by about a third in 2025" {
		t.Errorf("first cited span = %q", got)
	}
	if s3.Progress.Searches != 3 || s3.Progress.Pages != 2 || s3.Usage.WebSearchCalls != 3 {
		t.Errorf("progress %+v, web search calls %d: want 3 searches, 2 distinct pages, 3 calls",
			s3.Progress, s3.Usage.WebSearchCalls)
	}
	if s3.Usage.InputTokens == 0 || s3.Usage.CachedTokens != 300 || s3.Usage.OutputTokens == 0 || s3.Usage.ReasoningTokens == 0 {
		t.Errorf("usage = %+v, want all fields set", s3.Usage)
	}
	if Cost(DefaultModel, s3.Usage) <= 0 {
		t.Errorf("cost of a completed run = 0")
	}
	if !json.Valid(s3.Raw) || !strings.Contains(string(s3.Raw), id) {
		t.Errorf("Raw is not the response JSON: %.80s", s3.Raw)
	}
	if n := fake.Gets(id); n != 3 {
		t.Errorf("fake saw %d GETs, want 3", n)
	}
}

func TestFetchTerminalVariants(t *testing.T) {
	tests := []struct {
		marker string
		check  func(t *testing.T, s provider.Snapshot)
	}{
		{"[[fake:fail]]", func(t *testing.T, s provider.Snapshot) {
			if s.Status != provider.StatusFailed || s.ErrorCode != "server_error" || s.ErrorMessage == "" || s.Report != "" {
				t.Errorf("failed snapshot: status %q code %q msg %q report %q", s.Status, s.ErrorCode, s.ErrorMessage, s.Report)
			}
		}},
		{"[[fake:incomplete]]", func(t *testing.T, s provider.Snapshot) {
			if s.Status != provider.StatusIncomplete || s.IncompleteReason != "max_output_tokens" || s.Report == "" || len(s.Citations) != 1 {
				t.Errorf("incomplete snapshot: status %q reason %q report %q citations %d",
					s.Status, s.IncompleteReason, s.Report, len(s.Citations))
			}
		}},
		{"[[fake:empty]]", func(t *testing.T, s provider.Snapshot) {
			if s.Status != provider.StatusCompleted || s.Report != "" || len(s.Citations) != 0 {
				t.Errorf("empty snapshot: status %q report %q", s.Status, s.Report)
			}
		}},
		{"[[fake:hostile]]", func(t *testing.T, s provider.Snapshot) {
			if !strings.Contains(s.Report, "<script>window.__pwned=1</script>") || len(s.Citations) != 2 ||
				!strings.HasPrefix(s.Citations[0].URL, "javascript:") || !strings.HasPrefix(s.Citations[1].URL, "https://") {
				t.Errorf("hostile snapshot: report %q citations %+v", s.Report, s.Citations)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.marker, func(t *testing.T) {
			_, p := setup(t, 1)
			id, err := p.Submit(context.Background(), provider.Request{Prompt: "q " + tt.marker, WebSearch: true})
			if err != nil {
				t.Fatal(err)
			}
			s, err := p.Fetch(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, s)
		})
	}
}

func TestFetchUnicodeCitationOffsets(t *testing.T) {
	_, p := setup(t, 1)
	id, err := p.Submit(context.Background(), provider.Request{Prompt: "[[fake:unicode]] énergie", WebSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := p.Fetch(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		span  string
		index int
	}{
		{"doubled in 2025", 1},
		{"wind followed", 2},
		{"solar doubled", 1}, // second part, same URL as the first
	}
	if len(s.Citations) != len(want) {
		t.Fatalf("citations = %+v, want %d", s.Citations, len(want))
	}
	runes := []rune(s.Report)
	for i, w := range want {
		c := s.Citations[i]
		if c.End > len(runes) || c.Start > c.End {
			t.Fatalf("citation %d range [%d,%d) outside report of %d characters", i, c.Start, c.End, len(runes))
		}
		if got := string(runes[c.Start:c.End]); got != w.span || c.Index != w.index {
			t.Errorf("citation %d = %q index %d, want %q index %d", i, got, c.Index, w.span, w.index)
		}
	}
}

func TestFetchErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("unknown id is not-found", func(t *testing.T) {
		_, p := setup(t, 3)
		_, err := p.Fetch(ctx, "resp_nope")
		pe := wantKind(t, err, provider.KindNotFound)
		if pe.HTTPStatus != 404 || !strings.Contains(pe.Message, "no longer has this response") {
			t.Errorf("404 error = %v", pe)
		}
	})
	t.Run("gone after first poll", func(t *testing.T) {
		_, p := setup(t, 3)
		id, _ := p.Submit(ctx, provider.Request{Prompt: "[[fake:gone]]", WebSearch: true})
		if _, err := p.Fetch(ctx, id); err != nil {
			t.Fatalf("first fetch: %v", err)
		}
		_, err := p.Fetch(ctx, id)
		wantKind(t, err, provider.KindNotFound)
	})
	t.Run("dropped connection is transient", func(t *testing.T) {
		fake, p := setup(t, 3)
		id, _ := p.Submit(ctx, provider.Request{Prompt: "[[fake:getdrop]]", WebSearch: true})
		_, err := p.Fetch(ctx, id)
		pe := wantKind(t, err, provider.KindTransient)
		if pe.Op != "get" || pe.HTTPStatus != 0 {
			t.Errorf("drop error = %+v", pe)
		}
		if s, err := p.Fetch(ctx, id); err != nil || s.Status != provider.StatusInProgress {
			t.Errorf("fetch after the drop: %v %q", err, s.Status)
		}
		if n := fake.Gets(id); n != 2 {
			t.Errorf("GETs = %d, want 2 (no SDK retry)", n)
		}
	})
	t.Run("500 on get is transient", func(t *testing.T) {
		_, p := setup(t, 3)
		id, _ := p.Submit(ctx, provider.Request{Prompt: "[[fake:get500]]", WebSearch: true})
		_, err := p.Fetch(ctx, id)
		pe := wantKind(t, err, provider.KindTransient)
		if pe.HTTPStatus != 500 {
			t.Errorf("HTTPStatus = %d, want 500", pe.HTTPStatus)
		}
		if _, err := p.Fetch(ctx, id); err != nil {
			t.Errorf("the next GET should work: %v", err)
		}
	})
	t.Run("empty id", func(t *testing.T) {
		_, p := setup(t, 3)
		_, err := p.Fetch(ctx, "")
		wantKind(t, err, provider.KindNotFound)
	})
}

func TestCancel(t *testing.T) {
	_, p := setup(t, 3)
	ctx := context.Background()
	id, err := p.Submit(ctx, provider.Request{Prompt: "q", WebSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := p.Cancel(ctx, id); err != nil {
			t.Fatalf("cancel #%d: %v (want idempotent)", i+1, err)
		}
	}
	s, err := p.Fetch(ctx, id)
	if err != nil || s.Status != provider.StatusCancelled {
		t.Errorf("after cancel: %v status %q, want cancelled", err, s.Status)
	}
	wantKind(t, p.Cancel(ctx, "resp_unknown"), provider.KindNotFound)
}

func TestConnectionRefusedIsNotSent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := New(Config{APIKey: testKey, BaseURL: "http://" + addr + "/v1"})
	ctx := context.Background()
	_, err = p.Submit(ctx, provider.Request{Prompt: "q", WebSearch: true})
	wantKind(t, err, provider.KindNotSent)
	_, err = p.Fetch(ctx, "resp_1")
	wantKind(t, err, provider.KindNotSent)
	wantKind(t, p.CheckKey(ctx), provider.KindNotSent)
}

func TestSubmitTimeoutIsAmbiguous(t *testing.T) {
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer ts.Close()
	defer close(release)
	p := New(Config{APIKey: testKey, BaseURL: ts.URL + "/v1", RequestTimeout: 20 * time.Millisecond})
	_, err := p.Submit(context.Background(), provider.Request{Prompt: "q", WebSearch: true})
	pe := wantKind(t, err, provider.KindAmbiguous)
	if !strings.Contains(pe.Message, "timed out") {
		t.Errorf("message %q does not say it timed out", pe.Message)
	}
	_, err = p.Fetch(context.Background(), "resp_1")
	wantKind(t, err, provider.KindTransient)
}

func TestSubmitWithDoneContextSendsNothing(t *testing.T) {
	fake, p := setup(t, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.Submit(ctx, provider.Request{Prompt: "q", WebSearch: true})
	wantKind(t, err, provider.KindNotSent)
	if n := len(fake.CreateRequests()); n != 0 {
		t.Errorf("%d creates sent with a cancelled context", n)
	}
}
