package cost

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// The capabilities of the four providers, as backend/engine fills them
// (the research tests check the engine's own against the estimate).
var (
	openAICaps = provider.Capabilities{WebSearch: provider.ToolOptional, CodeInterpreter: provider.ToolOptional,
		MaxToolCalls: true, Cancel: true, Continue: true}
	azureCaps      = openAICaps
	geminiCaps     = provider.Capabilities{WebSearch: provider.ToolAlways, CodeInterpreter: provider.ToolNever, Cancel: true, Continue: true}
	perplexityCaps = provider.Capabilities{WebSearch: provider.ToolAlways, CodeInterpreter: provider.ToolNever}
)

func capsOf(prov string) provider.Capabilities {
	return map[string]provider.Capabilities{"openai": openAICaps, "azure": azureCaps, "gemini": geminiCaps, "perplexity": perplexityCaps}[prov]
}

// researchModels lists every research model of the default price table
// (the helper model is not one) with its prices.
func researchModels() []Prices {
	var out []Prices
	for _, k := range Defaults().Models() {
		if p := Defaults()[k]; !strings.HasPrefix(p.Model, "gpt-") {
			out = append(out, p)
		}
	}
	return out
}

// runs is a history of finished runs sent with options o, one per cost.
func runs(o job.Options, costs ...float64) []Run {
	out := make([]Run, len(costs))
	for i, c := range costs {
		out[i] = Run{CostUSD: c, Options: &o}
	}
	return out
}

// formOptions lists every combination of options the new-research form
// offers for a provider: each switch it honours on and off, every limit
// from 1 to 200 where it honours one (the form sends 0 for a hidden one).
func formOptions(c provider.Capabilities) []job.Options {
	webs, codes, limits := []bool{false}, []bool{false}, []int{0}
	if c.WebSearch == provider.ToolOptional {
		webs = []bool{false, true}
	}
	if c.CodeInterpreter == provider.ToolOptional {
		codes = []bool{false, true}
	}
	if c.MaxToolCalls {
		limits = limits[:0]
		for n := 1; n <= 200; n++ {
			limits = append(limits, n)
		}
	}
	var out []job.Options
	for _, w := range webs {
		for _, c := range codes {
			for _, n := range limits {
				out = append(out, job.Options{WebSearch: w, CodeInterpreter: c, MaxToolCalls: n})
			}
		}
	}
	return out
}

func request(p Prices, o job.Options) EstimateInput {
	return EstimateInput{Provider: p.Provider, Model: p.Model, Prompt: "Research the tea trade", Honours: capsOf(p.Provider),
		WebSearch: o.WebSearch, CodeInterpreter: o.CodeInterpreter, MaxToolCalls: o.MaxToolCalls, Prices: p}
}

// TestEstimateIgnoresWhatTheProviderIgnores: on Gemini and Perplexity no
// option changes the estimate (the bypass: a limit of 2 lowered a Gemini
// estimate the budget refused at 40); on OpenAI and Azure each one does.
func TestEstimateIgnoresWhatTheProviderIgnores(t *testing.T) {
	all := []job.Options{{}, {MaxToolCalls: 2}, {MaxToolCalls: 40, WebSearch: true}, {MaxToolCalls: 200, WebSearch: true, CodeInterpreter: true},
		{CodeInterpreter: true}, {WebSearch: true, MaxToolCalls: 1}}
	for _, p := range researchModels() {
		c := capsOf(p.Provider)
		base := Estimate(request(p, all[0]), nil)
		for _, o := range all[1:] {
			r := Estimate(request(p, o), nil)
			same := near(r.LowUSD, base.LowUSD) && near(r.HighUSD, base.HighUSD)
			if ignores := !c.MaxToolCalls; ignores != same {
				t.Errorf("%s/%s options %+v: %.4f-%.4f against %.4f-%.4f with none; want them equal: %v", p.Provider, p.Model, o,
					r.LowUSD, r.HighUSD, base.LowUSD, base.HighUSD, ignores)
			}
		}
		if c.MaxToolCalls {
			for _, pair := range [][2]job.Options{{{MaxToolCalls: 2}, {MaxToolCalls: 40}}, {{MaxToolCalls: 40}, {MaxToolCalls: 40, WebSearch: true}},
				{{MaxToolCalls: 40, WebSearch: true}, {MaxToolCalls: 40, WebSearch: true, CodeInterpreter: true}}} {
				a, b := Estimate(request(p, pair[0]), nil), Estimate(request(p, pair[1]), nil)
				if !(b.HighUSD > a.HighUSD) {
					t.Errorf("%s/%s: %+v high %.4f is not above %+v high %.4f", p.Provider, p.Model, pair[1], b.HighUSD, pair[0], a.HighUSD)
				}
			}
		} else if !strings.Contains(base.Basis, "decides how many") {
			t.Errorf("%s/%s: basis %q does not say the provider decides its tool calls", p.Provider, p.Model, base.Basis)
		}
	}
}

