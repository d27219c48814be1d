package research

import (
	"context"
	"errors"
	"strings"

	"github.com/deepr-desktop/deepr/backend/config"
)

// HelperView is the Settings window's "Helper model" card: which provider
// runs ask, clarify and brief (DEEPR_HELPER_PROVIDER), the choices to offer
// (from config.HelperChoices, each with whether it can run now), the Azure
// chat deployment, and what runs now.
type HelperView struct {
	Provider        string         `json:"provider"` // auto | openai | azure | gemini
	Choices         []HelperChoice `json:"choices"`
	AzureDeployment string         `json:"azure_deployment"`
	// InUse is the provider and model that would answer now ("" : none);
	// Problem why none can ("" : one can).
	InUse   string `json:"in_use"`
	Problem string `json:"problem"`
}

// HelperChoice is one value of DEEPR_HELPER_PROVIDER.
type HelperChoice struct {
	Value string `json:"value"`
	Label string `json:"label"`
	// Ready: the provider can run the helper now (auto: one of them can);
	// Note says why not, or for auto which one it takes.
	Ready bool   `json:"ready"`
	Note  string `json:"note"`
	// AsksDeployment: it runs on the Azure chat deployment
	// (HelperView.AzureDeployment), which the card then asks for.
	AsksDeployment bool `json:"asks_deployment"`
}

// HelperInput is what the Helper model card saves.
type HelperInput struct {
	Provider        string `json:"provider"`         // "" = auto
	AzureDeployment string `json:"azure_deployment"` // "" = the default deployment name
}

// helperView describes the helper settings in force.
func (s *Service) helperView(cfg config.Config) HelperView {
	v := HelperView{Provider: cfg.HelperProvider, AzureDeployment: cfg.AzureHelperDeployment}
	if t, err := s.helperTarget(); err == nil {
		v.InUse = s.displayName(t.provider) + ": " + t.model
	} else {
		v.Problem = err.Error()
	}
	for _, name := range config.HelperChoices() {
		c := HelperChoice{Value: name, Ready: true}
		switch name {
		case config.HelperAuto:
			c.Label = "Automatic: the first of OpenAI, Azure OpenAI and Gemini with a key"
			c.Ready, c.Note = v.InUse != "", v.InUse+v.Problem
		default:
			c.Label = s.displayName(name) + " (" + helperModelName(cfg, name) + ")"
			c.AsksDeployment = name == config.HelperAzure
			if why := s.helperNotReady(cfg, name); why != "" {
				c.Ready, c.Note = false, why
			}
		}
		v.Choices = append(v.Choices, c)
	}
	return v
}

// helperModelName is the model the helper runs on provider name.
func helperModelName(cfg config.Config, name string) string {
	switch name {
	case config.HelperAzure:
		return "deployment " + cfg.AzureHelperDeployment
	case config.HelperGemini:
		m, _ := cfg.Catalog().Helper(name)
		return m.Name
	}
	if cfg.HelperModel != "" {
		return cfg.HelperModel
	}
	return config.DefaultHelperModel()
}

// SaveHelper checks, saves and applies the helper settings alone
// (DEEPR_HELPER_PROVIDER, DEEPR_AZURE_HELPER_DEPLOYMENT), with start-up's
// own rules, as SaveSettings does: a refused value writes nothing and
// names its field (helper_provider, azure_helper_deployment). A value
// fixed by the environment or a .env file is kept as it is.
func (s *Service) SaveHelper(ctx context.Context, in HelperInput) (SettingsView, error) {
	m, err := config.LoadSettings(s.dirs.Config)
	if err != nil && !errors.Is(err, config.ErrDamaged) {
		return SettingsView{}, err
	}
	for name, v := range map[string]string{"DEEPR_HELPER_PROVIDER": strings.ToLower(in.Provider), "DEEPR_AZURE_HELPER_DEPLOYMENT": in.AzureDeployment} {
		if !s.locked(name) {
			setOrDelete(m, name, v)
		}
	}
	return s.writeSettings(ctx, m)
}
