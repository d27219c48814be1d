package cost

import (
	"strings"
	"testing"
)

func TestParseOverrides(t *testing.T) {
	cases := []struct {
		name, in string
		check    func(t *testing.T, tab Table)
		err      string
	}{
		{name: "empty", in: "  ", check: func(t *testing.T, tab Table) {
			if len(tab) != len(Defaults()) {
				t.Errorf("empty overrides changed the table: %v", tab)
			}
		}},
		{name: "partial change of a known model", in: `{"openai/o3-deep-research": {"output_per_mtok": 32}}`,
			check: func(t *testing.T, tab Table) {
				p, _ := tab.Lookup("openai", "o3-deep-research")
				if p.OutputPerMTok != 32 || p.InputPerMTok != 10 || p.CachedInputPerMTok != 2.5 || p.WebSearchPer1K != 10 {
					t.Errorf("o3 = %+v, want output 32 and the other defaults", p)
				}
			}},
		{name: "a dated key changes the base model", in: `{"OpenAI/o4-mini-deep-research-2025-06-26": {"web_search_per_1k": 25}}`,
			check: func(t *testing.T, tab Table) {
				p, _ := tab.Lookup("openai", "o4-mini-deep-research")
				if p.WebSearchPer1K != 25 || p.InputPerMTok != 2 {
					t.Errorf("o4-mini = %+v, want search 25 and the other defaults", p)
				}
			}},
		{name: "a new model", in: `{"gemini/deep-research-pro": {"input_per_mtok": 2, "output_per_mtok": 12}}`,
			check: func(t *testing.T, tab Table) {
				p, ok := tab.Lookup("gemini", "deep-research-pro")
				if !ok || p.InputPerMTok != 2 || p.CachedInputPerMTok != 2 || p.OutputPerMTok != 12 || p.WebSearchPer1K != 0 ||
					p.Provider != "gemini" || p.Model != "deep-research-pro" {
					t.Errorf("new model = %+v (found %v), want 2/2/12, search 0", p, ok)
				}
			}},
		{name: "free is allowed", in: `{"openai/o3-deep-research": {"web_search_per_1k": 0}}`,
			check: func(t *testing.T, tab Table) {
				if p, _ := tab.Lookup("openai", "o3-deep-research"); p.WebSearchPer1K != 0 {
					t.Errorf("search = %v, want 0", p.WebSearchPer1K)
				}
			}},
		{name: "negative", in: `{"openai/o3-deep-research": {"input_per_mtok": -10}}`, err: "input_per_mtok of openai/o3-deep-research is -10"},
		{name: "not JSON", in: `o3=10`, err: "not a JSON object"},
		{name: "an array", in: `[1]`, err: "not a JSON object"},
		{name: "null", in: `null`, err: "it is null"},
		{name: "trailing text", in: `{} {}`, err: "text after"},
		{name: "unknown field", in: `{"openai/o3-deep-research": {"input": 10}}`, err: "unknown field"},
		{name: "a string price", in: `{"openai/o3-deep-research": {"input_per_mtok": "10"}}`, err: "not a JSON object"},
		{name: "no provider", in: `{"o3-deep-research": {"input_per_mtok": 10}}`, err: "provider/model"},
		{name: "new model without output price", in: `{"x/y": {"input_per_mtok": 1}}`, err: "give at least input_per_mtok and output_per_mtok"},
		{name: "listed twice", in: `{"openai/o3-deep-research": {"input_per_mtok": 1}, "OPENAI/o3-deep-research-2025-06-26": {"input_per_mtok": 2}}`, err: "twice"},
	}
	for _, c := range cases {
		o, err := ParseOverrides(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: ParseOverrides(%s) = %v, want an error containing %q", c.name, c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: ParseOverrides(%s): %v", c.name, c.in, err)
			continue
		}
		c.check(t, Defaults().Apply(o))
		// The canonical form parses back to the same overrides.
		back, err := ParseOverrides(o.String())
		if err != nil || back.String() != o.String() {
			t.Errorf("%s: String() = %q does not round-trip (%v, %q)", c.name, o.String(), err, back.String())
		}
	}
}

func TestApplyLeavesTheTableAlone(t *testing.T) {
	base := Defaults()
	o, err := ParseOverrides(`{"openai/o3-deep-research": {"input_per_mtok": 1}}`)
	if err != nil {
		t.Fatal(err)
	}
	_ = base.Apply(o)
	if p, _ := base.Lookup("openai", "o3-deep-research"); p.InputPerMTok != 10 {
		t.Errorf("Apply changed its receiver: input = %v", p.InputPerMTok)
	}
}
