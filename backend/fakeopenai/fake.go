// Package fakeopenai is an in-process fake of the OpenAI Responses API in
// background mode, for tests and demos. It speaks the real wire format (full
// Response objects, {"error":{message,type,param,code}} bodies) so the
// official SDK can be pointed at it with option.WithBaseURL(s.URL()).
//
// Routes (relative to URL(), which ends in /v1):
//
//	POST   /v1/responses              create a background response (status queued)
//	GET    /v1/responses/{id}         poll it
//	POST   /v1/responses/{id}/cancel  cancel it (idempotent)
//	DELETE /v1/responses/{id}         forget it
//	GET    /v1/models                 list the two deep-research models
//	GET    /v1/models/{id}            one model, with its shutdown_date (models.go)
//
// When Options.APIKey (or SetAPIKey) is set, every request without
// "Authorization: Bearer <key>" gets 401 invalid_api_key; that check comes
// before anything else. An unknown id gets 404 with OpenAI's message.
//
// Lifecycle: a create answers status "queued" with no output. Each
// successful GET advances the response one step: GETs 1 .. StepsToFinish-1
// answer "in_progress" with a growing list of reasoning and web_search_call
// items; GET number StepsToFinish answers the terminal state (by default
// "completed" with a markdown report, three url_citation annotations and
// usage). Finish(id) makes the next GET terminal; End(id) ends it at once,
// as a run ends on its own while nobody polls. A cancelled or deleted
// response stays that way. A response makes at most its max_tool_calls
// tool calls (web_search_call items), as OpenAI honours the limit. Runs
// lists every response made and what each bills (for tests that compare
// it with what Deepr recorded). A cancel answers the response with usage null,
// as OpenAI does; a GET of a cancelled response reports the usage it used
// before it stopped (it is billed).
//
// Behaviour per response is chosen by markers anywhere in the prompt:
//
//	[[fake:fail]]        terminal status failed, error {code:"server_error"}
//	[[fake:incomplete]]  terminal status incomplete, reason max_output_tokens, partial text
//	[[fake:empty]]       completed (or, with incomplete, incomplete) with no message item
//	[[fake:create500]]   create stores the response (counted) but answers 500
//	[[fake:create503]]   create answers 503 and stores nothing
//	[[fake:create-drop]] create stores the response, then drops the connection unanswered
//	[[fake:ratelimit]]   the first create for this exact prompt answers 429
//	                     rate_limit_exceeded with Retry-After: 1; later ones succeed
//	[[fake:quota]]       create answers 429 insufficient_quota (always)
//	[[fake:badrequest]]  create answers 400 invalid_request_error with a message
//	[[fake:model-gone]]  create answers 404 model_not_found (as for Options.GoneModels)
//	[[fake:get500]]      odd-numbered GETs (1st, 3rd, ...) answer 500; even ones work
//	[[fake:getdrop]]     the first GET drops the connection in the middle of its answer
//	[[fake:gone]]        GETs after the first in_progress GET answer 404
//	[[fake:hostile]]     completed report carrying script, onerror, javascript: link and
//	                     iframe payloads, plus a javascript: citation and an https one
//	[[fake:unicode]]     report with é, 中文 and emoji before the cited spans, split over
//	                     two output_text parts, with correct character offsets
//	[[fake:slow]]        needs 5 x StepsToFinish GETs
//	[[fake:bytes-N]]     a completed report of about N bytes, cited about every 1.7 KB
//	[[fake:still]]       while in progress, every GET answers the same single step
//	                     (nothing new for the poller to write)
//	[[fake:long]]        a plain (helper) request's answer bills every output token
//	                     its max_output_tokens allows
//	[[fake:cancel-usage-late]] the first GET after a cancel answers usage null
//	                     (not final yet); later GETs report it
//
// A create with previous_response_id naming a response the fake does not
// have (never made, deleted or Expire'd) answers 400
// previous_response_not_found, param previous_response_id, as OpenAI does.
//
// A create without "background": true is answered at once, finished, as
// the helper model's calls are (see answerNow); the markers that refuse a
// create (quota, badrequest, create503, ratelimit) apply to it too.
//
// Failed GETs (500, dropped) do not advance a response. Every method of
// Server is safe for concurrent use.
//
// Azure mode (Options.Azure) serves the same routes under /openai/v1/ (the
// v1 Azure OpenAI API), authenticates with the "api-key" header instead of
// Authorization, and answers a bad key with Azure's 401 body
// {"error":{"code":"401","message":"Access denied ..."}}. Endpoint() is then
// the resource endpoint a client appends /openai/v1/ to.
package fakeopenai

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"
)

// Options configure a fake server.
type Options struct {
	// APIKey, if set, is the only key accepted; other requests get 401.
	APIKey string
	// StepsToFinish is the number of the GET that answers the terminal
	// state (default 3): earlier GETs answer in_progress.
	StepsToFinish int
	// Now is the clock for created_at and completed_at (default time.Now).
	Now func() time.Time
	// Azure serves the Azure OpenAI v1 API instead (see the package doc).
	Azure bool
	// IDPrefix starts every response id (default "resp_fake", then six
	// digits), so two fakes in one test (OpenAI and Azure) never make the
	// same id.
	IDPrefix string
	// ShutdownDates are the models' shutdown_date (YYYY-MM-DD) that GET
	// /v1/models/{id} answers (null for a model not listed); GoneModels
	// are models it no longer has: creates for them answer 404
	// model_not_found (see models.go).
	ShutdownDates map[string]string
	GoneModels    []string
}

