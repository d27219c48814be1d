// Package fakegemini is an in-process fake of the Gemini Interactions API
// running the Deep Research agent in background mode, for tests and demos.
// It speaks the real wire format: Interaction objects with the steps[]
// timeline, url_citation annotations measured in BYTES, usage totals with
// grounding_tool_count, and Google's error body
// {"error":{"code":int,"message","status","details"}}.
//
// Routes (relative to URL(), which a client uses as GEMINI_BASE_URL):
//
//	POST   /v1beta/interactions              create (agent, input, background: true, store: true, labels)
//	GET    /v1beta/interactions/{id}         poll it (the whole timeline, from the user_input step)
//	POST   /v1beta/interactions/{id}/cancel  cancel a running one (400 FAILED_PRECONDITION when finished)
//	DELETE /v1beta/interactions/{id}         forget it
//	GET    /v1beta/models                    list models (what a key check reads)
//	POST   /v1beta/models/{m}:generateContent the helper model's plain call (see generate.go)
//
// A create naming the agent Gemini shut down on 2026-10-23
// (deep-research-pro-preview-12-2025) is refused as the live API refuses
// it: 404 NOT_FOUND, nothing created. The labels a create sends are
// echoed by every answer about the interaction; InteractionsFor finds the
// interactions labelled with a job id.
//
// When Options.APIKey is set, a request whose x-goog-api-key differs gets
// Google's 400 INVALID_ARGUMENT with reason API_KEY_INVALID (403
// PERMISSION_DENIED when the header is missing), before anything else.
//
// Lifecycle: a create answers status "queued" with no steps. Each
// successful GET advances one step: GETs 1 .. StepsToFinish-1 answer
// "in_progress" with a growing timeline of thought, google_search_call /
// _result and url_context_call / _result steps; GET number StepsToFinish
// answers the terminal state (by default "completed" with a model_output
// step holding the report). Finish(id) makes the next GET terminal; End(id)
// ends it at once, as a run ends on its own while nobody polls. Runs lists
// every interaction made and what each bills; SetAPIKey revokes the key
// clients hold. A GET
// of a cancelled interaction reports the usage it used before it stopped
// (it is billed); the cancel's own answer has none.
//
// Markers anywhere in the input choose the behaviour:
//
//	[[fake:fail]]            terminal failed, with errors[] and a model_output error
//	[[fake:incomplete]]      terminal incomplete with a partial report
//	[[fake:budget]]          terminal budget_exceeded with a partial report
//	[[fake:requires-action]] stops at requires_action with a plan to confirm
//	[[fake:continuation]]    stops at requires_continuation
//	[[fake:strange]]         terminal status "paused_for_review", which no client knows
//	[[fake:empty]]           completed with no model_output step
//	[[fake:create500]]       create stores the interaction (counted) but answers 500
//	[[fake:create503]]       create answers 503 UNAVAILABLE and stores nothing
//	[[fake:create-drop]]     create stores the interaction, then drops the connection
//	[[fake:ratelimit]]       the first create for this exact input answers 429
//	                         RESOURCE_EXHAUSTED with Retry-After: 1; later ones succeed
//	[[fake:quota]]           create answers 429 RESOURCE_EXHAUSTED: prepayment credits depleted
//	[[fake:badrequest]]      create answers 400 INVALID_ARGUMENT
//	[[fake:get500]]          odd-numbered GETs answer 500; even ones work
//	[[fake:get503]]          the first GET answers 503, later ones work
//	[[fake:get429]]          the first GET answers 429 with Retry-After: 2
//	[[fake:getdrop]]         the first GET drops the connection mid-answer
//	[[fake:gone]]            GETs after the first in_progress one answer 404 NOT_FOUND
//	[[fake:hostile]]         report with script and javascript: payloads
//	[[fake:unicode]]         report with é, 中文 and emoji before and inside cited spans
//	[[fake:slow]]            needs 5 x StepsToFinish GETs
//	[[fake:bytes-N]]         a completed report of about N bytes, cited about every 1.7 KB
//
// Failed GETs do not advance an interaction. Every method of Server is safe
// for concurrent use.
package fakegemini

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
)

