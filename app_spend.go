package main

import (
	"context"
	"errors"

	"github.com/deepr-desktop/deepr/backend/research"
)

// The window's calls for providers and spend: each is one service use case.

// Providers lists every provider with its key state, models and differences.
func (a *App) Providers() ([]research.ProviderInfo, error) {
	return call(a, func(s *research.Service, ctx context.Context) ([]research.ProviderInfo, error) {
		return s.Providers(), nil
	})
}

// SetProviderKey saves a provider's key and tests it; the key never comes back.
func (a *App) SetProviderKey(provider, key string) (research.KeyResult, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.KeyResult, error) {
		return s.SetKey(ctx, provider, key)
	})
}

// ClearProviderKey removes a provider's saved key.
func (a *App) ClearProviderKey(provider string) (research.SettingsView, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.SettingsView, error) {
		return s.ClearKey(ctx, provider)
	})
}

// SetProviderEndpoint saves the endpoint a provider needs (Azure's); "" removes it.
// A browser may not (deepr serve): the server would then send the provider's
// key to a URL the browser named.
func (a *App) SetProviderEndpoint(provider, endpoint string) (research.SettingsView, error) {
	if !a.host.desktop() {
		return research.SettingsView{}, errors.New("a browser cannot set a provider's endpoint: set it where deepr serve runs (AZURE_OPENAI_ENDPOINT in its environment or .env), then restart it")
	}
	return call(a, func(s *research.Service, ctx context.Context) (research.SettingsView, error) {
		return s.SetEndpoint(ctx, provider, endpoint)
	})
}

// TestProviderKey checks a provider's key with the provider.
func (a *App) TestProviderKey(provider string) (research.KeyTest, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.KeyTest, error) {
		return s.TestKeyOf(ctx, provider), nil
	})
}

// Estimate prices a request and applies the budget rule without queueing it.
func (a *App) Estimate(req research.SubmitRequest) (research.Decision, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.Decision, error) { return s.Estimate(ctx, req) })
}

// Costs returns a month's spending ("YYYY-MM"; "" = this month).
func (a *App) Costs(month string) (research.Spend, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.Spend, error) { return s.Costs(ctx, month) })
}

// SpendMonths lists the months with spending, newest first.
func (a *App) SpendMonths() ([]research.MonthTotal, error) {
	return call(a, func(s *research.Service, ctx context.Context) ([]research.MonthTotal, error) {
		return s.SpendMonths(ctx)
	})
}
