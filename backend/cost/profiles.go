package cost

// profile is the documented shape of a deep-research run, per tool call.
// The numbers and their sources are in docs/costs.md; a pair is the
// (low-estimate, high-estimate) value.
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

// deepResearch is the profile of OpenAI's deep-research models (and the
// Azure deployments of them), which honour the tool-call limit. Its high
// call count is used only for a provider that ignores the limit and has
// no profile of its own: the largest limit Deepr sends.
func deepResearch() profile {
	return profile{
		calls:            [2]int{10, 200},
		inputPerCall:     [2]float64{10_000, 30_000},
		cachedShare:      [2]float64{0.8, 0.5},
		reasoningPerCall: [2]float64{300, 2_000},
		reportTokens:     [2]float64{2_000, 10_000},
		containers:       [2]float64{0, 3},
		maxOutput:        100_000,
	}
}

// geminiAgent is the profile of Gemini's Deep Research agent: it decides
// its own searches (Google's guide: about 80 searches, 250k input tokens
// mostly cached and 60k output tokens for a typical task), so the range
// goes from half of that to a complex task's twice as many calls.
func geminiAgent() profile {
	return profile{
		calls:            [2]int{40, 160},
		inputPerCall:     [2]float64{3_000, 6_000},
		cachedShare:      [2]float64{0.7, 0.5},
		reasoningPerCall: [2]float64{500, 750},
		reportTokens:     [2]float64{5_000, 10_000},
		containers:       [2]float64{0, 0},
	}
}

// geminiMaxAgent is the profile of Gemini's Deep Research Max agent:
// about 160 searches, 900k input and 80k output tokens for a typical task.
func geminiMaxAgent() profile {
	p := geminiAgent()
	p.calls = [2]int{80, 320}
	p.inputPerCall = [2]float64{4_000, 8_000}
	return p
}

// sonarDeepResearch is the profile of Perplexity's sonar-deep-research:
// it decides its own searches (Perplexity's example: 30 searches), reads
// the citation tokens they bring (no prompt cache) and reasons at length
// before it writes; reasoning is counted at the output price.
func sonarDeepResearch() profile {
	return profile{
		calls:            [2]int{10, 80},
		inputPerCall:     [2]float64{1_000, 3_000},
		cachedShare:      [2]float64{0, 0},
		reasoningPerCall: [2]float64{2_000, 4_000},
		reportTokens:     [2]float64{4_000, 16_000},
		containers:       [2]float64{0, 0},
	}
}

// profiles maps a model's Key to its token profile.
func profiles() map[string]profile {
	return map[string]profile{
		"openai/o3-deep-research":                  deepResearch(),
		"openai/o4-mini-deep-research":             deepResearch(),
		"azure/o3-deep-research":                   deepResearch(),
		"azure/o4-mini-deep-research":              deepResearch(),
		"gemini/deep-research-preview-04-2026":     geminiAgent(),
		"gemini/deep-research-pro-preview-12-2025": geminiAgent(),
		"gemini/deep-research-max-preview-04-2026": geminiMaxAgent(),
		"perplexity/sonar-deep-research":           sonarDeepResearch(),
	}
}

// profileOf returns the token profile of a model; a model without one is
// estimated with the deep-research profile.
func profileOf(key string) profile {
	if p, ok := profiles()[key]; ok {
		return p
	}
	return deepResearch()
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