// TestEstimateProfilesOfAgents: Gemini's agents and Perplexity's model are
// estimated from their own documented profiles (docs/costs.md), searches
// always counted. Short prompt: 500 tokens of context.
func TestEstimateProfilesOfAgents(t *testing.T) {
	cases := []struct {
		provider, model string
		low, high       float64
	}{
		// Low: 40 calls, input 500*41 + 40*3k = 140,500 (70% cached), output
		// 40*500 + 5k, 20 searches. High: 160 calls, input 500*161 + 160*6k
		// = 1,040,500 (50% cached), output 160*750 + 10k, 160 searches.
		{"gemini", "deep-research-preview-04-2026",
			42_150*2/1e6 + 98_350*0.2/1e6 + 25_000*12/1e6 + 20*0.014,
			520_250*2/1e6 + 520_250*0.2/1e6 + 130_000*12/1e6 + 160*0.014},
		{"gemini", "deep-research-pro-preview-12-2025",
			42_150*2/1e6 + 98_350*0.2/1e6 + 25_000*12/1e6 + 20*0.014,
			520_250*2/1e6 + 520_250*0.2/1e6 + 130_000*12/1e6 + 160*0.014},
		// Max: 80 to 320 calls, 4k to 8k tokens read per call.
		{"gemini", "deep-research-max-preview-04-2026",
			108_150*2/1e6 + 252_350*0.2/1e6 + 45_000*12/1e6 + 40*0.014,
			1_360_250*2/1e6 + 1_360_250*0.2/1e6 + 250_000*12/1e6 + 320*0.014},
		// Low: 10 calls, input 500*11 + 10*1k, output 10*2k + 4k, 5
		// searches. High: 80 calls, input 500*81 + 80*3k, output 80*4k +
		// 16k, 80 searches. No prompt cache.
		{"perplexity", "sonar-deep-research",
			15_500*2/1e6 + 24_000*8/1e6 + 5*0.005,
			280_500*2/1e6 + 336_000*8/1e6 + 80*0.005},
	}
	for _, c := range cases {
		p, ok := Defaults().Lookup(c.provider, c.model)
		if !ok {
			t.Fatalf("no price for %s/%s", c.provider, c.model)
		}
		for _, o := range []job.Options{{}, {MaxToolCalls: 2}, {MaxToolCalls: 200, CodeInterpreter: true}} {
			r := Estimate(EstimateInput{Provider: c.provider, Model: c.model, Honours: capsOf(c.provider), Prices: p,
				MaxToolCalls: o.MaxToolCalls, CodeInterpreter: o.CodeInterpreter}, nil)
			if !near(r.LowUSD, c.low) || !near(r.HighUSD, c.high) {
				t.Errorf("%s/%s %+v: %.6f to %.6f, want %.6f to %.6f", c.provider, c.model, o, r.LowUSD, r.HighUSD, c.low, c.high)
			}
		}
	}
}

func TestBucket(t *testing.T) {
	for _, c := range []struct{ limit, bucket int }{{0, 40}, {1, 10}, {10, 10}, {11, 20}, {20, 20}, {21, 40}, {40, 40}, {41, 80},
		{80, 80}, {81, 200}, {200, 200}, {250, 250}} {
		if got := Bucket(c.limit); got != c.bucket {
			t.Errorf("Bucket(%d) = %d, want %d", c.limit, got, c.bucket)
		}
	}
}

