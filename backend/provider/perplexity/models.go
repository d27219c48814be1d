package perplexity

import "github.com/deepr-desktop/deepr/backend/job"

// DefaultModel is the only model the async API runs.
const DefaultModel = "sonar-deep-research"

// Models lists the models a user can choose, default first.
func Models() []string { return []string{DefaultModel} }

// ValidModel reports whether m is a known Perplexity deep-research model.
func ValidModel(m string) bool {
	_, ok := Prices()[m]
	return ok
}

// Price is what one model costs, in USD.
type Price struct {
	InputPerM     float64 // per 1M prompt tokens (citation tokens bill the same and are counted as input)
	OutputPerM    float64 // per 1M completion tokens, reasoning excluded
	ReasoningPerM float64 // per 1M reasoning tokens
	PerSearch     float64 // per search query
}

// Prices is the price table of Perplexity's deep-research models
// (docs.perplexity.ai pricing: $2 input, $8 output, $2 citation and $3
// reasoning per 1M tokens, $5 per 1,000 search queries). Perplexity reports
// each run's cost itself (Snapshot.CostUSD); this table is the fallback.
func Prices() map[string]Price {
	return map[string]Price{
		"sonar-deep-research": {InputPerM: 2.00, OutputPerM: 8.00, ReasoningPerM: 3.00, PerSearch: 0.005},
	}
}

// Cost is the USD cost of a run of model with usage u, computed from the
// price table: input tokens (citation tokens included), output tokens
// other than reasoning, reasoning tokens, and search queries. Use the
// provider's own figure (Snapshot.CostUSD) when it is set. An unknown
// model costs 0.
func Cost(model string, u job.Usage) float64 {
	p, ok := Prices()[model]
	if !ok {
		return 0
	}
	reasoning := min(max(u.ReasoningTokens, 0), max(u.OutputTokens, 0))
	output := max(u.OutputTokens, 0) - reasoning
	usd := (float64(max(u.InputTokens, 0))*p.InputPerM + float64(output)*p.OutputPerM + float64(reasoning)*p.ReasoningPerM) / 1e6
	return usd + float64(max(u.WebSearchCalls, 0))*p.PerSearch
}
