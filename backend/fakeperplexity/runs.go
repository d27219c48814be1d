package fakeperplexity

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

// Runs lists every request and Agent API response created, in creation
// order, an async request with its idempotency key as Run.Tag (an Agent
// API response has none) and what it bills: the usage and cost its
// answer reports now (a running request bills nothing yet), citation
// tokens as input and reasoning tokens as output.
func (s *Server) Runs() []fakehttp.Run {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make(map[string]string, len(s.byKey))
	for k, id := range s.byKey {
		keys[id] = k
	}
	var out []fakehttp.Run
	for i := 1; i <= s.seq; i++ {
		if run, ok := s.runs[fmt.Sprintf("resp_fake%06d", i)]; ok { // Agent API: no key to tag it with
			out = append(out, fakehttp.Run{ID: run.id, Prompt: run.prompt, Status: run.status,
				Ended: run.terminal(), Billed: agentBill(run.render())})
			continue
		}
		req, ok := s.requests[fmt.Sprintf("req_fake%06d", i)]
		if !ok {
			continue
		}
		out = append(out, fakehttp.Run{ID: req.id, Tag: keys[req.id], Prompt: req.prompt, Status: req.status,
			Ended: req.terminal(), Billed: billOf(req.render())})
	}
	return out
}

// agentBill reads what a rendered Agent API response bills.
func agentBill(rendered map[string]any) fakehttp.Usage {
	raw, err := json.Marshal(rendered)
	if err != nil {
		return fakehttp.Usage{}
	}
	var w struct {
		Usage *struct {
			Input  int64 `json:"input_tokens"`
			Output int64 `json:"output_tokens"`
			Cost   struct {
				Total float64 `json:"total_cost"`
			} `json:"cost"`
			Tools map[string]struct {
				Invocation int64 `json:"invocation"`
			} `json:"tool_calls_details"`
		} `json:"usage"`
	}
	if json.Unmarshal(raw, &w) != nil || w.Usage == nil {
		return fakehttp.Usage{}
	}
	u := w.Usage
	return fakehttp.Usage{InputTokens: u.Input, OutputTokens: u.Output, WebSearchCalls: u.Tools["web_search"].Invocation, CostUSD: u.Cost.Total}
}

// End ends request id at the provider now, as a real run ends on its own
// while nobody polls (Perplexity has no cancel: a run always ends this
// way): it reaches its final state and the next GET answers it. Unknown
// or already ended ids are ignored.
func (s *Server) End(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if req, ok := s.requests[id]; ok && !req.terminal() {
		req.steps = req.polls + 1
		req.advance(s.now)
	}
	if run, ok := s.runs[id]; ok && !run.terminal() {
		run.steps = run.polls + 1
		run.advance(s.now)
	}
}

// billOf reads what a rendered request bills.
func billOf(rendered map[string]any) fakehttp.Usage {
	raw, err := json.Marshal(rendered)
	if err != nil {
		return fakehttp.Usage{}
	}
	var w struct {
		Response *struct {
			Usage *struct {
				Prompt     int64 `json:"prompt_tokens"`
				Completion int64 `json:"completion_tokens"`
				Citation   int64 `json:"citation_tokens"`
				Reasoning  int64 `json:"reasoning_tokens"`
				Searches   int64 `json:"num_search_queries"`
				Cost       *struct {
					Total float64 `json:"total_cost"`
				} `json:"cost"`
			} `json:"usage"`
		} `json:"response"`
	}
	if json.Unmarshal(raw, &w) != nil || w.Response == nil || w.Response.Usage == nil {
		return fakehttp.Usage{}
	}
	u := w.Response.Usage
	b := fakehttp.Usage{InputTokens: u.Prompt + u.Citation, OutputTokens: u.Completion + u.Reasoning, WebSearchCalls: u.Searches}
	if u.Cost != nil {
		b.CostUSD = u.Cost.Total
	}
	return b
}
