package engine

import (
	"strings"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/gemini"
	"github.com/deepr-desktop/deepr/backend/provider/openai"
	"github.com/deepr-desktop/deepr/backend/provider/perplexity"
	"github.com/deepr-desktop/deepr/backend/research"
)

// Providers describes every provider to the service, OpenAI first (its
// models are the default ones).
func Providers() []research.ProviderSpec {
	return []research.ProviderSpec{
		{
			Name: "openai", Display: "OpenAI", KeyVariable: "OPENAI_API_KEY", SecretName: "openai_api_key",
			KeyHelp: "platform.openai.com/api-keys", Caps: openAICaps(),
			Models: func(config.Config) []research.ModelInfo { return Models() },
			New: func(cfg config.Config, key string) research.Provider {
				return openai.New(openai.Config{APIKey: key, BaseURL: cfg.OpenAIBaseURL, OrgID: cfg.OpenAIOrgID, ProjectID: cfg.OpenAIProjectID})
			},
		},
		{
			Name: "gemini", Display: "Gemini", KeyVariable: "GEMINI_API_KEY", SecretName: "gemini_api_key",
			KeyHelp: "aistudio.google.com/apikey",
			// The agent always searches with Google (and reads pages); the
			// Interactions API takes no tool switch Deepr sends and no limit
			// on tool calls: the agent decides how many it makes.
			Caps: provider.Capabilities{WebSearch: provider.ToolAlways, CodeInterpreter: provider.ToolNever, Cancel: true, Continue: true},
			Models: func(config.Config) []research.ModelInfo {
				var out []research.ModelInfo
				for i, m := range gemini.Models() {
					d := "Gemini Deep Research agent; searches with Google. Stops as incomplete when it asks for a confirmation."
					if i == 0 {
						d = "Gemini Deep Research (default agent); searches with Google."
					}
					out = append(out, research.ModelInfo{ID: m, Provider: "gemini", Label: strings.ReplaceAll(m, "-", " "), Description: d})
				}
				return out
			},
			New: func(cfg config.Config, key string) research.Provider {
				return gemini.New(gemini.Config{APIKey: key, BaseURL: cfg.GeminiBaseURL})
			},
		},
		{
			Name: "perplexity", Display: "Perplexity", KeyVariable: "PERPLEXITY_API_KEY", SecretName: "perplexity_api_key",
			KeyHelp: "perplexity.ai/account/api/keys",
			// sonar-deep-research searches on every run and decides how many
			// searches it makes; the async API has no cancel and keeps no
			// conversation to continue.
			Caps: provider.Capabilities{WebSearch: provider.ToolAlways, CodeInterpreter: provider.ToolNever},
			Models: func(config.Config) []research.ModelInfo {
				return []research.ModelInfo{{ID: perplexity.DefaultModel, Provider: "perplexity", Label: "Perplexity sonar deep research",
					Description: "Fast and inexpensive. Cannot be cancelled at Perplexity once sent; results are kept there for about 7 days."}}
			},
			New: func(cfg config.Config, key string) research.Provider {
				return perplexity.New(perplexity.Config{APIKey: key, BaseURL: cfg.PerplexityBaseURL})
			},
		},
		{
			Name: "azure", Display: "Azure OpenAI", KeyVariable: "AZURE_OPENAI_API_KEY", SecretName: "azure_openai_api_key",
			KeyHelp: "your Azure OpenAI resource's Keys and Endpoint page", Caps: openAICaps(),
			Models: func(cfg config.Config) []research.ModelInfo {
				var out []research.ModelInfo
				for _, m := range openai.AzureModels(cfg.AzureDeployment) {
					out = append(out, research.ModelInfo{ID: m, Provider: "azure", Label: m + " (Azure deployment)",
						Description: "Your Azure OpenAI deployment; any deployment name can be given with --model."})
				}
				return out
			},
			Accepts: func(_ config.Config, m string) bool { return openai.ValidDeployment(m) },
			// A deployment is billed as the model behind it: o4-mini when its
			// name says so, else o3 (the dearer one, so the budget holds).
			PriceAs: func(m string) string {
				if strings.Contains(strings.ToLower(m), "o4-mini") {
					return "o4-mini-deep-research"
				}
				return "o3-deep-research"
			},
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

// openAICaps are what the Responses API honours, on OpenAI and Azure
// alike: the web_search_preview and code_interpreter tools as switched,
// max_tool_calls, cancel, and previous_response_id for follow-ups.
func openAICaps() provider.Capabilities {
	return provider.Capabilities{WebSearch: provider.ToolOptional, CodeInterpreter: provider.ToolOptional,
		MaxToolCalls: true, Cancel: true, Continue: true}
}

// Models lists OpenAI's models, the default first.
func Models() []research.ModelInfo {
	return []research.ModelInfo{
		{ID: "o3-deep-research", Provider: "openai", Label: "o3 deep research",
			Description: "Most thorough. About $10 / $40 per million input / output tokens plus $0.01 per web search."},
		{ID: "o4-mini-deep-research", Provider: "openai", Label: "o4-mini deep research",
			Description: "Faster and about five times cheaper; good for quick surveys."},
	}
}
