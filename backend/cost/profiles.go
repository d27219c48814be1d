package cost

import "github.com/deepr-desktop/deepr/backend/catalog"

// profile is the documented shape of a deep-research run, per tool call,
// from the model catalogue (catalog.Profile). The numbers and their sources
// are in docs/costs.md; a pair is the (low-estimate, high-estimate) value.
type profile struct {
	// calls is the run's own number of tool calls (searches, pages read,
	// code runs). Where the provider honours a tool-call limit, the low
	// end makes calls[0] (fewer if the limit is lower) and the high end
	// the limit; where it does not, the runs make calls[0] to calls[1]
	// whatever the limit says.
	calls            [2]int
	inputPerCall     [2]float64 // context tokens read for each tool call
	cachedShare      [2]float64 // share of the input served from the prompt cache
	reasoningPerCall [2]float64 // output (reasoning) tokens per tool call
	reportTokens     [2]float64 // tokens of the final report
	containers       [2]float64 // code-interpreter containers, when used
	maxOutput        float64    // the model's output limit, tokens; 0: none applies to a whole run
}

// profileFrom is a catalogue profile as the estimate uses it.
func profileFrom(p catalog.Profile) profile {
	return profile{calls: p.Calls, inputPerCall: p.InputPerCall, cachedShare: p.CachedShare,
		reasoningPerCall: p.ReasoningPerCall, reportTokens: p.ReportTokens, containers: p.Containers, maxOutput: p.MaxOutput}
}

// profileOf returns the token profile of a model by its Key, from the
// model catalogue (its research models, aliases included); a model the
// catalogue does not name (an Azure deployment, say) is estimated with
// the catalogue's fallback profile, that of OpenAI's deep-research models.
func profileOf(key string) profile {
	c := catalog.Builtin()
	for _, m := range c.All() {
		if m.Kind != catalog.Research {
			continue
		}
		for _, id := range append([]string{m.ID}, m.Aliases...) {
			if Key(m.Provider, id) == key {
				return profileFrom(c.ProfileOf(m))
			}
		}
	}
	return profileFrom(c.ProfileOf(catalog.Model{}))
}

// callRange is the (low, high) number of tool calls of a run: bounded by
// the limit when the provider honours it (0: DefaultToolCalls), else the
// profile's own range whatever the limit.
func (p profile) callRange(honoured bool, limit int) [2]float64 {
	if !honoured {
		return [2]float64{float64(p.calls[0]), float64(p.calls[1])}
	}
	if limit <= 0 {
		limit = DefaultToolCalls
	}
	return [2]float64{float64(min(p.calls[0], limit)), float64(limit)}
}
