package config

import (
	"fmt"
	"strconv"

	"github.com/deepr-desktop/deepr/backend/cost"
)

// MCPMaxCostRange bounds DEEPR_MCP_MAX_COST: dollars above zero, at most
// Max (the Settings screen shows it beside the field).
var MCPMaxCostRange = Range{Min: 0, Max: 1000, Unit: "USD"}

// Settings of Deepr's MCP server (`deepr mcp`): what AI assistants may
// spend.
const (
	MCPAllowSpendSetting = "DEEPR_MCP_ALLOW_SPEND"
	MCPMaxCostSetting    = "DEEPR_MCP_MAX_COST"
	// DefaultMCPMaxCostUSD is DEEPR_MCP_MAX_COST when unset.
	DefaultMCPMaxCostUSD = 5.0
)

// assistantSpecs are the settings of the MCP server: whether assistants
// may spend at all, and the most one call may cost.
func assistantSpecs() []spec {
	return []spec{
		{Variable{MCPAllowSpendSetting, "false", "true or false (also 1/0, yes/no, on/off)",
			"Let AI assistants connected through `deepr mcp` start paid work (research, questions about a report); off, they can only estimate, follow, search and read.", false},
			func(c *Config, v string, _ LoadOptions) error {
				b, err := boolean(v)
				c.MCPAllowSpend = b
				return err
			},
			func(c Config) string { return strconv.FormatBool(c.MCPAllowSpend) }},
		{Variable{MCPMaxCostSetting, "5", fmt.Sprintf("a positive number of dollars up to %d, like 5 or 2.50", MCPMaxCostRange.Max),
			"The most one paid call from an AI assistant may cost (its high estimate), within the monthly budget.", false},
			func(c *Config, v string, _ LoadOptions) error {
				usd, err := cost.ParseUSD(v)
				if err != nil || usd > float64(MCPMaxCostRange.Max) {
					return fmt.Errorf("use a positive number of dollars up to %d, like 5 or 2.50", MCPMaxCostRange.Max)
				}
				c.MCPMaxCostUSD = usd
				return nil
			},
			func(c Config) string { return strconv.FormatFloat(c.MCPMaxCostUSD, 'f', -1, 64) }},
	}
}
