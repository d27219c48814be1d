package cost

import (
	"fmt"
	"math"
	"sort"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// DefaultToolCalls is the tool-call limit assumed when a request gives
// none: the limit Deepr sends to the provider in that case.
const DefaultToolCalls = job.DefaultMaxToolCalls

// EstimateInput is what an estimate needs to know about a run.
type EstimateInput struct {
	Provider     string
	Model        string
	Prompt       string
	Instructions string // the research brief sent with the prompt, if known
	// Context is the earlier research a follow-up reads with its prompt
	// (the parent's question and report), "" for new research.
	Context         string
	MaxToolCalls    int // 0: DefaultToolCalls (where the limit is honoured)
	WebSearch       bool
	CodeInterpreter bool
	// Honours is what the provider does with the options above: one it
	// ignores changes nothing, and a run whose tool calls the provider
	// decides is estimated from the model's own profile. The zero value
	// honours nothing and counts every tool.
	Honours provider.Capabilities
	Prices  Prices // the prices in force for the model
}

// options is the request's options as the provider runs them.
func (in EstimateInput) options() job.Options {
	return in.Honours.Apply(job.Options{WebSearch: in.WebSearch, CodeInterpreter: in.CodeInterpreter, MaxToolCalls: in.MaxToolCalls})
}

// Range is an estimate of what a run will cost, in dollars. HighUSD is
// what the budget reserves while the run is queued or running.
type Range struct {
	LowUSD  float64 `json:"low_usd"`
	HighUSD float64 `json:"high_usd"`
	// Basis says in one sentence where the numbers come from.
	Basis string `json:"basis"`
	// Samples is how many of the user's finished runs the range comes
	// from; 0 means the documented token ranges were used.
	Samples int `json:"samples"`
}

// baseTokens is the fixed part of the context: the tools' definitions and
// the system framing around the prompt and instructions.
const baseTokens = 500

// Estimate returns the likely cost range of a run, from what the provider
// honours only (see EstimateInput.Honours). The documented token profile
// gives a range: the low end makes a few tool calls with a well-cached
// context; the high end makes every allowed tool call (the profile's own
// count where the provider ignores the limit), reads more per call with
// less caching, reasons more and writes a long report. Every tool call is
// counted as a billed web search at the high end.
//
// With at least MinHistory comparable finished runs in history (same
// model, same honoured options, same tool-call bucket: Comparable), their
// median becomes the low end, and the high end is their 90th percentile
// when that is higher: history never lowers the high end below the
// request's own profile.
func Estimate(in EstimateInput, history History) Range {
	key := Key(in.Provider, in.Model)
	pr := profileOf(key)
	o := in.options()
	calls := pr.callRange(in.Honours.MaxToolCalls, o.MaxToolCalls)
	doc := documented(in, pr, calls, o)
	costs := comparable(history[key], in.Honours, o)
	if len(costs) < MinHistory {
		return doc
	}
	low, high := percentile(costs, 0.5), percentile(costs, 0.9)
	basis := fmt.Sprintf("the median of your last %d comparable %s runs (%s)", len(costs), in.Model, describe(in.Honours, o))
	if in.Context != "" {
		// Past runs did not read this earlier research: add it, read
		// again at every step (cached at the low end).
		ctx := float64(tokensOf(in.Context))
		low += ctx * (calls[0] + 1) * in.Prices.CachedInputPerMTok / 1e6
		high += ctx * (calls[1] + 1) * in.Prices.InputPerMTok / 1e6
		basis += fmt.Sprintf(", plus about %d tokens of earlier research read at every step", int(ctx))
	}
	if high >= doc.HighUSD {
		basis += "; the high end is their 90th percentile"
	} else {
		high = doc.HighUSD
		basis += "; the high end is the documented range's, above their 90th percentile"
	}
	return Range{LowUSD: min(low, high), HighUSD: high, Basis: basis, Samples: len(costs)}
}

// documented is the estimate from the token profile alone, for calls
// tool calls (low, high) with options o as the provider runs them.
func documented(in EstimateInput, pr profile, calls [2]float64, o job.Options) Range {
	prompt := float64(tokensOf(in.Prompt) + tokensOf(in.Instructions) + tokensOf(in.Context) + baseTokens)
	var usd [2]float64
	for i := range usd {
		// The prompt is read again for every step; each tool call adds
		// what it read to the context.
		input := prompt*(calls[i]+1) + calls[i]*pr.inputPerCall[i]
		cached := input * pr.cachedShare[i]
		output := calls[i]*pr.reasoningPerCall[i] + pr.reportTokens[i]
		if pr.maxOutput > 0 {
			output = math.Min(output, pr.maxOutput)
		}
		usd[i] = ((input-cached)*in.Prices.InputPerMTok + cached*in.Prices.CachedInputPerMTok +
			output*in.Prices.OutputPerMTok) / 1e6
		if o.WebSearch {
			searches := calls[i]
			if i == 0 {
				searches = calls[i] / 2 // page opens are not billed as searches
			}
			usd[i] += searches * in.Prices.WebSearchPer1K / 1000
		}
		if o.CodeInterpreter {
			usd[i] += pr.containers[i] * in.Prices.CodeContainerUSD
		}
	}
	basis := fmt.Sprintf("documented ranges for %s: %d to %d tool calls", in.Model, int(calls[0]), int(calls[1]))
	if !in.Honours.MaxToolCalls {
		basis += fmt.Sprintf(" (%s decides how many; a limit is not sent)", in.Provider)
	}
	basis += fmt.Sprintf(", %s to %s context tokens read per call, at %s/%s/%s per 1M input/cached/output tokens",
		thousands(pr.inputPerCall[0]), thousands(pr.inputPerCall[1]),
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
