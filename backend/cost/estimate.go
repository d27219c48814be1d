package cost

import (
	"fmt"
	"math"
	"sort"
)

// DefaultToolCalls is the tool-call limit assumed when a request gives
// none: the limit Deepr sends to the provider in that case.
const DefaultToolCalls = 40

// MinHistory is how many finished jobs on a model it takes before the
// estimate uses the user's own costs instead of the documented ranges.
const MinHistory = 5

// EstimateInput is what an estimate needs to know about a run.
type EstimateInput struct {
	Provider     string
	Model        string
	Prompt       string
	Instructions string // the research brief sent with the prompt, if known
	// Context is the earlier research a follow-up reads with its prompt
	// (the parent's question and report), "" for new research.
	Context         string
	MaxToolCalls    int // 0: DefaultToolCalls
	WebSearch       bool
	CodeInterpreter bool
	Prices          Prices // the prices in force for the model
}

// Range is an estimate of what a run will cost, in dollars. HighUSD is
// what the budget reserves while the run is queued or running.
type Range struct {
	LowUSD  float64 `json:"low_usd"`
	HighUSD float64 `json:"high_usd"`
	// Basis says in one sentence where the numbers come from.
	Basis string `json:"basis"`
	// Samples is how many of the user's finished jobs the range comes
	// from; 0 means the documented token ranges were used.
	Samples int `json:"samples"`
}

// History holds the costs of finished runs per model, keyed by Key: the
// store's calibration query fills it.
type History map[string][]float64

// profile is the documented shape of a deep-research run, per tool call.
// The numbers and their sources are in docs/costs.md; a pair is the
// (low-estimate, high-estimate) value.
type profile struct {
	callsLow         int        // tool calls at the low end (fewer if the limit is lower)
	inputPerCall     [2]float64 // context tokens read for each tool call
	cachedShare      [2]float64 // share of the input served from the prompt cache
	reasoningPerCall [2]float64 // output (reasoning) tokens per tool call
	reportTokens     [2]float64 // tokens of the final report
	containers       [2]float64 // code-interpreter containers, when enabled
	maxOutput        float64    // the model's output limit, tokens
}

// deepResearch is the profile of OpenAI's deep-research models.
func deepResearch() profile {
	return profile{
		callsLow:         10,
		inputPerCall:     [2]float64{10_000, 30_000},
		cachedShare:      [2]float64{0.8, 0.5},
		reasoningPerCall: [2]float64{300, 2_000},
		reportTokens:     [2]float64{2_000, 10_000},
		containers:       [2]float64{0, 3},
		maxOutput:        100_000,
	}
}

// profiles maps a model's Key to its token profile. Other providers'
// models get an entry here when their runs are shaped differently.
func profiles() map[string]profile {
	return map[string]profile{
		"openai/o3-deep-research":      deepResearch(),
		"openai/o4-mini-deep-research": deepResearch(),
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

// baseTokens is the fixed part of the context: the tools' definitions and
// the system framing around the prompt and instructions.
const baseTokens = 500

// Estimate returns the likely cost range of a run. With at least
// MinHistory finished runs of the model in history, the range is their
// median (low) and 90th percentile (high). Otherwise it comes from the
// documented token profile: the low end makes a few tool calls with a
// well-cached context; the high end uses every allowed tool call, reads
// more per call with less caching, reasons more and writes a long report.
// Every tool call is counted as a billed web search at the high end.
func Estimate(in EstimateInput, history History) Range {
	key := Key(in.Provider, in.Model)
	pr := profileOf(key)
	limit := in.MaxToolCalls
	if limit <= 0 {
		limit = DefaultToolCalls
	}
	calls := [2]float64{float64(min(pr.callsLow, limit)), float64(limit)}
	if costs := history[key]; len(costs) >= MinHistory {
		low, high := percentile(costs, 0.5), percentile(costs, 0.9)
		basis := fmt.Sprintf("the median and 90th percentile of your last %d finished %s jobs", len(costs), in.Model)
		if in.Context != "" {
			// Past runs did not read this earlier research: add it, read
			// again at every step (cached at the low end).
			ctx := float64(tokensOf(in.Context))
			low += ctx * (calls[0] + 1) * in.Prices.CachedInputPerMTok / 1e6
			high += ctx * (calls[1] + 1) * in.Prices.InputPerMTok / 1e6
			basis += fmt.Sprintf(", plus about %d tokens of earlier research read at every step", int(ctx))
		}
		return Range{LowUSD: low, HighUSD: high, Basis: basis, Samples: len(costs)}
	}
	prompt := float64(tokensOf(in.Prompt) + tokensOf(in.Instructions) + tokensOf(in.Context) + baseTokens)
	var usd [2]float64
	for i := range usd {
		// The prompt is read again for every step; each tool call adds
		// what it read to the context.
		input := prompt*(calls[i]+1) + calls[i]*pr.inputPerCall[i]
		cached := input * pr.cachedShare[i]
		output := math.Min(calls[i]*pr.reasoningPerCall[i]+pr.reportTokens[i], pr.maxOutput)
		usd[i] = ((input-cached)*in.Prices.InputPerMTok + cached*in.Prices.CachedInputPerMTok +
			output*in.Prices.OutputPerMTok) / 1e6
		if in.WebSearch {
			searches := calls[i]
			if i == 0 {
				searches = calls[i] / 2 // page opens are not billed as searches
			}
			usd[i] += searches * in.Prices.WebSearchPer1K / 1000
		}
		if in.CodeInterpreter {
			usd[i] += pr.containers[i] * in.Prices.CodeContainerUSD
		}
	}
	basis := fmt.Sprintf("documented ranges for %s: %d to %d tool calls, %s to %s context tokens read per call, at %s/%s/%s per 1M input/cached/output tokens",
		in.Model, int(calls[0]), int(calls[1]), thousands(pr.inputPerCall[0]), thousands(pr.inputPerCall[1]),
		FormatUSD(in.Prices.InputPerMTok), FormatUSD(in.Prices.CachedInputPerMTok), FormatUSD(in.Prices.OutputPerMTok))
	if in.Context != "" {
		basis += fmt.Sprintf(", with about %d tokens of earlier research read at every step", tokensOf(in.Context))
	}
	return Range{LowUSD: usd[0], HighUSD: usd[1], Basis: basis}
}

// tokensOf approximates the token count of text: one token per four
// bytes, rounded up.
func tokensOf(s string) int { return (len(s) + 3) / 4 }

func thousands(v float64) string { return fmt.Sprintf("%.0fk", v/1000) }

// percentile is the nearest-rank percentile of values (p in (0, 1]); the
// median of an even count is the mean of the middle two. values is not
// changed.
func percentile(values []float64, p float64) float64 {
	if len(values) == 0 {
		return 0
	}
	s := append([]float64(nil), values...)
	sort.Float64s(s)
	if p == 0.5 {
		n := len(s)
		if n%2 == 1 {
			return s[n/2]
		}
		return (s[n/2-1] + s[n/2]) / 2
	}
	rank := int(math.Ceil(p * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}
