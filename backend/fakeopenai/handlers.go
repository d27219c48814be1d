package fakeopenai

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
)

// createBody is the part of a create request the fake looks at.
type createBody struct {
	Model        string            `json:"model"`
	Input        json.RawMessage   `json:"input"`
	Instructions *string           `json:"instructions"`
	Background   *bool             `json:"background"`
	Metadata     map[string]string `json:"metadata"`
	Tools        []json.RawMessage `json:"tools"`
	MaxToolCalls *int64            `json:"max_tool_calls"`
	MaxOutput    *int64            `json:"max_output_tokens"`
	PreviousID   *string           `json:"previous_response_id"`
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
	if body.PreviousID != nil {
		s.mu.Lock()
		_, ok := s.responses[*body.PreviousID]
		s.mu.Unlock()
		if !ok { // OpenAI's answer for an unknown or expired previous response
			writeError(w, http.StatusBadRequest, "invalid_request_error", "previous_response_id", "previous_response_not_found",
				fmt.Sprintf("Previous response with id '%s' not found.", *body.PreviousID))
			return
		}
	}

	switch {
	case s.modelGone(body.Model, m):
		writeModelNotFound(w, body.Model)
		return
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

	if body.Background == nil || !*body.Background {
		s.answerNow(w, raw, body, prompt)
		return
	}
	steps := s.steps
	if m.slow {
		steps *= 5
	}
	s.mu.Lock()
	s.seq++
	resp := &response{
		id:           fmt.Sprintf("%s%06d", s.ids, s.seq),
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
		previousID:   body.PreviousID,
	}
	if body.Reasoning != nil {
		resp.reasoningSummary = body.Reasoning.Summary
	}
	s.responses[resp.id] = resp
	s.order = append(s.order, resp)
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
	if resp.status == "cancelled" {
		resp.cancelGets++
	}
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
		resp.finishedAt = s.now()
	}
	out := resp.render()
	if resp.status == "cancelled" {
		out["usage"] = nil // as at OpenAI: the cancel answers usage null; a GET reports it
	}
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

func writeJSON(w http.ResponseWriter, status int, v any) { fakehttp.WriteJSON(w, status, v) }

func drop(w http.ResponseWriter, partial string) { fakehttp.Drop(w, partial) }
