package config

import (
	"errors"
	"net/url"
	"regexp"
	"strings"

	"github.com/deepr-desktop/deepr/backend/catalog"
)

// Defaults of the provider variables that have one.
const (
	DefaultGeminiBaseURL     = "https://generativelanguage.googleapis.com"
	DefaultPerplexityBaseURL = "https://api.perplexity.ai"
)

// defaultAzureDeployment is the default of AZURE_OPENAI_DEPLOYMENT: the
// model catalogue's default Azure model, the usual name of its deployment.
func defaultAzureDeployment() string {
	m, _ := catalog.Builtin().Default("azure")
	return m.ID
}

// providerSpecs are the settings of the providers other than OpenAI:
// Gemini, Perplexity and Azure OpenAI, in the order they are documented.
func providerSpecs() []spec {
	return []spec{
		{Variable{"GEMINI_API_KEY", "", "a Gemini API key from Google AI Studio (AIza...)",
			"The Gemini API key, sent as x-goog-api-key. If unset, the key saved in the app (OS keychain) is used.", true},
			func(c *Config, v string, _ LoadOptions) error { return apiKey(&c.GeminiAPIKey, v) },
			func(c Config) string { return c.GeminiAPIKey }},
		{Variable{"GEMINI_BASE_URL", DefaultGeminiBaseURL, "an http or https URL",
			"The Gemini API root (a proxy, or a fake server in tests); /v1beta/interactions is appended.", false},
			func(c *Config, v string, _ LoadOptions) error {
				return baseURL(&c.GeminiBaseURL, v, "use an http or https URL, like "+DefaultGeminiBaseURL)
			},
			func(c Config) string { return c.GeminiBaseURL }},
		{Variable{"PERPLEXITY_API_KEY", "", "a Perplexity API key (pplx-...)",
			"The Perplexity API key, sent as a Bearer token. If unset, the key saved in the app (OS keychain) is used.", true},
			func(c *Config, v string, _ LoadOptions) error { return apiKey(&c.PerplexityAPIKey, v) },
			func(c Config) string { return c.PerplexityAPIKey }},
		{Variable{"PERPLEXITY_BASE_URL", DefaultPerplexityBaseURL, "an http or https URL",
			"The Perplexity API root (a proxy, or a fake server in tests); /async/chat/completions is appended.", false},
			func(c *Config, v string, _ LoadOptions) error {
				return baseURL(&c.PerplexityBaseURL, v, "use an http or https URL, like "+DefaultPerplexityBaseURL)
			},
			func(c Config) string { return c.PerplexityBaseURL }},
		{Variable{"AZURE_OPENAI_API_KEY", "", "an Azure OpenAI resource key",
			"The Azure OpenAI key, sent as the api-key header. If unset, the key saved in the app (OS keychain) is used.", true},
			func(c *Config, v string, _ LoadOptions) error { return apiKey(&c.AzureAPIKey, v) },
			func(c Config) string { return c.AzureAPIKey }},
		{Variable{"AZURE_OPENAI_ENDPOINT", "", "the resource endpoint, like https://RESOURCE.openai.azure.com",
			"The Azure OpenAI resource; /openai/v1/ is appended. Azure is offered only when this and a key are set.", false},
			func(c *Config, v string, _ LoadOptions) error {
				u, err := url.Parse(v)
				switch {
				case err != nil || !webURL(v):
					return errors.New("use the resource endpoint, like https://RESOURCE.openai.azure.com")
				case strings.Contains(strings.ToLower(u.Path), "/openai"):
					return errors.New("write only the resource endpoint, like https://RESOURCE.openai.azure.com: Deepr adds /openai/v1/ itself")
				}
				c.AzureEndpoint = strings.TrimRight(v, "/")
				return nil
			},
			func(c Config) string { return c.AzureEndpoint }},
		{Variable{"AZURE_OPENAI_DEPLOYMENT", defaultAzureDeployment(), "a deployment name: 2 to 64 letters, digits, '-', '_' or '.'",
			"The Azure deployment (of a deep-research model) new Azure jobs use unless a job names another.", false},
			func(c *Config, v string, _ LoadOptions) error {
				if !deploymentRe.MatchString(v) {
					return errors.New("use a deployment name of 2 to 64 letters, digits, '-', '_' or '.', like " + defaultAzureDeployment())
				}
				c.AzureDeployment = v
				return nil
			},
			func(c Config) string { return c.AzureDeployment }},
	}
}

var deploymentRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$`)

// apiKey stores a key after checking it has no blanks or quotes (a paste
// gone wrong); the error never includes the key.
func apiKey(dst *string, v string) error {
	if strings.ContainsAny(v, " \t\r\n\"'") {
		return errors.New("it contains spaces, quotes or line breaks; paste the key again")
	}
	*dst = v
	return nil
}

// baseURL stores an http(s) URL without its trailing slash.
func baseURL(dst *string, v, why string) error {
	if !webURL(v) {
		return errors.New(why)
	}
	*dst = strings.TrimRight(v, "/")
	return nil
}
