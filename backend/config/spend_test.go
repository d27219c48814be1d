package config

import (
	"strings"
	"testing"
)

func TestSpendSettings(t *testing.T) {
	o := setup(t)
	o.Getenv = env(map[string]string{
		"DEEPR_MONTHLY_BUDGET": "$25.50",
		"DEEPR_PRICES":         `{"openai/o3-deep-research": {"output_per_mtok": 32}, "gemini/deep-research": {"input_per_mtok": 2, "output_per_mtok": 12}}`,
	})
	c, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	if c.MonthlyBudgetUSD != 25.5 || c.Get("DEEPR_MONTHLY_BUDGET") != "25.5" || c.Source["DEEPR_MONTHLY_BUDGET"] != SourceEnv {
		t.Errorf("budget %v (Get %q, source %s), want 25.5 from env", c.MonthlyBudgetUSD, c.Get("DEEPR_MONTHLY_BUDGET"), c.Source["DEEPR_MONTHLY_BUDGET"])
	}
	tab := c.PriceTable()
	if p, _ := tab.Lookup("openai", "o3-deep-research"); p.OutputPerMTok != 32 || p.InputPerMTok != 10 {
		t.Errorf("o3 prices %+v, want output 32 over the defaults", p)
	}
	if p, ok := tab.Lookup("gemini", "deep-research"); !ok || p.OutputPerMTok != 12 {
		t.Errorf("added model %+v (%v), want output 12", p, ok)
	}
	if got := c.Get("DEEPR_PRICES"); !strings.Contains(got, `"openai/o3-deep-research":{"output_per_mtok":32}`) {
		t.Errorf("Get(DEEPR_PRICES) = %q, want the overrides as JSON", got)
	}

	// Unset: no limit and the built-in prices.
	d, err := Load(setup(t))
	if err != nil {
		t.Fatal(err)
	}
	if d.MonthlyBudgetUSD != 0 || d.Get("DEEPR_MONTHLY_BUDGET") != "" || d.Get("DEEPR_PRICES") != "" {
		t.Errorf("defaults: budget %v, prices %q; want none", d.MonthlyBudgetUSD, d.Get("DEEPR_PRICES"))
	}
	if p, _ := d.PriceTable().Lookup("openai", "o4-mini-deep-research"); p.InputPerMTok != 2 || p.CachedInputPerMTok != 0.5 || p.OutputPerMTok != 8 {
		t.Errorf("default o4-mini prices %+v", p)
	}
}

func TestSpendSettingsRefused(t *testing.T) {
	cases := []struct{ name, value, want string }{
		{"DEEPR_MONTHLY_BUDGET", "0", `DEEPR_MONTHLY_BUDGET="0" is not valid: use a positive number of dollars`},
		{"DEEPR_MONTHLY_BUDGET", "-10", `DEEPR_MONTHLY_BUDGET="-10" is not valid`},
		{"DEEPR_MONTHLY_BUDGET", "ten", `DEEPR_MONTHLY_BUDGET="ten" is not valid`},
		{"DEEPR_MONTHLY_BUDGET", "NaN", `DEEPR_MONTHLY_BUDGET="NaN" is not valid`},
		{"DEEPR_PRICES", `{"openai/o3-deep-research": {"input_per_mtok": -1}}`, `DEEPR_PRICES=`},
		{"DEEPR_PRICES", `{"openai/o3-deep-research": {"input_per_mtok": -1}}`, `a price must be zero or a positive number`},
		{"DEEPR_PRICES", `o3=10`, `not a JSON object`},
	}
	for _, c := range cases {
		o := setup(t)
		o.Getenv = env(map[string]string{c.name: c.value})
		_, err := Load(o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load with %s=%s: err = %v, want it to contain %q", c.name, c.value, err, c.want)
		}
		// Settings refuse the same values and save nothing.
		dir := t.TempDir()
		err = SaveSettings(dir, map[string]string{c.name: c.value, "DEEPR_MAX_RUNNING": "5"})
		if err == nil || !strings.Contains(err.Error(), c.name) {
			t.Errorf("SaveSettings %s=%s: err = %v, want one naming %s", c.name, c.value, err, c.name)
		}
		if m, _ := LoadSettings(dir); len(m) != 0 {
			t.Errorf("SaveSettings %s=%s saved %v, want nothing", c.name, c.value, m)
		}
	}
	dir := t.TempDir()
	if err := SaveSettings(dir, map[string]string{"DEEPR_MONTHLY_BUDGET": "12", "DEEPR_PRICES": `{"openai/o3-deep-research": {"input_per_mtok": 9}}`}); err != nil {
		t.Fatalf("SaveSettings of good values: %v", err)
	}
	o := setup(t)
	o.DefaultConfigDir = dir
	c, err := Load(o)
	if err != nil || c.MonthlyBudgetUSD != 12 || c.Source["DEEPR_MONTHLY_BUDGET"] != SourceSettings {
		t.Errorf("budget from settings = %v (%s), %v; want 12", c.MonthlyBudgetUSD, c.Source["DEEPR_MONTHLY_BUDGET"], err)
	}
	if p, _ := c.PriceTable().Lookup("openai", "o3-deep-research"); p.InputPerMTok != 9 {
		t.Errorf("price from settings = %v, want 9", p.InputPerMTok)
	}
}
