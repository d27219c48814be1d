package gemini

import (
	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/job"
)

// DefaultModel is the agent used when a request names none: the
// catalogue's default Gemini agent (engine's tests check that they agree).
const DefaultModel = "deep-research-preview-04-2026"

// Models lists the Deep Research agents of the model catalogue
// (backend/catalog), default first, retired ones included (their old runs
// can still be read and priced): the service decides what is offered.
func Models() []string {
	var out []string
	for _, m := range catalog.Builtin().Research("gemini") {
		out = append(out, m.ID)
	}
	return out
}

// ValidModel reports whether m is a Deep Research agent of the catalogue.
func ValidModel(m string) bool {
	c, ok := catalog.Builtin().Find("gemini", m)
	return ok && c.Kind == catalog.Research
}

// Cost is the USD cost of a run of agent model with usage u at the
// catalogue's prices: uncached input, cached input and output tokens
// (thinking is inside output) per 1M, plus each Google Search grounding
// query. Google publishes no separate deep-research line: the agents are
// billed as the Gemini 3 Pro model they run on, plus grounding (see
// docs/costs.md). An unknown agent costs 0.
func Cost(model string, u job.Usage) float64 {
	m, ok := catalog.Builtin().Find("gemini", model)
	if !ok {
		return 0
	}
	p := m.Prices
	cached := min(max(u.CachedTokens, 0), max(u.InputTokens, 0))
	uncached := max(u.InputTokens, 0) - cached
	usd := (float64(uncached)*p.InputPerMTok + float64(cached)*p.CachedInputPerMTok + float64(max(u.OutputTokens, 0))*p.OutputPerMTok) / 1e6
	return usd + float64(max(u.WebSearchCalls, 0))*p.WebSearchPer1K/1000
}
