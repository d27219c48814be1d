package main

import (
	"context"

	"github.com/deepr-desktop/deepr/backend/research"
)

// SaveHelper saves which provider runs the helper model (ask, clarify,
// brief) and the Azure chat deployment it uses; Settings' Helper model card.
func (a *App) SaveHelper(in research.HelperInput) (research.SettingsView, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.SettingsView, error) {
		return s.SaveHelper(ctx, in)
	})
}
