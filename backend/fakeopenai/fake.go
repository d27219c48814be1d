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
// usage). Finish(id) makes the next GET terminal. A cancelled or deleted
// response stays that way.
//
// Behaviour per response is chosen by markers anywhere in the prompt:
//
//	[[fake:fail]]        terminal status failed, error {code:"server_error"}
//	[[fake:incomplete]]  terminal status incomplete, reason max_output_tokens, partial text
//	[[fake:empty]]       completed with no message item
//	[[fake:create500]]   create stores the response (counted) but answers 500
//	[[fake:create503]]   create answers 503 and stores nothing
//	[[fake:create-drop]] create stores the response, then drops the connection unanswered
//	[[fake:ratelimit]]   the first create for this exact prompt answers 429
//	                     rate_limit_exceeded with Retry-After: 1; later ones succeed
//	[[fake:quota]]       create answers 429 insufficient_quota (always)
//	[[fake:badrequest]]  create answers 400 invalid_request_error with a message
//	[[fake:get500]]      odd-numbered GETs (1st, 3rd, ...) answer 500; even ones work
//	[[fake:getdrop]]     the first GET drops the connection in the middle of its answer
//	[[fake:gone]]        GETs after the first in_progress GET answer 404
//	[[fake:hostile]]     completed report carrying script, onerror, javascript: link and
//	                     iframe payloads, plus a javascript: citation and an https one
//	[[fake:unicode]]     report with é, 中文 and emoji before the cited spans, split over
//	                     two output_text parts, with correct character offsets
//	[[fake:slow]]        needs 5 x StepsToFinish GETs
//
// Failed GETs (500, dropped) do not advance a response. Every method of
// Server is safe for concurrent use.
package fakeopenai

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
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
}

// Server is a fake Responses API. Create it with New or NewHandler.
type Server struct {
	ts      *httptest.Server
	handler http.Handler
	now     func() time.Time
	steps   int

	mu          sync.Mutex
	apiKey      string
	seq         int
	responses   map[string]*response
	creates     int
	bodies      []json.RawMessage
	createsFor  map[string]int
	gets        map[string]int
	rateLimited map[string]bool
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
		apiKey:      o.APIKey,
		responses:   map[string]*response{},
		createsFor:  map[string]int{},
		gets:        map[string]int{},
		rateLimited: map[string]bool{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.steps <= 0 {
		s.steps = 3
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/responses", s.create)
	mux.HandleFunc("GET /v1/responses/{id}", s.get)
	mux.HandleFunc("POST /v1/responses/{id}/cancel", s.cancel)
	mux.HandleFunc("DELETE /v1/responses/{id}", s.delete)
	mux.HandleFunc("GET /v1/models", s.models)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "invalid_request_error", "", "",
			fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path))
	})
	s.handler = s.authenticate(mux)
	return s
}

// URL is the base URL including /v1, ready for an SDK base URL option.
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL + "/v1"
}

