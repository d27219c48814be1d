package openai

import (
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
)

// DefaultModel is used when a request names no model.
const DefaultModel = "o3-deep-research"

// DefaultInstructions is the research brief sent when a request has none.
const DefaultInstructions = `You are a careful research analyst. Research the user's question thoroughly, using many independent and authoritative sources, and prefer primary sources and recent data.

Write the report in Markdown:
- Start with a title and a short summary (3 to 5 sentences) that answers the question directly.
- Then organise the findings under clear headings, with lists or tables where they help.
- Cite sources inline, next to each claim they support, with links.
- Include specific figures, dates and names rather than generalities.
- End with a section on uncertainty: note where sources disagree, where data are missing or dated, and how confident you are in the main conclusions.

Do not invent sources or numbers. If something cannot be verified, say so.`

// webSearchCallUSD is the price of one web search call ($10 per 1,000).
const webSearchCallUSD = 0.01

// price is USD per 1M tokens.
type price struct{ input, cachedInput, output float64 }

// priceOf returns the price of a model id; dated ids share their base
// model's price.
func priceOf(model string) (price, bool) {
	switch strings.TrimSuffix(model, datedSuffix) {
	case "o3-deep-research":
		return price{input: 10.00, cachedInput: 2.50, output: 40.00}, true
	case "o4-mini-deep-research":
		return price{input: 2.00, cachedInput: 0.50, output: 8.00}, true
	}
	return price{}, false
}

const datedSuffix = "-2025-06-26"

// Models lists the deep-research models a user can choose, default first.
func Models() []string {
	return []string{"o3-deep-research", "o4-mini-deep-research"}
}

// ValidModel reports whether m is a known deep-research model id,
// including the dated snapshots (o3-deep-research-2025-06-26, ...).
func ValidModel(m string) bool {
	_, ok := priceOf(m)
	return ok
}

// Cost is the USD cost of a run of model with usage u: uncached input,
// cached input and output tokens (reasoning is inside output) at the
// model's per-1M prices, plus $0.01 per web search call. An unknown model
// costs only its web searches.
func Cost(model string, u job.Usage) float64 {
	p, _ := priceOf(model)
	cached := min(max(u.CachedTokens, 0), max(u.InputTokens, 0))
	uncached := max(u.InputTokens, 0) - cached
	usd := (float64(uncached)*p.input + float64(cached)*p.cachedInput + float64(max(u.OutputTokens, 0))*p.output) / 1e6
	return usd + float64(max(u.WebSearchCalls, 0))*webSearchCallUSD
}

// DefaultAzureDeployment is the Azure deployment used when neither the
// request nor AZURE_OPENAI_DEPLOYMENT names one.
const DefaultAzureDeployment = "o3-deep-research"

// ValidDeployment reports whether name can be an Azure OpenAI deployment
// name: 2 to 64 letters, digits, '-', '_' or '.', starting with a letter or
// digit. Any such name is accepted: Azure, not Deepr, knows which exist.
func ValidDeployment(name string) bool {
	if len(name) < 2 || len(name) > 64 {
		return false
	}
	for i, r := range name {
		alnum := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !alnum && (i == 0 || r != '-' && r != '_' && r != '.') {
			return false
		}
	}
	return true
}

// AzureModels lists the deployments offered for Azure: the configured
// default deployment (DefaultAzureDeployment when deployment is empty).
func AzureModels(deployment string) []string {
	if deployment = strings.TrimSpace(deployment); deployment != "" {
		return []string{deployment}
	}
	return []string{DefaultAzureDeployment}
}
