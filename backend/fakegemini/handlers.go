package fakegemini

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
)

// knownAgent reports whether a is a Deep Research agent id the API runs.
func knownAgent(a string) bool {
	switch a {
	case "deep-research-preview-04-2026", "deep-research-max-preview-04-2026":
		return true
	}
	return false
}

// retiredAgent is the agent Gemini shut down on 2026-10-23, with no
// redirect: a create naming it is refused with 404 NOT_FOUND.
const retiredAgent = "deep-research-pro-preview-12-2025"

// createBody is the part of a create request the fake looks at.
type createBody struct {
	Agent      string          `json:"agent"`
	Input      json.RawMessage `json:"input"`
	Background *bool           `json:"background"`
	Store      *bool           `json:"store"`
	// Labels are echoed by every GET of the interaction.
	Labels map[string]string `json:"labels"`
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var raw json.RawMessage
	var body createBody
	if json.NewDecoder(r.Body).Decode(&raw) != nil || json.Unmarshal(raw, &body) != nil {
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received.")
		return
	}
	s.mu.Lock()
	s.bodies = append(s.bodies, raw)
	s.headers = append(s.headers, r.Header.Clone())
	s.mu.Unlock()

	input := inputText(body.Input)
	switch {
	case body.Agent == retiredAgent:
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("Agent %s is not found or is no longer available.", body.Agent))
		return
	case !knownAgent(body.Agent):
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", fmt.Sprintf("Agent %q is not supported.", body.Agent))
		return
	case body.Background == nil || !*body.Background:
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "The Deep Research agent requires background=true.")
		return
	case body.Store == nil || !*body.Store:
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Background interactions require store=true.")
		return
	case input == "":
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "input is required.")
		return
	}
	m := fakehttp.Markers(input)
	switch {
	case m["quota"]:
		writeError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED",
			"Your prepayment credits are depleted. Please go to AI Studio at https://ai.studio/projects to manage your project and billing.")
		return
	case m["badrequest"]:
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument: the fake was asked to reject it.")
		return
	case m["create503"]:
		writeError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "The model is overloaded. Please try again later.")
		return
	case m["ratelimit"]:
		s.mu.Lock()
		first := !s.rateLimited[input]
		s.rateLimited[input] = true
		s.mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).")
			return
		}
	}

	steps := s.steps
	if m["slow"] {
		steps *= 5
	}
	s.mu.Lock()
	s.seq++
	it := &interaction{id: fmt.Sprintf("v1_fakeinteraction%06d", s.seq), seq: s.seq, agent: body.Agent,
		input: input, labels: body.Labels, marks: m, steps: steps, status: "queued", created: s.now(), updated: s.now()}
	s.items[it.id] = it
	s.creates++
	out := it.render(false)
	s.mu.Unlock()

	switch {
	case m["create500"]:
		writeError(w, http.StatusInternalServerError, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting")
	case m["create-drop"]:
		fakehttp.Drop(w, "")
	default:
		fakehttp.WriteJSON(w, http.StatusOK, out)
	}
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	s.gets[id]++
	it, ok := s.items[id]
	if !ok {
		s.mu.Unlock()
		notFound(w, id)
		return
	}
	it.getCalls++
	n, m := it.getCalls, it.marks
	switch {
	case m["getdrop"] && n == 1:
		s.mu.Unlock()
		fakehttp.Drop(w, `{"id":"`+id+`","status":"in_prog`)
		return
	case m["get500"] && n%2 == 1:
		s.mu.Unlock()
		writeError(w, http.StatusInternalServerError, "INTERNAL", "An internal error has occurred.")
		return
	case m["get503"] && n == 1:
		s.mu.Unlock()
		writeError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "The service is currently unavailable.")
		return
	case m["get429"] && n == 1:
		s.mu.Unlock()
		w.Header().Set("Retry-After", "2")
		writeError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).")
		return
	case m["gone"] && it.polls >= 1:
		s.mu.Unlock()
		notFound(w, id)
		return
	}
	it.advance(s.now)
	out := it.render(true)
	s.mu.Unlock()
	fakehttp.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) cancel(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	it, ok := s.items[id]
	if !ok {
		s.mu.Unlock()
		notFound(w, id)
		return
	}
	if it.terminal() {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "FAILED_PRECONDITION",
			fmt.Sprintf("Interaction %s is not running (status %s) and cannot be cancelled.", id, it.status))
		return
	}
	it.status, it.updated = "cancelled", s.now()
	out := it.render(false)
	s.mu.Unlock()
	fakehttp.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	_, ok := s.items[id]
	delete(s.items, id)
	s.mu.Unlock()
	if !ok {
		notFound(w, id)
		return
	}
	fakehttp.WriteJSON(w, http.StatusOK, map[string]any{})
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	fakehttp.WriteJSON(w, http.StatusOK, map[string]any{"models": []any{
		map[string]any{"name": "models/gemini-3-pro-preview", "displayName": "Gemini 3 Pro Preview"},
		map[string]any{"name": "models/gemini-3-flash-preview", "displayName": "Gemini 3 Flash Preview"},
	}})
}

// inputText is the input as a string, or the text of every content item
// or turn in a list.
func inputText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var items []struct {
		Text    string          `json:"text"`
		Content json.RawMessage `json:"content"`
	}
	if json.Unmarshal(raw, &items) != nil {
		return ""
	}
	var b strings.Builder
	for _, it := range items {
		b.WriteString(it.Text)
		if len(it.Content) > 0 {
			b.WriteString(inputText(it.Content))
		}
	}
	return b.String()
}
