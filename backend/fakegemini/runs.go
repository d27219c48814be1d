package fakegemini

import (
	"encoding/json"
	"fmt"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
)

// SetAPIKey changes the accepted key ("" accepts any request): the key a
// client holds is then rejected, as after a key is revoked.
func (s *Server) SetAPIKey(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiKey = k
}

// Runs lists every interaction created (deleted ones left out), in
// creation order, with what each bills: the usage its answer reports now
// (a running interaction bills nothing yet), tool-use tokens as input and
// thought tokens as output, one web search per google_search grounding.
// Run.Tag is the deepr_job_id label, "" when the create sent none.
func (s *Server) Runs() []fakehttp.Run {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []fakehttp.Run
	for i := 1; i <= s.seq; i++ {
		it, ok := s.items[fmt.Sprintf("v1_fakeinteraction%06d", i)]
		if !ok {
			continue
		}
		out = append(out, fakehttp.Run{ID: it.id, Tag: it.labels["deepr_job_id"], Prompt: it.input, Status: it.status,
			Ended: it.terminal(), Billed: billOf(it.render(true))})
	}
	return out
}

// InteractionsFor returns the ids of the interactions whose deepr_job_id
// label is jobID, in creation order (deleted ones left out).
func (s *Server) InteractionsFor(jobID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for i := 1; i <= s.seq; i++ {
		if it, ok := s.items[fmt.Sprintf("v1_fakeinteraction%06d", i)]; ok && it.labels["deepr_job_id"] == jobID {
			out = append(out, it.id)
		}
	}
	return out
}

// End ends interaction id at the provider now, as a real run ends on its
// own while nobody polls: it reaches its final state (by its markers) and
// the next GET answers it. Unknown or already ended ids are ignored.
func (s *Server) End(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it, ok := s.items[id]; ok && !it.terminal() {
		it.finishNext = true
		it.advance(s.now)
	}
}

// billOf reads what a rendered interaction bills.
func billOf(rendered map[string]any) fakehttp.Usage {
	raw, err := json.Marshal(rendered)
	if err != nil {
		return fakehttp.Usage{}
	}
	var w struct {
		Usage *struct {
			Input    int64 `json:"total_input_tokens"`
			Output   int64 `json:"total_output_tokens"`
			Thought  int64 `json:"total_thought_tokens"`
			Cached   int64 `json:"total_cached_tokens"`
			ToolUse  int64 `json:"total_tool_use_tokens"`
			Grounded []struct {
				Type  string `json:"type"`
				Count int64  `json:"count"`
			} `json:"grounding_tool_count"`
		} `json:"usage"`
	}
	if json.Unmarshal(raw, &w) != nil || w.Usage == nil {
		return fakehttp.Usage{}
	}
	u := w.Usage
	b := fakehttp.Usage{InputTokens: u.Input + u.ToolUse, CachedTokens: u.Cached, OutputTokens: u.Output + u.Thought}
	for _, g := range u.Grounded {
		if g.Type == "google_search" {
			b.WebSearchCalls += g.Count
		}
	}
	return b
}