// TestEstimateHistoryOfComparableRuns: five $1 runs of o3 with web search
// and 40 tool calls sharpen only a request like them. Before, 5 calls
// without tools and 200 calls with web search and code both estimated
// $1.00-$1.00.
func TestEstimateHistoryOfComparableRuns(t *testing.T) {
	o3 := defaults(t, "o3-deep-research")
	web40 := job.Options{WebSearch: true, MaxToolCalls: 40}
	h := History{"openai/o3-deep-research": runs(web40, 1, 1, 1, 1, 1)}
	cases := []struct {
		name    string
		o       job.Options
		samples int
	}{
		{"the same options", web40, 5},
		{"the same bucket (21-40)", job.Options{WebSearch: true, MaxToolCalls: 25}, 5},
		{"the default limit is 40", job.Options{WebSearch: true}, 5},
		{"5 calls without tools", job.Options{MaxToolCalls: 5}, 0},
		{"200 calls with web search and code", job.Options{WebSearch: true, CodeInterpreter: true, MaxToolCalls: 200}, 0},
		{"another bucket", job.Options{WebSearch: true, MaxToolCalls: 41}, 0},
		{"code interpreter on", job.Options{WebSearch: true, CodeInterpreter: true, MaxToolCalls: 40}, 0},
	}
	for _, c := range cases {
		in := EstimateInput{Honours: openAICaps, Provider: "openai", Model: "o3-deep-research", Prices: o3,
			WebSearch: c.o.WebSearch, CodeInterpreter: c.o.CodeInterpreter, MaxToolCalls: c.o.MaxToolCalls}
		doc, r := Estimate(in, nil), Estimate(in, h)
		if r.Samples != c.samples {
			t.Errorf("%s: %d samples, want %d (basis %q)", c.name, r.Samples, c.samples, r.Basis)
		}
		if r.HighUSD < doc.HighUSD {
			t.Errorf("%s: high %.4f below the profile's %.4f", c.name, r.HighUSD, doc.HighUSD)
		}
		if c.samples == 0 && (r.LowUSD != doc.LowUSD || r.HighUSD != doc.HighUSD) {
			t.Errorf("%s: %.4f-%.4f, want the documented %.4f-%.4f", c.name, r.LowUSD, r.HighUSD, doc.LowUSD, doc.HighUSD)
		}
		if c.samples > 0 && (!near(r.LowUSD, 1) || !strings.Contains(r.Basis, "comparable") || !strings.Contains(r.Basis, "21-40 tool calls")) {
			t.Errorf("%s: low %.4f (want the median $1), basis %q", c.name, r.LowUSD, r.Basis)
		}
	}
	big := Estimate(EstimateInput{Honours: openAICaps, Provider: "openai", Model: "o3-deep-research", Prices: o3, WebSearch: true,
		CodeInterpreter: true, MaxToolCalls: 200}, h)
	if big.HighUSD < 44 {
		t.Errorf("200 calls with web search and code: high %.2f, want the profile's $44 and more", big.HighUSD)
	}
}

