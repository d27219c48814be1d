package fakeperplexity

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
)

// createBody is the part of a create request the fake looks at.
type createBody struct {
	Request *struct {
		Model    string `json:"model"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
	} `json:"request"`
	IdempotencyKey string `json:"idempotency_key"`
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var raw json.RawMessage
	var body createBody
	if json.NewDecoder(r.Body).Decode(&raw) != nil || json.Unmarshal(raw, &body) != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "The request body is not valid JSON.")
		return
	}
	s.mu.Lock()
	s.bodies = append(s.bodies, raw)
	s.mu.Unlock()

	if body.Request == nil || body.Request.Model == "" || len(body.Request.Messages) == 0 {
		fakehttp.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": []any{map[string]any{
			"type": "missing", "loc": []any{"body", "request", "model"}, "msg": "Field required"}}})
		return
	}
	if body.Request.Model != "sonar-deep-research" {
		writeError(w, http.StatusBadRequest, "invalid_model", fmt.Sprintf("Invalid model '%s'. Async requests support sonar-deep-research.", body.Request.Model))
		return
	}
	var prompt string
	for _, m := range body.Request.Messages {
		if m.Role == "user" {
			prompt = m.Content
		}
	}
	marks := fakehttp.Markers(prompt)
	faultKey := body.IdempotencyKey
	if faultKey == "" {
		faultKey = "prompt:" + prompt
	}

	s.mu.Lock()
	if id, ok := s.byKey[body.IdempotencyKey]; ok && body.IdempotencyKey != "" && !marks["create500-always"] {
		out := s.requests[id].render()
		s.mu.Unlock()
		fakehttp.WriteJSON(w, http.StatusOK, out)
		return
	}
	first := !s.faulted[faultKey]
	s.faulted[faultKey] = true
	s.mu.Unlock()

	switch {
	case marks["quota"]:
		writeError(w, http.StatusPaymentRequired, "insufficient_quota", "Insufficient credits. Add credits at https://www.perplexity.ai/account/api/billing.")
		return
	case marks["badrequest"]:
		writeError(w, http.StatusBadRequest, "invalid_request", "Invalid request: the fake was asked to reject it.")
		return
	case marks["create503"] && first:
		writeError(w, http.StatusServiceUnavailable, "service_unavailable", "Service temporarily unavailable.")
		return
	case marks["ratelimit"] && first:
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "rate_limit_exceeded", "Rate limit exceeded. Please retry after 1 second.")
		return
	}

	steps := s.steps
	if marks["slow"] {
		steps *= 5
	}
	s.mu.Lock()
	req := s.store(body.IdempotencyKey, prompt, marks, steps)
	out := req.render()
	s.mu.Unlock()

	switch {
	case marks["create500-always"] || marks["create500"] && first:
		writeError(w, http.StatusInternalServerError, "internal_error", "Internal server error.")
	case marks["create-drop"] && first:
		fakehttp.Drop(w, "")
	default:
		fakehttp.WriteJSON(w, http.StatusOK, out)
	}
}

// store returns the request for key, creating it unless key is already
// known. Called with s.mu held.
func (s *Server) store(key, prompt string, marks map[string]bool, steps int) *request {
	if id, ok := s.byKey[key]; ok && key != "" {
		return s.requests[id]
	}
	s.seq++
	req := &request{id: fmt.Sprintf("req_fake%06d", s.seq), seq: s.seq, prompt: prompt, marks: marks,
		steps: steps, status: "CREATED", created: s.now()}
	s.requests[req.id] = req
	if key != "" {
		s.byKey[key] = req.id
	}
	s.creates++
	return req
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	s.gets[id]++
	req, ok := s.requests[id]
	if !ok {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("Async request %s not found.", id))
		return
	}
	req.getCalls++
	if f := getFault(req.marks, req.getCalls, req.polls); f != "" {
		s.mu.Unlock()
		writeFault(w, f, `{"id":"`+id+`","status":"IN_PROG`, fmt.Sprintf("Async request %s not found.", id))
		return
	}
	req.advance(s.now)
	out := req.render()
	s.mu.Unlock()
	fakehttp.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	items := []any{}
	for i := 1; i <= s.seq; i++ {
		if req, ok := s.requests[fmt.Sprintf("req_fake%06d", i)]; ok {
			o := req.render()
			delete(o, "response")
			delete(o, "error_message")
			items = append(items, o)
		}
	}
	s.mu.Unlock()
	fakehttp.WriteJSON(w, http.StatusOK, map[string]any{"requests": items, "next_token": nil})
}

// getFault is the fault the markers m choose for GET number n of a run
// that has served polls successful GETs ("" : none).
func getFault(m map[string]bool, n, polls int) string {
	switch {
	case m["getdrop"] && n == 1:
		return "getdrop"
	case m["get500"] && n%2 == 1:
		return "get500"
	case m["get429"] && n == 1:
		return "get429"
	case m["gone"] && polls >= 1:
		return "gone"
	}
	return ""
}

// writeFault answers fault f: a dropped connection after partial, a 500,
// a 429, or a 404 saying notFound.
func writeFault(w http.ResponseWriter, f, partial, notFound string) {
	switch f {
	case "getdrop":
		fakehttp.Drop(w, partial)
	case "get500":
		writeError(w, http.StatusInternalServerError, "internal_error", "Internal server error.")
	case "get429":
		w.Header().Set("Retry-After", "2")
		writeError(w, http.StatusTooManyRequests, "rate_limit_exceeded", "Rate limit exceeded.")
	default:
		writeError(w, http.StatusNotFound, "not_found", notFound)
	}
}
