package openai

import (
	"strings"

	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/job"
)

// DefaultModel is used when a request names no model: the catalogue's
// default OpenAI model (engine's tests check that they agree).
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

// Models lists the deep-research models of OpenAI in the model catalogue
// (backend/catalog), default first, whatever their lifecycle: the service
// decides what is offered.
func Models() []string {
	var out []string
	for _, m := range catalog.Builtin().Research("openai") {
		out = append(out, m.ID)
	}
	return out
}

// ValidModel reports whether m is a deep-research model of the catalogue,
// including the dated snapshots it lists (o3-deep-research-2025-06-26, ...).
func ValidModel(m string) bool {
	c, ok := catalog.Builtin().Find("openai", m)
	return ok && c.Kind == catalog.Research
}

// Cost is the USD cost of a run of model with usage u at the catalogue's
// prices: uncached input, cached input and output tokens (reasoning is
// inside output) per 1M, plus each web search call. An unknown model costs
// only its web searches, at the default model's price per search.
func Cost(model string, u job.Usage) float64 {
	m, ok := catalog.Builtin().Find("openai", model)
	if !ok {
		d, _ := catalog.Builtin().Default("openai")
		m = catalog.Model{Prices: catalog.Prices{WebSearchPer1K: d.Prices.WebSearchPer1K}}
	}
	p := m.Prices
	cached := min(max(u.CachedTokens, 0), max(u.InputTokens, 0))
	uncached := max(u.InputTokens, 0) - cached
	usd := (float64(uncached)*p.InputPerMTok + float64(cached)*p.CachedInputPerMTok + float64(max(u.OutputTokens, 0))*p.OutputPerMTok) / 1e6
	return usd + float64(max(u.WebSearchCalls, 0))*p.WebSearchPer1K/1000
}

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
// default deployment (when deployment is empty, the catalogue's default
// Azure model, the usual name of its deployment).
func AzureModels(deployment string) []string {
	if deployment = strings.TrimSpace(deployment); deployment != "" {
		return []string{deployment}
	}
	d, _ := catalog.Builtin().Default("azure")
	return []string{d.ID}
}
