package research

import (
	"strings"

	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/cost"
)

// helperTarget is where a helper call runs: the provider (as stored with
// its cost), the model sent (an Azure deployment for Azure) and its prices.
type helperTarget struct {
	provider, model string
	prices          cost.Prices
	helper          Helper
}

// helperTarget picks the helper model's provider (DEEPR_HELPER_PROVIDER:
// auto takes the first of config.HelperOrder that is ready), its model and
// its prices. A provider that is not ready is an ErrProvider (field key)
// naming what to set; a model without a price an ErrInvalid naming the
// setting: nothing is sent either way.
func (s *Service) helperTarget() (helperTarget, error) {
	cfg := s.Config()
	name := cfg.HelperProvider
	if name == "" || name == config.HelperAuto {
		name = ""
		var missing []string
		for _, n := range config.HelperOrder() {
			if why := s.helperNotReady(cfg, n); why == "" {
				name = n
				break
			} else if sp, ok := s.spec(n); ok {
				missing = append(missing, sp.KeyVariable+keyExtra(n))
			}
		}
		if name == "" {
			return helperTarget{}, &Error{Kind: ErrProvider, Field: "key",
				Msg: "the helper model (clarifying questions, research briefs, questions about a report) runs on OpenAI, Azure OpenAI or Gemini, and none has a key: set " +
					strings.Join(missing, ", or ") + ", or save a key in Settings; nothing was sent"}
		}
	} else if why := s.helperNotReady(cfg, name); why != "" {
		return helperTarget{}, &Error{Kind: ErrProvider, Field: "key",
			Msg: "The helper model runs on " + s.displayName(name) + " (the helper provider in Settings) and " + why +
				"; or choose another helper provider in Settings; nothing was sent"}
	}
	h, ok := s.provider(name).(Helper)
	if !ok { // the providers were rebuilt meanwhile
		return helperTarget{}, &Error{Kind: ErrProvider, Msg: "the helper model is not available on " + s.displayName(name) + " in this process; nothing was sent"}
	}
	t := helperTarget{provider: name, helper: h}
	table := cfg.PriceTable()
	switch name {
	case config.HelperAzure:
		t.model = strings.TrimSpace(cfg.AzureHelperDeployment)
		if t.model == "" {
			t.model = config.DefaultAzureHelperDeployment()
		}
		t.prices, ok = azureHelperPrices(cfg, t.model)
		if !ok {
			return helperTarget{}, invalid("azure_helper_deployment",
				"No price is known for the Azure helper deployment %q, so its cost cannot be counted: name the deployment after its model, like %s, or add a price for \"azure/%s\" in Settings; nothing was sent",
				t.model, config.DefaultAzureHelperDeployment(), t.model)
		}
	case config.HelperGemini:
		m, found := cfg.Catalog().Helper(name)
		t.model = m.ID
		if t.prices, ok = table.Lookup(name, t.model); !found || !ok {
			return helperTarget{}, invalid("helper_provider", "the model catalogue has no priced Gemini helper model, so its cost cannot be counted: choose another helper provider; nothing was sent")
		}
	default:
		t.model = strings.TrimSpace(cfg.HelperModel)
		if t.model == "" {
			t.model = config.DefaultHelperModel()
		}
		if t.prices, ok = table.Lookup(name, t.model); !ok {
			return helperTarget{}, invalid("helper_model",
				"No price is known for the helper model %q, so its cost cannot be counted: use %s or add its price in Settings; nothing was sent",
				t.model, config.DefaultHelperModel())
		}
	}
	return t, nil
}

// helperNotReady says why provider name cannot run the helper model now
// ("" : it can): no key, Azure without its endpoint, or no client.
func (s *Service) helperNotReady(cfg config.Config, name string) string {
	sp, ok := s.spec(name)
	if !ok {
		return "this build has no " + name + " provider"
	}
	if !s.hasKey(name) {
		return "no " + sp.Display + " API key is set: set " + sp.KeyVariable + keyExtra(name) + " or save a key in Settings"
	}
	if sp.Ready != nil {
		if why := sp.Ready(cfg); why != "" {
			return why
		}
	}
	if _, ok := s.provider(name).(Helper); !ok {
		return "the helper model is not available on " + sp.Display + " in this process"
	}
	return ""
}

// keyExtra is what a provider needs besides its key.
func keyExtra(name string) string {
	if name == config.HelperAzure {
		return " (with AZURE_OPENAI_ENDPOINT)"
	}
	return ""
}

// azureHelperPrices prices an Azure helper deployment: azure/NAME in the
// price table, else the Azure helper model of the catalogue whose id (or
// one of its Matches) the name contains, case aside ("gpt-4.1-mini-chat"
// is gpt-4.1-mini), else the OpenAI model of that name.
func azureHelperPrices(cfg config.Config, deployment string) (cost.Prices, bool) {
	table := cfg.PriceTable()
	if p, ok := table.Lookup(config.HelperAzure, deployment); ok {
		return p, true
	}
	lower := strings.ToLower(deployment)
	for _, m := range cfg.Catalog().All() {
		if m.Provider != config.HelperAzure || m.Kind != catalog.Helper {
			continue
		}
		for _, s := range append([]string{m.ID}, m.Matches...) {
			if s != "" && strings.Contains(lower, strings.ToLower(s)) {
				if p, ok := table.Lookup(m.Provider, m.ID); ok {
					return p, true
				}
			}
		}
	}
	p, ok := table.Lookup(config.HelperOpenAI, deployment)
	p.Provider = config.HelperAzure
	return p, ok
}