// Server is a fake Responses API. Create it with New or NewHandler.
type Server struct {
	ts      *httptest.Server
	handler http.Handler
	now     func() time.Time
	steps   int
	azure   bool
	prefix  string // "/v1" or "/openai/v1"
	ids     string // response ids are ids + six digits

	mu          sync.Mutex
	apiKey      string
	seq         int
	responses   map[string]*response
	creates     int
	bodies      []json.RawMessage
	createsFor  map[string]int
	gets        map[string]int
	rateLimited map[string]bool
	order       []*response // every response created, plain ones included, in order

	helperCreates int
	shutdown      map[string]string // model id -> shutdown_date
	gone          []string          // models that answer model_not_found
	modelGets     map[string]int    // model id -> GET /v1/models/{id}
}

// New starts a fake server listening on a loopback port. Call Close to stop it.
func New(o Options) *Server {
	s := NewHandler(o)
	s.ts = httptest.NewServer(s.handler)
	return s
}

// NewHandler returns a fake server that does not listen: serve
// Handler() yourself. URL returns "" for such a server.
func NewHandler(o Options) *Server {
	s := &Server{
		now:         o.Now,
		steps:       o.StepsToFinish,
		azure:       o.Azure,
		prefix:      "/v1",
		apiKey:      o.APIKey,
		responses:   map[string]*response{},
		createsFor:  map[string]int{},
		gets:        map[string]int{},
		rateLimited: map[string]bool{},
		shutdown:    map[string]string{},
		gone:        slices.Clone(o.GoneModels),
		modelGets:   map[string]int{},
	}
	maps.Copy(s.shutdown, o.ShutdownDates)
	if s.now == nil {
		s.now = time.Now
	}
	if s.steps <= 0 {
		s.steps = 3
	}
	if s.ids = o.IDPrefix; s.ids == "" {
		s.ids = "resp_fake"
	}
	if s.azure {
		s.prefix = "/openai/v1"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+s.prefix+"/responses", s.create)
	mux.HandleFunc("GET "+s.prefix+"/responses/{id}", s.get)
	mux.HandleFunc("POST "+s.prefix+"/responses/{id}/cancel", s.cancel)
	mux.HandleFunc("DELETE "+s.prefix+"/responses/{id}", s.delete)
	mux.HandleFunc("GET "+s.prefix+"/models", s.models)
	mux.HandleFunc("GET "+s.prefix+"/models/{id}", s.model)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "invalid_request_error", "", "",
			fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path))
	})
	s.handler = s.authenticate(mux)
	return s
}

// URL is the base URL including /v1 (Azure mode: /openai/v1), ready for an
// SDK base URL option.
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL + s.prefix
}

// Endpoint is the server's root, as an Azure resource endpoint
// (https://RESOURCE.openai.azure.com) is written; "" when not listening.
func (s *Server) Endpoint() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL
}

// Handler serves the fake API (paths start with /v1/, or /openai/v1/).
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the listening server, if any, and waits for open requests.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.CloseClientConnections()
		s.ts.Close()
	}
}

// Creates is the number of POST /v1/responses that created a response
// (including create500 and create-drop, which create and then fail).
func (s *Server) Creates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates
}

// CreateRequests returns the body of every authenticated POST
// /v1/responses, in the order received, whether or not it created anything.
func (s *Server) CreateRequests() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]json.RawMessage, len(s.bodies))
	for i, b := range s.bodies {
		out[i] = append(json.RawMessage(nil), b...)
	}
	return out
}

// CreatesFor is the number of responses created with metadata.deepr_job_id
// equal to deeprJobID.
func (s *Server) CreatesFor(deeprJobID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.createsFor[deeprJobID]
}

// Gets is the number of GET /v1/responses/{id} received for id, including
// failed and dropped ones.
func (s *Server) Gets(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets[id]
}

// SetAPIKey changes the accepted key ("" accepts any request).
func (s *Server) SetAPIKey(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiKey = k
}

// Finish makes response id terminal on its next successful GET. Unknown
// ids are ignored.
func (s *Server) Finish(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.responses[id]; ok {
		r.finishNext = true
	}
}

func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		key := s.apiKey
		s.mu.Unlock()
		if s.azure {
			if key != "" && r.Header.Get("Api-Key") != key {
				writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"code": "401",
					"message": "Access denied due to invalid subscription key or wrong API endpoint. Make sure to " +
						"provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}})
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if key != "" && r.Header.Get("Authorization") != "Bearer "+key {
			writeError(w, http.StatusUnauthorized, "invalid_request_error", "", "invalid_api_key",
				"Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.")
			return
		}
		next.ServeHTTP(w, r)
	})
}
