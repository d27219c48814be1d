// Package fakeperplexity is an in-process fake of Perplexity's two
// deep-research APIs, for tests and demos, in their real wire formats:
//
//   - the Agent API in background mode: response objects with lower-case
//     statuses (queued, in_progress, completed, failed, cancelled,
//     requires_action), a search_results output item and a message whose
//     output_text parts carry url_citation annotations with CHARACTER
//     offsets, and usage with its cost in USD (usage.cost.total_cost);
//   - the async Sonar API: async request objects with upper-case statuses,
//     a chat completion whose content starts with a <think> block and cites
//     sources with [n] markers, citations and search_results lists, and
//     usage with its cost in USD.
//
// Routes (relative to URL(), which a client uses as PERPLEXITY_BASE_URL):
//
//	POST /v1/agent (alias /v1/responses) create a response ({preset | model, input, background: true, previous_response_id})
//	GET  /v1/responses/{id} (alias /v1/agent/{id}) poll it
//	POST /async/chat/completions        create ({"request": {model, messages}, "idempotency_key"})
//	GET  /async/chat/completions/{id}   poll it
//	GET  /async/chat/completions        list requests
//
// RetireAsync makes every async route answer 404 or 410, as when
// Perplexity retires that API. The Agent API takes no idempotency key: a
// create fault hits the first create of a prompt. There is no cancel
// endpoint, as at Perplexity. A create repeating an
// idempotency_key already seen answers the request made the first time and
// creates nothing. When Options.APIKey is set, a request without
// "Authorization: Bearer <key>" gets 401 before anything else.
//
// Lifecycle: a create answers status CREATED (queued). Each successful GET
// advances one step: GETs 1 .. StepsToFinish-1 answer IN_PROGRESS
// (in_progress), GET number StepsToFinish answers COMPLETED with the
// report (or FAILED; on the Agent API also cancelled or requires_action). End(id)
// ends a request at once, as a run ends on its own while nobody polls
// (nobody can stop it: there is no cancel). Runs lists every request made
// and what each bills; SetAPIKey revokes the key clients hold.
//
// Markers in the user message choose the behaviour. The create faults hit
// only the FIRST create for an idempotency key (or for the exact prompt,
// when there is no key), so a retry with the same key succeeds:
//
//	[[fake:create500]]        stores the request (counted), then answers 500
//	[[fake:create503]]        answers 503 and stores nothing
//	[[fake:create-drop]]      stores the request, then drops the connection unanswered
//	[[fake:create500-always]] every create answers 500 (the first one stores the request)
//	[[fake:ratelimit]]        answers 429 with Retry-After: 1
//	[[fake:quota]]            every create answers 402: out of credits
//	[[fake:badrequest]]       every create answers 400
//	[[fake:fail]]             terminal FAILED with an error_message (Agent API: failed with an error)
//	[[fake:empty]]            COMPLETED with empty content
//	[[fake:length]]           async: COMPLETED, the completion cut at its length limit (finish_reason "length")
//	[[fake:cancelled]]        Agent API: cancelled at Perplexity, a partial report and its usage
//	[[fake:requires-action]]  Agent API: requires_action, a question as the text
//	[[fake:get500]]           odd-numbered GETs answer 500
//	[[fake:get429]]           the first GET answers 429 with Retry-After: 2
//	[[fake:getdrop]]          the first GET drops the connection mid-answer
//	[[fake:gone]]             GETs after the first IN_PROGRESS one answer 404
//	[[fake:hostile]]          report with script and javascript: payloads
//	[[fake:unicode]]          report with é, 中文 and emoji before and inside cited text
//	[[fake:slow]]             needs 5 x StepsToFinish GETs
//	[[fake:bytes-N]]          a completed report of about N bytes, cited about every 1.7 KB
//
// Every method of Server is safe for concurrent use.
package fakeperplexity

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
	// Now is the clock for created_at and friends (default time.Now).
	Now func() time.Time
}

// Server is a fake async Sonar API. Create it with New or NewHandler.
type Server struct {
	ts      *httptest.Server
	handler http.Handler
	now     func() time.Time
	steps   int

	mu       sync.Mutex
	apiKey   string
	seq      int
	requests map[string]*request
	byKey    map[string]string // idempotency key -> request id
	faulted  map[string]bool   // keys (or prompts) whose first create already failed
	creates  int
	bodies   []json.RawMessage
	gets     map[string]int

	runs         map[string]*agentRun // Agent API responses by id
	asyncRetired int                  // RetireAsync's status (0: the async API answers)
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
	s := &Server{now: o.Now, steps: o.StepsToFinish, apiKey: o.APIKey, requests: map[string]*request{},
		byKey: map[string]string{}, faulted: map[string]bool{}, gets: map[string]int{}, runs: map[string]*agentRun{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.steps <= 0 {
		s.steps = 3
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /async/chat/completions", s.create)
	mux.HandleFunc("GET /async/chat/completions/{id}", s.get)
	mux.HandleFunc("GET /async/chat/completions", s.list)
	mux.HandleFunc("POST /v1/agent", s.agentCreate)
	mux.HandleFunc("POST /v1/responses", s.agentCreate)
	mux.HandleFunc("GET /v1/responses/{id}", s.agentGet)
	mux.HandleFunc("GET /v1/agent/{id}", s.agentGet)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("Not Found: %s %s", r.Method, r.URL.Path))
	})
	s.handler = s.authenticate(s.retiredAsync(mux))
	return s
}

// URL is the server's root, used as PERPLEXITY_BASE_URL ("" when not listening).
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

// Creates is the number of requests created (a repeated idempotency key
// creates nothing; create500 and create-drop create and then fail).
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

// Gets is the number of GETs received for id, failed ones included.
func (s *Server) Gets(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets[id]
}

func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		key := s.apiKey
		s.mu.Unlock()
		if key != "" && r.Header.Get("Authorization") != "Bearer "+key {
			writeError(w, http.StatusUnauthorized, "invalid_api_key",
				"Invalid API key provided. You can find your API key at https://www.perplexity.ai/settings/api.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// writeError writes Perplexity's error body.
func writeError(w http.ResponseWriter, code int, typ, msg string) {
	fakehttp.WriteJSON(w, code, map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": code}})
}
