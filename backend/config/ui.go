package config

import (
	"errors"
	"strings"
)

// Themes of DEEPR_THEME.
const (
	ThemeSystem = "system"
	ThemeLight  = "light"
	ThemeDark   = "dark"
)

// uiSpecs are the settings of the window itself.
func uiSpecs() []spec {
	return []spec{
		{Variable{"DEEPR_THEME", ThemeSystem, "system, light or dark",
			"The window's colours: follow the system, or always light or dark. The window opens in these colours, with no white flash.", false},
			func(c *Config, v string, _ LoadOptions) error {
				switch t := strings.ToLower(v); t {
				case ThemeSystem, ThemeLight, ThemeDark:
					c.Theme = t
					return nil
				}
				return errors.New("use system, light or dark")
			},
			func(c Config) string { return c.Theme }},
	}
}
