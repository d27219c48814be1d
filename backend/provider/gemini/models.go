package gemini

import "github.com/deepr-desktop/deepr/backend/job"

// DefaultModel is the agent used when a request names none.
const DefaultModel = "deep-research-preview-04-2026"

// Models lists the Deep Research agents a user can choose, default first.
func Models() []string {
	return []string{DefaultModel, "deep-research-max-preview-04-2026", "deep-research-pro-preview-12-2025"}
}

// ValidModel reports whether m is a known Deep Research agent id.
func ValidModel(m string) bool {
	_, ok := Prices()[m]
	return ok
}

// Price is what one agent costs, in USD.
type Price struct {
	InputPerM       float64 // per 1M uncached input tokens (tool-use prompt tokens included)
	CachedInputPerM float64 // per 1M cached input tokens
	OutputPerM      float64 // per 1M output tokens, thinking included
	PerSearch       float64 // per Google Search grounding query
}

// Prices is the price table of the Deep Research agents. Google publishes
// no separate deep-research line: the agents are billed as the Gemini 3 Pro
// model they run on (prompts up to 200K tokens: $2 input, $0.20 cached,
// $12 output per 1M) plus Google Search grounding at $14 per 1,000 queries.
// The free monthly search allowance is not subtracted, so this is an upper
// estimate. The Max agent is assumed to bill at the same rates.
func Prices() map[string]Price {
	pro := Price{InputPerM: 2.00, CachedInputPerM: 0.20, OutputPerM: 12.00, PerSearch: 0.014}
	return map[string]Price{
		"deep-research-preview-04-2026":     pro,
		"deep-research-max-preview-04-2026": pro,
		"deep-research-pro-preview-12-2025": pro,
	}
}

// Cost is the USD cost of a run of agent model with usage u: uncached
// input, cached input and output tokens (thinking is inside output) at the
// agent's per-1M prices, plus each grounding search. An unknown agent
// costs 0.
func Cost(model string, u job.Usage) float64 {
	p, ok := Prices()[model]
	if !ok {
		return 0
	}
	cached := min(max(u.CachedTokens, 0), max(u.InputTokens, 0))
	uncached := max(u.InputTokens, 0) - cached
	usd := (float64(uncached)*p.InputPerM + float64(cached)*p.CachedInputPerM + float64(max(u.OutputTokens, 0))*p.OutputPerM) / 1e6
	return usd + float64(max(u.WebSearchCalls, 0))*p.PerSearch
}
