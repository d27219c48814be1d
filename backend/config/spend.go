package config

import (
	"strconv"

	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/cost"
)

// spendSpecs are the settings of spend control and of the model catalogue:
// the monthly budget, the price overrides and the lifecycle overrides.
func spendSpecs() []spec {
	return []spec{
		{Variable{cost.BudgetSetting, "", "a positive number of dollars, like 10 or 25.50; empty for no limit",
			"The most new research may cost per calendar month (UTC): spent plus reserved plus a new job's high estimate. Unset means no limit.", false},
			func(c *Config, v string, _ LoadOptions) error {
				usd, err := cost.ParseUSD(v)
				if err != nil {
					return err
				}
				c.MonthlyBudgetUSD = usd
				return nil
			},
			func(c Config) string {
				if c.MonthlyBudgetUSD <= 0 {
					return ""
				}
				return strconv.FormatFloat(c.MonthlyBudgetUSD, 'f', -1, 64)
			}},
		{Variable{cost.PricesSetting, "", `a JSON object of "provider/model" to prices, like {"openai/o3-deep-research": {"output_per_mtok": 40}}`,
			"Changes the built-in prices (USD per 1M tokens, per 1,000 web searches) or adds a model's; see docs/costs.md.", false},
			func(c *Config, v string, _ LoadOptions) error {
				o, err := cost.ParseOverrides(v)
				if err != nil {
					return err
				}
				c.PriceOverrides = o
				return nil
			},
			func(c Config) string { return c.PriceOverrides.String() }},
		{Variable{catalog.Setting, "", `a JSON object of "provider/model" to lifecycle changes, like {"gemini/deep-research-max-preview-04-2026": {"lifecycle": "retired", "replacement": "deep-research-preview-04-2026"}}`,
			"Changes the lifecycle of models in the built-in model catalogue (retired with a replacement, deprecated with a shutdown date); see docs/configuration.md.", false},
			func(c *Config, v string, _ LoadOptions) error {
				o, err := catalog.ParseOverrides(v)
				if err != nil {
					return err
				}
				c.ModelOverrides = o
				return nil
			},
			func(c Config) string { return c.ModelOverrides.String() }},
	}
}

// Catalog is the model catalogue in force: the built-in catalogue with
// DEEPR_MODELS applied (checked when it was read, so it always applies).
// A new catalogue on every call.
func (c Config) Catalog() *catalog.Catalog {
	if cat, err := catalog.Builtin().Apply(c.ModelOverrides); err == nil {
		return cat
	}
	return catalog.Builtin()
}

// PriceTable is the price list in force: the built-in prices with
// DEEPR_PRICES applied. A new table on every call.
func (c Config) PriceTable() cost.Table {
	return cost.Defaults().Apply(c.PriceOverrides)
}