// Handler serves the fake API (paths start with /v1/).
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
		if key != "" && r.Header.Get("Authorization") != "Bearer "+key {
			writeError(w, http.StatusUnauthorized, "invalid_request_error", "", "invalid_api_key",
				"Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// createBody is the part of a create request the fake looks at.
type createBody struct {
	Model        string            `json:"model"`
	Input        json.RawMessage   `json:"input"`
	Instructions *string           `json:"instructions"`
	Background   *bool             `json:"background"`
	Metadata     map[string]string `json:"metadata"`
	Tools        []json.RawMessage `json:"tools"`
	MaxToolCalls *int64            `json:"max_tool_calls"`
	Reasoning    *struct {
		Effort  *string `json:"effort"`
		Summary *string `json:"summary"`
	} `json:"reasoning"`
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var raw json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", "",
			"We could not parse the JSON body of your request.")
		return
	}
	var body createBody
	if err := json.Unmarshal(raw, &body); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", "",
			"We could not parse the JSON body of your request: "+err.Error())
		return
	}

	s.mu.Lock()
	s.bodies = append(s.bodies, raw)
	s.mu.Unlock()

	if body.Model == "" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "model", "missing_required_parameter",
			"Missing required parameter: 'model'.")
		return
	}
	prompt := inputText(body.Input)
	if prompt == "" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "input", "missing_required_parameter",
			"Missing required parameter: 'input'.")
		return
	}
	m := parseMarkers(prompt)

	switch {
	case m.quota:
		writeError(w, http.StatusTooManyRequests, "insufficient_quota", "", "insufficient_quota",
			"You exceeded your current quota, please check your plan and billing details.")
		return
	case m.badRequest:
		writeError(w, http.StatusBadRequest, "invalid_request_error", "input", "invalid_value",
			"Invalid value for 'input': the fake was asked to reject this request.")
		return
	case m.create503:
		writeError(w, http.StatusServiceUnavailable, "server_error", "", "",
			"The engine is currently overloaded, please try again later.")
		return
	case m.rateLimit:
		s.mu.Lock()
		first := !s.rateLimited[prompt]
		s.rateLimited[prompt] = true
		s.mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, "requests", "", "rate_limit_exceeded",
				"Rate limit reached for requests. Please try again in 1s.")
			return
		}
	}

	steps := s.steps
	if m.slow {
		steps *= 5
	}
	s.mu.Lock()
	s.seq++
	resp := &response{
		id:           fmt.Sprintf("resp_fake%06d", s.seq),
		seq:          s.seq,
		createdAt:    s.now(),
		status:       "queued",
		prompt:       prompt,
		marks:        m,
		steps:        steps,
		model:        body.Model,
		instructions: body.Instructions,
		background:   body.Background,
		metadata:     body.Metadata,
		tools:        body.Tools,
		maxToolCalls: body.MaxToolCalls,
	}
	if body.Reasoning != nil {
		resp.reasoningSummary = body.Reasoning.Summary
	}
	s.responses[resp.id] = resp
	s.creates++
	if id := body.Metadata["deepr_job_id"]; id != "" {
		s.createsFor[id]++
	}
	out := resp.render()
	s.mu.Unlock()

	switch {
	case m.create500:
		writeError(w, http.StatusInternalServerError, "server_error", "", "",
			"The server had an error while processing your request. Sorry about that!")
	case m.createDrop:
		drop(w, "")
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	resp, ok := s.responses[id]
	s.gets[id]++
	if !ok {
		s.mu.Unlock()
		notFound(w, id)
		return
	}
	resp.getCalls++
	n := resp.getCalls
	switch {
	case resp.marks.getDrop && n == 1:
		s.mu.Unlock()
		drop(w, `{"id":"`+id+`","object":"response","status":"in_progr`)
		return
	case resp.marks.get500 && n%2 == 1:
		s.mu.Unlock()
		writeError(w, http.StatusInternalServerError, "server_error", "", "",
			"The server had an error while processing your request. Sorry about that!")
		return
	case resp.marks.gone && resp.polls >= 1:
		s.mu.Unlock()
		notFound(w, id)
		return
	}
	resp.advance(s.now)
	out := resp.render()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) cancel(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	resp, ok := s.responses[id]
	if !ok {
		s.mu.Unlock()
		notFound(w, id)
		return
	}
	if !terminal(resp.status) {
		resp.status = "cancelled"
	}
	out := resp.render()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	_, ok := s.responses[id]
	delete(s.responses, id)
	s.mu.Unlock()
	if !ok {
		notFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "object": "response", "deleted": true})
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	created := s.now().Unix()
	var data []map[string]any
	for _, id := range []string{"o3-deep-research", "o4-mini-deep-research"} {
		data = append(data, map[string]any{"id": id, "object": "model", "created": created, "owned_by": "system"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
}

// inputText returns the prompt text of a create request: the string input,
// or every "text" found in an array of input items.
func inputText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var items []struct {
		Content json.RawMessage `json:"content"`
	}
	if json.Unmarshal(raw, &items) != nil {
		return ""
	}
	var b strings.Builder
	for _, it := range items {
		if json.Unmarshal(it.Content, &s) == nil {
			b.WriteString(s)
			continue
		}
		var parts []struct {
			Text string `json:"text"`
		}
		if json.Unmarshal(it.Content, &parts) == nil {
			for _, p := range parts {
				b.WriteString(p.Text)
			}
		}
	}
	return b.String()
}

func terminal(status string) bool {
	switch status {
	case "completed", "failed", "cancelled", "incomplete":
		return true
	}
	return false
}

func notFound(w http.ResponseWriter, id string) {
	writeError(w, http.StatusNotFound, "invalid_request_error", "", "",
		fmt.Sprintf("No response found with id '%s'.", id))
}

// writeError writes OpenAI's error body. Empty param and code are null.
func writeError(w http.ResponseWriter, status int, typ, param, code, msg string) {
	nullable := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"message": msg, "type": typ, "param": nullable(param), "code": nullable(code),
	}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_fake")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// drop closes the connection without a complete answer. With partial
// non-empty, it first sends a 200 header promising more body than it
// writes, so the client sees the answer cut off (and cannot transparently
// retry it); with partial empty, nothing at all is answered.
func drop(w http.ResponseWriter, partial string) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // net/http closes the connection
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	if partial != "" {
		writePartial(buf, partial)
	}
}

func writePartial(buf *bufio.ReadWriter, partial string) {
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		len(partial)+4096, partial)
	_ = buf.Flush()
}
