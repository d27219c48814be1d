package fakeopenai

import (
	"fmt"
	"net/http"
	"slices"
)

// The models, as OpenAI lists them and answers for a model it shut down:
//
//	GET /v1/models/{id}   {"id","object":"model","created","owned_by","shutdown_date"}:
//	                      shutdown_date is Options.ShutdownDates[id] ("YYYY-MM-DD"),
//	                      null when absent; 404 model_not_found for an unknown id
//	                      or one of Options.GoneModels
//
// A create for a model of Options.GoneModels, or whose prompt carries
// [[fake:model-gone]], answers 404 model_not_found with OpenAI's message
// and creates nothing.

// modelGone reports whether model is gone: listed in Options.GoneModels,
// or a prompt with the [[fake:model-gone]] marker asked for it.
func (s *Server) modelGone(model string, m marks) bool {
	return m.modelGone || slices.Contains(s.gone, model)
}

// writeModelNotFound is OpenAI's answer for a model that does not exist.
func writeModelNotFound(w http.ResponseWriter, model string) {
	writeError(w, http.StatusNotFound, "invalid_request_error", "model", "model_not_found",
		fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", model))
}

// model answers GET /v1/models/{id}.
func (s *Server) model(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	s.modelGets[id]++
	date, dated := s.shutdown[id]
	s.mu.Unlock()
	known := dated || slices.Contains([]string{"o3-deep-research", "o4-mini-deep-research"}, id)
	if !known || slices.Contains(s.gone, id) {
		writeModelNotFound(w, id)
		return
	}
	var sd any
	if date != "" {
		sd = date
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "object": "model", "created": s.now().Unix(),
		"owned_by": "system", "shutdown_date": sd})
}

// ModelGets is the number of GET /v1/models/{id} received for id.
func (s *Server) ModelGets(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.modelGets[id]
}

// SetShutdownDate sets (or with "" clears) the shutdown_date of model id.
func (s *Server) SetShutdownDate(id, date string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if date == "" {
		delete(s.shutdown, id)
		return
	}
	s.shutdown[id] = date
}
