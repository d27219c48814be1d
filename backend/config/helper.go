package config

import (
	"errors"
	"strings"

	"github.com/deepr-desktop/deepr/backend/catalog"
)

// DEEPR_HELPER_PROVIDER values: which provider the helper model (ask,
// clarify, brief) runs on.
const (
	// HelperAuto: the first of HelperOrder with a key (Azure also needs
	// its endpoint).
	HelperAuto   = "auto"
	HelperOpenAI = "openai"
	HelperAzure  = "azure"
	HelperGemini = "gemini"
)

// HelperOrder is the order in which HelperAuto picks a provider.
func HelperOrder() []string { return []string{HelperOpenAI, HelperAzure, HelperGemini} }

// HelperChoices are the values DEEPR_HELPER_PROVIDER accepts, HelperAuto
// first: what the Settings window offers.
func HelperChoices() []string { return append([]string{HelperAuto}, HelperOrder()...) }

// DefaultAzureHelperDeployment is the default of
// DEEPR_AZURE_HELPER_DEPLOYMENT: the model catalogue's Azure helper model,
// the usual name of its deployment.
func DefaultAzureHelperDeployment() string {
	m, _ := catalog.Builtin().Helper(HelperAzure)
	return m.ID
}

// helperSpecs are the settings of the helper model's provider.
func helperSpecs() []spec {
	return []spec{
		{Variable{"DEEPR_HELPER_PROVIDER", HelperAuto, strings.Join(HelperChoices(), ", "),
			"The provider the helper model (clarifying questions, research briefs, questions about a report) runs on: openai (DEEPR_HELPER_MODEL), azure (DEEPR_AZURE_HELPER_DEPLOYMENT), gemini (the catalogue's Gemini Flash model), or auto: the first of OpenAI, Azure and Gemini with a key. Also in Settings.", false},
			func(c *Config, v string, _ LoadOptions) error {
				v = strings.ToLower(v)
				for _, ok := range HelperChoices() {
					if v == ok {
						c.HelperProvider = v
						return nil
					}
				}
				return errors.New("use " + strings.Join(HelperChoices(), ", "))
			},
			func(c Config) string { return c.HelperProvider }},
		{Variable{"DEEPR_AZURE_HELPER_DEPLOYMENT", DefaultAzureHelperDeployment(), "a deployment name: 2 to 64 letters, digits, '-', '_' or '.'",
			"The Azure OpenAI chat deployment the helper model runs on when its provider is Azure; priced as azure/NAME in the price table, else as the catalogue's Azure helper model its name contains (gpt-4.1-mini), else as openai/NAME. Also in Settings.", false},
			func(c *Config, v string, _ LoadOptions) error {
				if !deploymentRe.MatchString(v) {
					return errors.New("use a deployment name of 2 to 64 letters, digits, '-', '_' or '.', like " + DefaultAzureHelperDeployment())
				}
				c.AzureHelperDeployment = v
				return nil
			},
			func(c Config) string { return c.AzureHelperDeployment }},
	}
}
