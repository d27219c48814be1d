package research

import (
	"context"
	"errors"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/job"
)

// withNames fills a job's display names (job.Job.ProviderDisplay and
// ModelDisplay): the faces show these, never a copy of their own.
func (s *Service) withNames(cfg config.Config, j job.Job) job.Job {
	j.ProviderDisplay = s.displayName(j.Provider)
	j.ModelDisplay = modelDisplay(cfg, j.Provider, j.Model)
	return j
}

// modelDisplay is a model's display name from the catalogue in force. A
// name the catalogue does not list as such (an Azure deployment) is shown
// with the model it stands for, "team-o3 (o3 deep research)"; a model the
// catalogue does not know at all is shown by its id.
func modelDisplay(cfg config.Config, prov, model string) string {
	m, ok := cfg.Catalog().Resolve(prov, model)
	switch {
	case !ok || m.Name == "":
		return model
	case m.ID == model:
		return m.Name
	}
	if _, alias := cfg.Catalog().Find(prov, model); alias { // a dated snapshot of it
		return m.Name + " (" + model + ")"
	}
	return model + " (" + m.Name + ")"
}

// SetEndpoint saves the endpoint a provider needs (its
// ProviderSpec.EndpointVariable: Azure's AZURE_OPENAI_ENDPOINT) in the
// saved settings and applies it; "" removes it. The value is checked with
// start-up's own rules (Deps.Resolve) before anything is written, and one
// fixed by the environment or a .env file cannot be changed here.
func (s *Service) SetEndpoint(ctx context.Context, provider, endpoint string) (SettingsView, error) {
	sp, ok := s.spec(provider)
	if !ok {
		return SettingsView{}, invalid("provider", "unknown provider %q: use one of %s", provider, s.providerNames())
	}
	name := sp.EndpointVariable
	if name == "" {
		return SettingsView{}, invalid("endpoint", "%s takes no endpoint: it needs only a key", sp.Display)
	}
	if s.locked(name) {
		return SettingsView{}, invalid("endpoint", "the %s endpoint is set by %s in the environment or a .env file: change it there and restart Deepr", sp.Display, name)
	}
	m, err := config.LoadSettings(s.dirs.Config)
	if err != nil && !errors.Is(err, config.ErrDamaged) {
		return SettingsView{}, err
	}
	setOrDelete(m, name, endpoint)
	if s.resolve != nil {
		cfg, err := s.resolve(m)
		if err != nil {
			return SettingsView{}, &Error{Kind: ErrInvalid, Field: "endpoint", Msg: err.Error(), Err: err}
		}
		for _, p := range cfg.SettingsProblems {
			if p.Setting == name {
				return SettingsView{}, &Error{Kind: ErrInvalid, Field: "endpoint", Msg: p.String()}
			}
		}
	}
	if err := config.SaveSettings(s.dirs.Config, m); err != nil {
		return SettingsView{}, &Error{Kind: ErrInvalid, Msg: err.Error(), Err: err}
	}
	if err := s.Reload(ctx); err != nil {
		return SettingsView{}, err
	}
	return s.Settings(), nil
}
