package engine

import (
	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/provider/gemini"
	"github.com/deepr-desktop/deepr/backend/provider/openai"
	"github.com/deepr-desktop/deepr/backend/provider/perplexity"
	"github.com/deepr-desktop/deepr/backend/research"
)

// Providers describes every provider to the service, OpenAI first (its
// default model is the default one). Their models, prices, the options
// each model honours and its lifecycle are in the model catalogue
// (backend/catalog); a spec says which of the catalogue's APIs its client
// speaks.
func Providers() []research.ProviderSpec {
	return []research.ProviderSpec{
		{
			Name: "openai", Display: "OpenAI", KeyVariable: "OPENAI_API_KEY", SecretName: "openai_api_key",
			KeyHelp: "platform.openai.com/api-keys", APIs: []catalog.API{catalog.APIResponses},
			New: func(cfg config.Config, key string) research.Provider {
				return openai.New(openai.Config{APIKey: key, BaseURL: cfg.OpenAIBaseURL, OrgID: cfg.OpenAIOrgID, ProjectID: cfg.OpenAIProjectID})
			},
		},
		{
			Name: "gemini", Display: "Gemini", KeyVariable: "GEMINI_API_KEY", SecretName: "gemini_api_key",
			KeyHelp: "aistudio.google.com/apikey", APIs: []catalog.API{catalog.APIInteractions},
			New: func(cfg config.Config, key string) research.Provider {
				return gemini.New(gemini.Config{APIKey: key, BaseURL: cfg.GeminiBaseURL})
			},
		},
		{
			Name: "perplexity", Display: "Perplexity", KeyVariable: "PERPLEXITY_API_KEY", SecretName: "perplexity_api_key",
			KeyHelp: "perplexity.ai/account/api/keys",
			// One client speaks both APIs and picks one per job by its model:
			// the Agent API's presets (deep-research by default) and, while
			// it answers, the async Sonar API (sonar-deep-research).
			APIs: []catalog.API{catalog.APIAgent, catalog.APIAsync},
			New: func(cfg config.Config, key string) research.Provider {
				return perplexity.New(perplexity.Config{APIKey: key, BaseURL: cfg.PerplexityBaseURL})
			},
		},
		{
			Name: "azure", Display: "Azure OpenAI", KeyVariable: "AZURE_OPENAI_API_KEY", SecretName: "azure_openai_api_key",
			KeyHelp: "your Azure OpenAI resource's Keys and Endpoint page", APIs: []catalog.API{catalog.APIResponses},
			EndpointVariable: "AZURE_OPENAI_ENDPOINT",
			// The model is the user's deployment, billed as the catalogue
			// model its name stands for (catalog.Resolve).
			Deployment: func(cfg config.Config) string { return cfg.AzureDeployment },
			Accepts:    func(_ config.Config, m string) bool { return openai.ValidDeployment(m) },
			Ready: func(cfg config.Config) string {
				if cfg.AzureEndpoint == "" {
					return "no Azure OpenAI endpoint: set AZURE_OPENAI_ENDPOINT (https://RESOURCE.openai.azure.com)"
				}
				return ""
			},
			New: func(cfg config.Config, key string) research.Provider {
				if cfg.AzureEndpoint == "" {
					return nil
				}
				return openai.New(openai.Config{APIKey: key, AzureEndpoint: cfg.AzureEndpoint, DefaultModel: cfg.AzureDeployment})
			},
		},
	}
}
