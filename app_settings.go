package main

import (
	"context"

	"github.com/deepr-desktop/deepr/backend/research"
)

// SaveSettingsPatch saves one Settings card's fields (the others stay as
// saved) and applies them. A refusal comes back as data, naming its field
// (research.AsView), with the settings in force.
func (a *App) SaveSettingsPatch(p research.SettingsPatch) research.SettingsResult {
	v, err := call(a, func(s *research.Service, ctx context.Context) (research.SettingsView, error) {
		return s.SaveSettingsPatch(ctx, p)
	})
	if err != nil {
		cur, _ := a.GetSettings()
		return research.SettingsResult{Settings: cur, Error: research.AsView(err)}
	}
	if p.StartAtLogin != nil {
		a.applyStartAtLogin()
	}
	return research.SettingsResult{Settings: v}
}