// TestEstimateHistoryRules: the median and 90th percentile (nearest rank)
// of the comparable runs; a dearer 90th percentile raises the high end; a
// dated model shares its base model's runs; runs without known options,
// of another model or free are not used; the history is not reordered.
func TestEstimateHistoryRules(t *testing.T) {
	o3 := defaults(t, "o3-deep-research")
	plain := job.Options{MaxToolCalls: 40}
	in := EstimateInput{Honours: openAICaps, Provider: "openai", Model: "o3-deep-research", MaxToolCalls: 40, Prices: o3}
	doc := Estimate(in, nil)
	unknown := []Run{{CostUSD: 1}, {CostUSD: 1}, {CostUSD: 1}, {CostUSD: 1}, {CostUSD: 1}}
	cases := []struct {
		name      string
		model     string
		history   History
		low, high float64
		samples   int
	}{
		{"four runs are not enough", "o3-deep-research", History{"openai/o3-deep-research": runs(plain, 1, 2, 3, 4)}, doc.LowUSD, doc.HighUSD, 0},
		{"five runs: the median, and the dearer 90th percentile", "o3-deep-research", History{"openai/o3-deep-research": runs(plain, 100, 2, 4, 1, 3)}, 3, 100, 5},
		{"ten cheap runs: the median, the profile's high end", "o3-deep-research", History{"openai/o3-deep-research": runs(plain, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)}, 5.5, doc.HighUSD, 10},
		{"a dated model uses its base model's runs", "o3-deep-research-2025-06-26", History{"openai/o3-deep-research": runs(plain, 5, 5, 5, 5, 5)}, 5, doc.HighUSD, 5},
		{"another model's runs are not used", "o3-deep-research", History{"openai/o4-mini-deep-research": runs(plain, 1, 1, 1, 1, 1)}, doc.LowUSD, doc.HighUSD, 0},
		{"runs of unknown options are not used", "o3-deep-research", History{"openai/o3-deep-research": unknown}, doc.LowUSD, doc.HighUSD, 0},
		{"free runs are not used", "o3-deep-research", History{"openai/o3-deep-research": runs(plain, 0, 0, 0, 0, 0)}, doc.LowUSD, doc.HighUSD, 0},
		{"a median above the high end is capped", "o3-deep-research", History{"openai/o3-deep-research": runs(plain, 50, 50, 50, 50, 50)}, 50, 50, 5},
	}
	for _, c := range cases {
		in := in
		in.Model = c.model
		before := History{}
		for k, v := range c.history {
			before[k] = append([]Run(nil), v...)
		}
		r := Estimate(in, c.history)
		if !near(r.LowUSD, c.low) || !near(r.HighUSD, c.high) || r.Samples != c.samples {
			t.Errorf("%s: Estimate = %v to %v (%d samples), want %v to %v (%d)", c.name, r.LowUSD, r.HighUSD, r.Samples, c.low, c.high, c.samples)
		}
		for k, v := range before {
			for i := range v {
				if c.history[k][i] != v[i] {
					t.Errorf("%s: Estimate reordered the history", c.name)
				}
			}
		}
	}
}

// TestHistoryNeverLowersTheHighEnd: for every provider, every model and
// every option the form offers, no history (a cheap run of exactly that
// request, five times) brings the high end below the request's profile.
func TestHistoryNeverLowersTheHighEnd(t *testing.T) {
	for _, p := range researchModels() {
		for _, o := range formOptions(capsOf(p.Provider)) {
			in := request(p, o)
			doc := Estimate(in, nil)
			r := Estimate(in, History{Key(p.Provider, p.Model): runs(o, 0.001, 0.001, 0.001, 0.001, 0.001)})
			if r.Samples != 5 || r.HighUSD < doc.HighUSD || r.LowUSD > r.HighUSD {
				t.Fatalf("%s/%s %+v: %+v, profile %+v: want 5 samples and the high end kept", p.Provider, p.Model, o, r, doc)
			}
		}
	}
}

// TestHistoryNeverLowersTheHighEndRandomly draws histories of runs with
// any options and costs, and requests with any option the form offers.
func TestHistoryNeverLowersTheHighEndRandomly(t *testing.T) {
	models := researchModels()
	rapid.Check(t, func(t *rapid.T) {
		p := rapid.SampledFrom(models).Draw(t, "model")
		c := capsOf(p.Provider)
		o := rapid.SampledFrom(formOptions(c)).Draw(t, "request")
		n := rapid.IntRange(0, 40).Draw(t, "runs")
		var h []Run
		for range n {
			ro := job.Options{WebSearch: rapid.Bool().Draw(t, "web"), CodeInterpreter: rapid.Bool().Draw(t, "code"),
				MaxToolCalls: rapid.IntRange(0, 200).Draw(t, "calls")}
			h = append(h, Run{CostUSD: rapid.Float64Range(0, 100).Draw(t, "cost"), Options: &ro})
		}
		in := request(p, o)
		in.Context = strings.Repeat("x", rapid.IntRange(0, 4000).Draw(t, "context"))
		doc, r := Estimate(in, nil), Estimate(in, History{Key(p.Provider, p.Model): h})
		if r.HighUSD < doc.HighUSD || r.LowUSD > r.HighUSD {
			t.Fatalf("%+v, profile %+v: the high end went below the profile or under the low end", r, doc)
		}
	})
}
