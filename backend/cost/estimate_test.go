package cost

import (
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
)

func defaults(t *testing.T, model string) Prices {
	t.Helper()
	p, ok := Defaults().Lookup("openai", model)
	if !ok {
		t.Fatalf("no default price for %s", model)
	}
	return p
}

func TestEstimateDocumented(t *testing.T) {
	o3, mini := defaults(t, "o3-deep-research"), defaults(t, "o4-mini-deep-research")
	cases := []struct {
		name      string
		in        EstimateInput
		low, high float64
	}{
		// Prompt context: 500 tokens. Low: 10 calls, input 500*11 + 10*10k =
		// 105,500 (80% cached), output 10*300 + 2,000, 5 billed searches.
		// High: 40 calls, input 500*41 + 40*30k = 1,220,500 (50% cached),
		// output 40*2,000 + 10,000, 40 searches.
		{"o3, default limit", EstimateInput{Honours: openAICaps, Provider: "openai", Model: "o3-deep-research", WebSearch: true, Prices: o3},
			21_100*10/1e6 + 84_400*2.5/1e6 + 5_000*40/1e6 + 0.05,
			610_250*10/1e6 + 610_250*2.5/1e6 + 90_000*40/1e6 + 0.40},
		{"o4-mini, limit 40 given", EstimateInput{Honours: openAICaps, Provider: "openai", Model: "o4-mini-deep-research", MaxToolCalls: 40, WebSearch: true, Prices: mini},
			21_100*2/1e6 + 84_400*0.5/1e6 + 5_000*8/1e6 + 0.05,
			610_250*2/1e6 + 610_250*0.5/1e6 + 90_000*8/1e6 + 0.40},
		{"code interpreter adds up to 3 containers", EstimateInput{Honours: openAICaps, Provider: "openai", Model: "o3-deep-research", WebSearch: true, CodeInterpreter: true, Prices: o3},
			21_100*10/1e6 + 84_400*2.5/1e6 + 5_000*40/1e6 + 0.05,
			610_250*10/1e6 + 610_250*2.5/1e6 + 90_000*40/1e6 + 0.40 + 3*0.03},
		{"no web search: no search fees", EstimateInput{Honours: openAICaps, Provider: "openai", Model: "o3-deep-research", Prices: o3},
			21_100*10/1e6 + 84_400*2.5/1e6 + 5_000*40/1e6,
			610_250*10/1e6 + 610_250*2.5/1e6 + 90_000*40/1e6},
		// A limit of 4: both ends make 4 calls; input 500*5 + 4*10k or 4*30k.
		{"a low limit bounds both ends", EstimateInput{Honours: openAICaps, Provider: "openai", Model: "o3-deep-research", MaxToolCalls: 4, WebSearch: true, Prices: o3},
			42_500*0.2*10/1e6 + 42_500*0.8*2.5/1e6 + 3_200*40/1e6 + 0.02,
			122_500*0.5*10/1e6 + 122_500*0.5*2.5/1e6 + 18_000*40/1e6 + 0.04},
		// 200 calls: output 200*2,000 + 10,000 is capped at the 100k output limit.
		{"output is capped at the model's limit", EstimateInput{Honours: openAICaps, Provider: "openai", Model: "o3-deep-research", MaxToolCalls: 200, WebSearch: true, Prices: o3},
			21_100*10/1e6 + 84_400*2.5/1e6 + 5_000*40/1e6 + 0.05,
			(500*201+200*30_000)*0.5*12.5/1e6 + 100_000*40/1e6 + 2.00},
		// A 4,000-byte prompt is 1,000 tokens, read again on every step.
		{"a long prompt is read on every step", EstimateInput{Honours: openAICaps, Provider: "openai", Model: "o3-deep-research", Prompt: strings.Repeat("abcd", 1000), WebSearch: true, Prices: o3},
			(1_500*11+100_000)*0.2*10/1e6 + (1_500*11+100_000)*0.8*2.5/1e6 + 5_000*40/1e6 + 0.05,
			(1_500*41+1_200_000)*0.5*12.5/1e6 + 90_000*40/1e6 + 0.40},
	}
	for _, c := range cases {
		r := Estimate(c.in, nil)
		if !near(r.LowUSD, c.low) || !near(r.HighUSD, c.high) {
			t.Errorf("%s: Estimate = %.6f to %.6f, want %.6f to %.6f", c.name, r.LowUSD, r.HighUSD, c.low, c.high)
		}
		if r.Samples != 0 || !strings.Contains(r.Basis, "documented ranges for "+c.in.Model) {
			t.Errorf("%s: basis %q (samples %d), want the documented ranges", c.name, r.Basis, r.Samples)
		}
		if r.LowUSD > r.HighUSD {
			t.Errorf("%s: low %.4f above high %.4f", c.name, r.LowUSD, r.HighUSD)
		}
	}
}

func TestEstimateGrowsWithTheLimit(t *testing.T) {
	o3 := defaults(t, "o3-deep-research")
	prev := 0.0
	for _, n := range []int{1, 5, 10, 20, 40, 80, 200} {
		r := Estimate(EstimateInput{Honours: openAICaps, Provider: "openai", Model: "o3-deep-research", MaxToolCalls: n, WebSearch: true, Prices: o3}, nil)
		if r.HighUSD <= prev {
			t.Errorf("max_tool_calls %d: high %.4f, not above %.4f for a lower limit", n, r.HighUSD, prev)
		}
		prev = r.HighUSD
	}
}

// TestEstimateCountsTheContext: a follow-up's estimate grows with the
// earlier research it reads, with and without a history.
func TestEstimateCountsTheContext(t *testing.T) {
	p, _ := Defaults().Lookup("openai", "o4-mini-deep-research")
	in := EstimateInput{Honours: openAICaps, Provider: "openai", Model: "o4-mini-deep-research", Prompt: "deeper", Prices: p}
	withCtx := in
	withCtx.Context = strings.Repeat("word ", 20_000) // about 25k tokens
	// The runs were sent like the request: no tools, the default limit.
	plain := job.Options{}
	for _, h := range []History{nil, {"openai/o4-mini-deep-research": runs(plain, 0.5, 0.6, 0.7, 0.8, 0.9)}} {
		a, b := Estimate(in, h), Estimate(withCtx, h)
		if !(b.LowUSD > a.LowUSD && b.HighUSD > a.HighUSD) || !strings.Contains(b.Basis, "earlier research") {
			t.Errorf("history %v: without context %+v, with %+v; want both ends higher and the basis to say why", h, a, b)
		}
	}
}
