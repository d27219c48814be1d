package perplexity

import (
	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/job"
)

// DefaultModel is the preset a request naming no model runs: the Agent
// API's deep-research preset, the successor of Sonar Deep Research (the
// catalogue's default; engine's tests check it).
const DefaultModel = "deep-research"

// AsyncModel is the model of the async Sonar API (catalog.APIAsync).
const AsyncModel = "sonar-deep-research"

// Models lists the models of the model catalogue (backend/catalog) that
// this client sends, on either API, default first.
func Models() []string {
	var out []string
	for _, m := range catalog.Builtin().Research("perplexity") {
		if m.API == catalog.APIAgent || m.API == catalog.APIAsync {
			out = append(out, m.ID)
		}
	}
	return out
}

// ValidModel reports whether m is one of Models.
func ValidModel(m string) bool {
	c, ok := catalog.Builtin().Find("perplexity", m)
	return ok && c.Kind == catalog.Research && (c.API == catalog.APIAgent || c.API == catalog.APIAsync)
}

// onAsync reports whether a job of model runs on the async Sonar API: the
// catalogue says so (sonar-deep-research). Every other name, "" (the
// default preset) and names the catalogue does not list included, runs on
// the Agent API. A job's API is thus derived from its model, which every
// job records.
func onAsync(model string) bool {
	if model == AsyncModel {
		return true
	}
	m, ok := catalog.Builtin().Find("perplexity", model)
	return ok && m.API == catalog.APIAsync
}

// Cost is the USD cost of a run of model with usage u at the catalogue's
// prices (docs.perplexity.ai pricing: $2 input, $8 output, $2 citation and
// $3 reasoning per 1M tokens, $5 per 1,000 search queries): input tokens
// (citation tokens included), output tokens other than reasoning,
// reasoning tokens, and search queries. Use the provider's own figure
// (Snapshot.CostUSD) when it is set. An unknown model costs 0.
func Cost(model string, u job.Usage) float64 {
	m, ok := catalog.Builtin().Find("perplexity", model)
	if !ok {
		return 0
	}
	p := m.Prices
	reasoning := min(max(u.ReasoningTokens, 0), max(u.OutputTokens, 0))
	output := max(u.OutputTokens, 0) - reasoning
	usd := (float64(max(u.InputTokens, 0))*p.InputPerMTok + float64(output)*p.OutputPerMTok + float64(reasoning)*p.ReasoningPerMTok) / 1e6
	return usd + float64(max(u.WebSearchCalls, 0))*p.WebSearchPer1K/1000
}
