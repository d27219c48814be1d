package fakeperplexity

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
)

// Presets are the Agent API presets the fake runs; any other preset (or a
// body naming neither a preset nor a model) is refused with 400.
var Presets = []string{"deep-research", "advanced-deep-research", "pro-search", "fast-search"}

// agentBody is the part of an Agent API create the fake looks at.
type agentBody struct {
	Preset             string          `json:"preset"`
	Model              string          `json:"model"`
	Input              json.RawMessage `json:"input"`
	Background         *bool           `json:"background"`
	PreviousResponseID string          `json:"previous_response_id"`
}

// prompt is the last user text of the input: a string, or a list of
// messages whose content is a string or a list of input_text parts.
func (b agentBody) prompt() string {
	var s string
	if json.Unmarshal(b.Input, &s) == nil {
		return s
	}
	var items []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	}
	if json.Unmarshal(b.Input, &items) != nil {
		return ""
	}
	for _, it := range items {
		if it.Role != "user" {
			continue
		}
		var text string
		if json.Unmarshal(it.Content, &text) != nil {
			var parts []struct {
				Text string `json:"text"`
			}
			_ = json.Unmarshal(it.Content, &parts)
			var b strings.Builder
			for _, p := range parts {
				b.WriteString(p.Text)
			}
			text = b.String()
		}
		s = text
	}
	return s
}

func (s *Server) agentCreate(w http.ResponseWriter, r *http.Request) {
	var raw json.RawMessage
	var body agentBody
	if json.NewDecoder(r.Body).Decode(&raw) != nil || json.Unmarshal(raw, &body) != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "The request body is not valid JSON.")
		return
	}
	s.mu.Lock()
	s.bodies = append(s.bodies, raw)
	s.mu.Unlock()

	prompt := body.prompt()
	switch {
	case prompt == "":
		fakehttp.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": []any{map[string]any{
			"type": "missing", "loc": []any{"body", "input"}, "msg": "Field required"}}})
		return
	case body.Preset == "" && body.Model == "":
		writeError(w, http.StatusBadRequest, "invalid_request", "One of preset, model or models is required.")
		return
	case body.Preset != "" && !slices.Contains(Presets, body.Preset):
		writeError(w, http.StatusBadRequest, "invalid_preset", fmt.Sprintf("Invalid preset '%s'.", body.Preset))
		return
	case body.Background == nil || !*body.Background:
		writeError(w, http.StatusBadRequest, "invalid_request", "The fake runs research in background mode only: send background: true.")
		return
	}
	s.mu.Lock()
	_, parentOK := s.runs[body.PreviousResponseID]
	s.mu.Unlock()
	if body.PreviousResponseID != "" && !parentOK {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("Previous response %s not found.", body.PreviousResponseID))
		return
	}
	marks := fakehttp.Markers(prompt)
	faultKey := "agent:" + prompt // no idempotency key: the first create of a prompt fails
	s.mu.Lock()
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
	preset := body.Preset
	if preset == "" {
		preset = body.Model
	}
	s.mu.Lock()
	s.seq++
	run := &agentRun{id: fmt.Sprintf("resp_fake%06d", s.seq), seq: s.seq, preset: preset, prompt: prompt,
		marks: marks, steps: steps, status: "queued", created: s.now(), parent: body.PreviousResponseID}
	s.runs[run.id] = run
	s.creates++
	out := run.render()
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

func (s *Server) agentGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	s.gets[id]++
	run, ok := s.runs[id]
	if !ok {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("Response %s not found.", id))
		return
	}
	run.getCalls++
	if f := getFault(run.marks, run.getCalls, run.polls); f != "" {
		s.mu.Unlock()
		writeFault(w, f, `{"id":"`+id+`","status":"in_prog`, fmt.Sprintf("Response %s not found.", id))
		return
	}
	run.advance(s.now)
	out := run.render()
	s.mu.Unlock()
	fakehttp.WriteJSON(w, http.StatusOK, out)
}

// retiredAsync answers every async Sonar route with the status set by
// RetireAsync, as a retired API would, or passes the request on.
func (s *Server) retiredAsync(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		code := s.asyncRetired
		s.mu.Unlock()
		if code != 0 && strings.HasPrefix(r.URL.Path, completionsRoot) {
			writeError(w, code, "not_found", "The Sonar async API is no longer available. Use the Agent API (POST /v1/agent).")
			return
		}
		next.ServeHTTP(w, r)
	})
}

const completionsRoot = "/async/chat/completions"

// RetireAsync makes every async Sonar route answer status (404 or 410) from
// now on, as when Perplexity retires that API; 0 serves it again. The
// Agent API is not affected.
func (s *Server) RetireAsync(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asyncRetired = status
}
