package fakeopenai

import (
	"encoding/json"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
)

// Runs lists every response created, plain (helper) requests included, in
// creation order, with what each bills: the usage its answer reports now
// (a running response bills nothing yet) and one web search per search
// call in its output, as OpenAI bills them.
func (s *Server) Runs() []fakehttp.Run {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]fakehttp.Run, 0, len(s.order))
	for _, r := range s.order {
		out = append(out, fakehttp.Run{ID: r.id, Tag: r.metadata["deepr_job_id"], Prompt: r.prompt,
			Helper: r.answer != "", Status: r.status, Ended: terminal(r.status), Billed: billOf(r.render())})
	}
	return out
}

// End ends response id at the provider now, as a real run ends on its
// own while nobody polls: it reaches its final state (by its markers) and
// the next GET answers it. Unknown or already ended ids are ignored.
func (s *Server) End(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.responses[id]; ok && !terminal(r.status) {
		r.finishNext = true
		r.advance(s.now)
	}
}

// billOf reads what a rendered response bills.
func billOf(rendered map[string]any) fakehttp.Usage {
	raw, err := json.Marshal(rendered)
	if err != nil {
		return fakehttp.Usage{}
	}
	var w struct {
		Usage *struct {
			Input  int64 `json:"input_tokens"`
			Output int64 `json:"output_tokens"`
			Cached struct {
				Tokens int64 `json:"cached_tokens"`
			} `json:"input_tokens_details"`
		} `json:"usage"`
		Output []struct {
			Type   string `json:"type"`
			Action *struct {
				Type string `json:"type"`
			} `json:"action"`
		} `json:"output"`
	}
	if json.Unmarshal(raw, &w) != nil || w.Usage == nil {
		return fakehttp.Usage{}
	}
	u := fakehttp.Usage{InputTokens: w.Usage.Input, CachedTokens: w.Usage.Cached.Tokens, OutputTokens: w.Usage.Output}
	for _, it := range w.Output {
		if it.Type == "web_search_call" && it.Action != nil && it.Action.Type == "search" {
			u.WebSearchCalls++
		}
	}
	return u
}
