package cost

import (
	"math"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/job"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestCost(t *testing.T) {
	o3 := Prices{Provider: "openai", Model: "o3-deep-research", InputPerMTok: 10, CachedInputPerMTok: 2.5, OutputPerMTok: 40, WebSearchPer1K: 10}
	mini := Prices{Provider: "openai", Model: "o4-mini-deep-research", InputPerMTok: 2, CachedInputPerMTok: 0.5, OutputPerMTok: 8, WebSearchPer1K: 10}
	cases := []struct {
		name string
		p    Prices
		u    job.Usage
		want float64
	}{
		{"nothing", o3, job.Usage{}, 0},
		{"1M uncached input", o3, job.Usage{InputTokens: 1_000_000}, 10},
		{"1M output", o3, job.Usage{OutputTokens: 1_000_000}, 40},
		{"cached billed once at the cached rate", o3, job.Usage{InputTokens: 1_000_000, CachedTokens: 400_000}, 0.6*10 + 0.4*2.5},
		{"all cached", o3, job.Usage{InputTokens: 200_000, CachedTokens: 200_000}, 0.2 * 2.5},
		{"cached beyond input is clamped", o3, job.Usage{InputTokens: 100_000, CachedTokens: 300_000}, 0.1 * 2.5},
		{"reasoning is inside output, not added", o3, job.Usage{OutputTokens: 10_000, ReasoningTokens: 8_000}, 0.01 * 40},
		{"searches at $10 per 1,000", o3, job.Usage{WebSearchCalls: 37}, 0.37},
		{"one search", mini, job.Usage{WebSearchCalls: 1}, 0.01},
		{"negative counts are zero", o3, job.Usage{InputTokens: -5, CachedTokens: -3, OutputTokens: -1, WebSearchCalls: -9}, 0},
		// The community report: 243,551 input (194,748 cached), 2,911 output, 13 searches on o3 prices.
		{"a real o3 run", o3, job.Usage{InputTokens: 243_551, CachedTokens: 194_748, OutputTokens: 2_911, ReasoningTokens: 2_048, WebSearchCalls: 13},
			(243_551-194_748)*10/1e6 + 194_748*2.5/1e6 + 2_911*40/1e6 + 0.13},
		{"the same on o4-mini", mini, job.Usage{InputTokens: 243_551, CachedTokens: 194_748, OutputTokens: 2_911, WebSearchCalls: 13},
			(243_551-194_748)*2/1e6 + 194_748*0.5/1e6 + 2_911*8/1e6 + 0.13},
		{"unknown model costs nothing from the zero prices", Prices{}, job.Usage{InputTokens: 1e6, WebSearchCalls: 10}, 0},
	}
	for _, c := range cases {
		if got := Cost(c.p, c.u); !near(got, c.want) {
			t.Errorf("%s: Cost = %.10f, want %.10f", c.name, got, c.want)
		}
	}
}

func TestDefaults(t *testing.T) {
	d := Defaults()
	for _, c := range []struct {
		provider, model         string
		in, cached, out, search float64
	}{
		{"openai", "o3-deep-research", 10, 2.5, 40, 10},
		{"openai", "o4-mini-deep-research", 2, 0.5, 8, 10},
		{"openai", "o3-deep-research-2025-06-26", 10, 2.5, 40, 10},
		{"OpenAI", " O4-Mini-Deep-Research-2025-06-26 ", 2, 0.5, 8, 10},
	} {
		p, ok := d.Lookup(c.provider, c.model)
		if !ok {
			t.Errorf("Lookup(%q, %q): not found", c.provider, c.model)
			continue
		}
		if p.InputPerMTok != c.in || p.CachedInputPerMTok != c.cached || p.OutputPerMTok != c.out || p.WebSearchPer1K != c.search {
			t.Errorf("Lookup(%q, %q) = %+v, want %v/%v/%v, search %v", c.provider, c.model, p, c.in, c.cached, c.out, c.search)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("default %s: %v", p.Model, err)
		}
	}
	if _, ok := d.Lookup("openai", "gpt-4o"); ok {
		t.Error("Lookup(gpt-4o) found a price; unknown models must be reported as unknown")
	}
	if _, ok := d.Lookup("gemini", "o3-deep-research"); ok {
		t.Error("a model is priced per provider: gemini/o3-deep-research must not find openai's price")
	}
	d["openai/o3-deep-research"] = Prices{}
	if p, _ := Defaults().Lookup("openai", "o3-deep-research"); p.InputPerMTok != 10 {
		t.Error("changing one Defaults() table changed the next one")
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		p    Prices
		want string
	}{
		{Prices{Provider: "openai", Model: "m", InputPerMTok: -1}, "input_per_mtok of openai/m is -1"},
		{Prices{Provider: "openai", Model: "m", WebSearchPer1K: math.NaN()}, "web_search_per_1k"},
		{Prices{Provider: "openai", Model: "m", OutputPerMTok: math.Inf(1)}, "output_per_mtok"},
		{Prices{Provider: "openai", Model: "m", CachedInputPerMTok: 1e9}, "typo"},
		{Prices{Provider: "openai", Model: "m"}, ""},
	} {
		err := c.p.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("Validate(%+v) = %v, want nil", c.p, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("Validate(%+v) = %v, want an error containing %q", c.p, err, c.want)
		}
	}
}

// TestDefaultsComeFromTheCatalogue: every model of the catalogue (helper
// included) is priced as the catalogue says, and nothing else is.
func TestDefaultsComeFromTheCatalogue(t *testing.T) {
	d := Defaults()
	all := catalog.Builtin().All()
	if len(d) != len(all) {
		t.Errorf("Defaults has %d models, the catalogue %d", len(d), len(all))
	}
	for _, m := range all {
		p, ok := d.Lookup(m.Provider, m.ID)
		want := Prices{Provider: m.Provider, Model: m.ID, InputPerMTok: m.Prices.InputPerMTok, CachedInputPerMTok: m.Prices.CachedInputPerMTok,
			OutputPerMTok: m.Prices.OutputPerMTok, WebSearchPer1K: m.Prices.WebSearchPer1K, CodeContainerUSD: m.Prices.CodeContainerUSD}
		if !ok || p != want {
			t.Errorf("Lookup(%s) = %+v, %v; want %+v", m.Key(), p, ok, want)
		}
		if m.Kind == catalog.Research {
			if got, want := profileOf(Key(m.Provider, m.ID)), profileFrom(catalog.Builtin().ProfileOf(m)); got != want {
				t.Errorf("profile of %s = %+v, want the catalogue's %q: %+v", m.Key(), got, m.Profile, want)
			}
		}
	}
}