// Options configure a fake server.
type Options struct {
	// APIKey, if set, is the only key accepted.
	APIKey string
	// StepsToFinish is the number of the GET that answers the terminal
	// state (default 3).
	StepsToFinish int
	// Now is the clock for created and updated (default time.Now).
	Now func() time.Time
}

// Server is a fake Interactions API. Create it with New or NewHandler.
type Server struct {
	ts      *httptest.Server
	handler http.Handler
	now     func() time.Time
	steps   int

	mu          sync.Mutex
	apiKey      string
	seq         int
	items       map[string]*interaction
	creates     int
	bodies      []json.RawMessage
	headers     []http.Header
	gets        map[string]int
	rateLimited map[string]bool
	generates   []json.RawMessage // generateContent bodies (generate.go)
}

// New starts a fake server on a loopback port. Call Close to stop it.
func New(o Options) *Server {
	s := NewHandler(o)
	s.ts = httptest.NewServer(s.handler)
	return s
}

// NewHandler returns a fake server that does not listen: serve Handler()
// yourself. URL returns "" for such a server.
func NewHandler(o Options) *Server {
	s := &Server{now: o.Now, steps: o.StepsToFinish, apiKey: o.APIKey,
		items: map[string]*interaction{}, gets: map[string]int{}, rateLimited: map[string]bool{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.steps <= 0 {
		s.steps = 3
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1beta/interactions", s.create)
	mux.HandleFunc("GET /v1beta/interactions/{id}", s.get)
	mux.HandleFunc("POST /v1beta/interactions/{id}/cancel", s.cancel)
	mux.HandleFunc("DELETE /v1beta/interactions/{id}", s.delete)
	mux.HandleFunc("GET /v1beta/models", s.models)
	mux.HandleFunc("POST /v1beta/models/{call}", s.generate) // {model}:generateContent, the helper model
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("Method not found: %s %s", r.Method, r.URL.Path))
	})
	s.handler = s.authenticate(mux)
	return s
}

// URL is the server's root, used as GEMINI_BASE_URL ("" when not listening).
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL
}

// Handler serves the fake API.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the listening server, if any.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.CloseClientConnections()
		s.ts.Close()
	}
}

// Creates is the number of creates that stored an interaction (including
// create500 and create-drop, which store one and then fail).
func (s *Server) Creates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates
}

// CreateRequests returns the body of every authenticated create, in order.
func (s *Server) CreateRequests() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]json.RawMessage, len(s.bodies))
	for i, b := range s.bodies {
		out[i] = append(json.RawMessage(nil), b...)
	}
	return out
}

// CreateHeaders returns the headers of every authenticated create, in order.
func (s *Server) CreateHeaders() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]http.Header, len(s.headers))
	for i, h := range s.headers {
		out[i] = h.Clone()
	}
	return out
}

// Gets is the number of GETs received for id, failed ones included.
func (s *Server) Gets(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets[id]
}

// Finish makes interaction id terminal on its next successful GET.
func (s *Server) Finish(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it, ok := s.items[id]; ok {
		it.finishNext = true
	}
}

func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		key := s.apiKey
		s.mu.Unlock()
		got := r.Header.Get("X-Goog-Api-Key")
		switch {
		case key == "" || got == key:
			next.ServeHTTP(w, r)
		case got == "":
			writeError(w, http.StatusForbidden, "PERMISSION_DENIED",
				"Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.")
		default:
			fakehttp.WriteJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{
				"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT",
				"details": []any{map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
					"reason": "API_KEY_INVALID", "domain": "googleapis.com"}},
			}})
		}
	})
}

// writeError writes Google's error body.
func writeError(w http.ResponseWriter, code int, status, msg string) {
	fakehttp.WriteJSON(w, code, map[string]any{"error": map[string]any{"code": code, "message": msg, "status": status}})
}

func notFound(w http.ResponseWriter, id string) {
	writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("Interaction %s not found.", id))
}
