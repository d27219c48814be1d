package research

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// ProviderSpec describes one deep-research provider to the service: how to
// find its key, which models it offers and how to build it. engine.Open
// passes one per provider; everything provider-specific the service needs
// is here, so a new provider is one more spec.
type ProviderSpec struct {
	Name        string // "openai", "gemini", "perplexity", "azure": what a job records
	Display     string // "OpenAI", ...
	KeyVariable string // the environment variable of its key, e.g. OPENAI_API_KEY
	SecretName  string // the name its key is saved under (keychain or 0600 file)
	KeyHelp     string // where a user gets a key
	// CanCancel is false when the provider has no cancel call: a cancel is
	// then local only, and the provider may still finish and bill.
	CanCancel bool
	// Continues is true when a follow-up can continue the parent's stored
	// response by its id (previous_response_id, previous_interaction_id);
	// false sends the parent's question and report as context.
	Continues bool
	// Models lists its models (the first is its default) under cfg.
	Models func(cfg config.Config) []ModelInfo
	// Accepts reports whether model names one of its models (nil: one of
	// Models). Azure accepts any valid deployment name.
	Accepts func(cfg config.Config, model string) bool
	// Ready says whether it can be used without a key (a missing endpoint,
	// say); "" means ready once a key is set.
	Ready func(cfg config.Config) string
	// PriceAs names the priced model a model is billed as, when the price
	// table has no entry of its own (an Azure deployment name); nil: none.
	PriceAs func(model string) string
	// New builds it from the configuration and its resolved key.
	New func(cfg config.Config, key string) Provider
}

// ModelInfo describes a model the user can pick.
type ModelInfo struct {
	ID          string `json:"id"`
	Provider    string `json:"provider"`
	Label       string `json:"label"`
	Description string `json:"description"`
}

// ProviderInfo is what a face shows about a provider.
type ProviderInfo struct {
	Name       string      `json:"name"`
	Display    string      `json:"display"`
	KeySet     bool        `json:"key_set"`
	KeyHint    string      `json:"key_hint"`
	KeyStorage string      `json:"key_storage"`
	Ready      bool        `json:"ready"`  // a key is set and nothing else is missing
	Reason     string      `json:"reason"` // why not, when not ready
	CanCancel  bool        `json:"can_cancel"`
	Note       string      `json:"note"` // what differs, e.g. no cancel
	Models     []ModelInfo `json:"models"`
}

// Providers lists every provider with its key state and models.
func (s *Service) Providers() []ProviderInfo {
	cfg := s.Config()
	out := make([]ProviderInfo, 0, len(s.specs))
	for _, sp := range s.specs {
		k := s.keyState(sp.Name)
		pi := ProviderInfo{Name: sp.Name, Display: sp.Display, KeySet: k.key != "", KeyStorage: k.storage,
			CanCancel: sp.CanCancel, Models: sp.Models(cfg)}
		if k.key != "" {
			pi.KeyHint = hint(k.key)
		}
		pi.Reason = s.notReady(cfg, sp)
		pi.Ready = pi.Reason == ""
		if !sp.CanCancel {
			pi.Note = sp.Display + " cannot be cancelled at the provider: a cancel stops tracking here, and the run may still finish and bill."
		}
		out = append(out, pi)
	}
	return out
}

func (s *Service) notReady(cfg config.Config, sp ProviderSpec) string {
	if sp.Ready != nil {
		if why := sp.Ready(cfg); why != "" {
			return why
		}
	}
	if !s.hasKey(sp.Name) {
		return fmt.Sprintf("no %s key: set %s or save one in Settings (%s)", sp.Display, sp.KeyVariable, sp.KeyHelp)
	}
	return ""
}

// Models lists the models of every provider, each provider's default first.
func (s *Service) Models() []ModelInfo {
	cfg := s.Config()
	var out []ModelInfo
	for _, sp := range s.specs {
		out = append(out, sp.Models(cfg)...)
	}
	return out
}

func (s *Service) spec(name string) (ProviderSpec, bool) {
	for _, sp := range s.specs {
		if sp.Name == name {
			return sp, true
		}
	}
	return ProviderSpec{}, false
}

// pickProvider resolves a request's provider and model: an explicit
// provider must exist and accept the model (its default when none is
// given); without one, the model names it (OpenAI first), and no model
// means the configured default model.
func (s *Service) pickProvider(name, model string) (string, string, error) {
	cfg := s.Config()
	name = strings.ToLower(strings.TrimSpace(name))
	if name != "" {
		sp, ok := s.spec(name)
		if !ok {
			return "", "", invalid("provider", "unknown provider %q: use one of %s", name, s.providerNames())
		}
		if model == "" {
			if ms := sp.Models(cfg); len(ms) > 0 {
				model = ms[0].ID
			}
		}
		if !accepts(cfg, sp, model) {
			return "", "", invalid("model", "%s has no model %q: use one of %s", sp.Display, model, modelIDs(sp.Models(cfg)))
		}
		return sp.Name, model, nil
	}
	if model == "" {
		model = cfg.Model
	}
	for _, sp := range s.specs {
		for _, m := range sp.Models(cfg) {
			if m.ID == model {
				return sp.Name, model, nil
			}
		}
	}
	return "", "", invalid("model", "unknown model %q: use one of %s (or name the provider)", model, modelIDs(s.Models()))
}

func accepts(cfg config.Config, sp ProviderSpec, model string) bool {
	if sp.Accepts != nil {
		return sp.Accepts(cfg, model)
	}
	for _, m := range sp.Models(cfg) {
		if m.ID == model {
			return true
		}
	}
	return false
}

func modelIDs(ms []ModelInfo) string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return strings.Join(ids, ", ")
}

func (s *Service) providerNames() string {
	names := make([]string, len(s.specs))
	for i, sp := range s.specs {
		names[i] = sp.Name
	}
	return strings.Join(names, ", ")
}

func (s *Service) displayName(name string) string {
	if sp, ok := s.spec(name); ok {
		return sp.Display
	}
	return name
}

// rebuildProviders resolves every provider's key and builds the providers.
func (s *Service) rebuildProviders() {
	cfg := s.Config()
	keys := map[string]keyState{}
	ps := map[string]Provider{}
	for _, sp := range s.specs {
		k := s.resolveKey(cfg, sp.KeyVariable, sp.SecretName)
		keys[sp.Name] = k
		if sp.New != nil {
			if p := sp.New(cfg, k.key); p != nil {
				ps[sp.Name] = p
			}
		}
	}
	s.mu.Lock()
	s.providers, s.keys = ps, keys
	s.mu.Unlock()
	if s.worker != nil {
		for name, p := range ps {
			s.worker.SetProvider(name, p)
		}
	}
}

// TestKeyOf asks a provider whether its current key is accepted.
func (s *Service) TestKeyOf(ctx context.Context, name string) KeyTest {
	sp, ok := s.spec(name)
	if !ok {
		return KeyTest{false, fmt.Sprintf("unknown provider %q: use one of %s", name, s.providerNames())}
	}
	if why := s.notReady(s.Config(), sp); why != "" {
		return KeyTest{false, strings.ToUpper(why[:1]) + why[1:] + "."}
	}
	p := s.provider(sp.Name)
	if p == nil {
		return KeyTest{false, sp.Display + " is not configured."}
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := p.CheckKey(ctx); err != nil {
		var pe *provider.Error
		if errors.As(err, &pe) {
			return KeyTest{false, pe.Message}
		}
		return KeyTest{false, err.Error()}
	}
	return KeyTest{true, sp.Display + " accepted the key."}
}
