package research

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

// ProviderSpec describes one deep-research provider to the service: how to
// find its key, which of the catalogue's models it can send and how to
// build it. engine.Open passes one per provider; everything
// provider-specific the service needs is here or in the model catalogue
// (backend/catalog: models, prices, options honoured, lifecycle), so a new
// provider is one more spec and its catalogue entries.
type ProviderSpec struct {
	Name        string // "openai", "gemini", "perplexity", "azure": what a job records
	Display     string // "OpenAI", ...
	KeyVariable string // the environment variable of its key, e.g. OPENAI_API_KEY
	SecretName  string // the name its key is saved under (keychain or 0600 file)
	KeyHelp     string // where a user gets a key
	// EndpointVariable is the setting of the endpoint it needs ("" : none;
	// Azure: AZURE_OPENAI_ENDPOINT), shown on its Settings card.
	EndpointVariable string
	// APIs are the provider APIs its client speaks: catalogue models on
	// another API are not offered or accepted. nil: every API.
	APIs []catalog.API
	// Deployment, for a provider whose model names are the user's own
	// (Azure), is the one it offers under cfg ("" : the catalogue's
	// default); nil: it offers its catalogue models.
	Deployment func(cfg config.Config) string
	// Accepts reports whether model is a name it accepts beyond the models
	// it offers (nil: none). Azure accepts any valid deployment name.
	Accepts func(cfg config.Config, model string) bool
	// Ready says whether it can be used without a key (a missing endpoint,
	// say); "" means ready once a key is set.
	Ready func(cfg config.Config) string
	// New builds it from the configuration and its resolved key.
	New func(cfg config.Config, key string) Provider
}

// ProviderInfo is what a face shows about a provider.
type ProviderInfo struct {
	Name    string `json:"name"`
	Display string `json:"display"`
	// KeyVariable is the environment variable of its key and KeyHelp
	// where a user gets one: its Settings card says both.
	KeyVariable string `json:"key_variable"`
	KeyHelp     string `json:"key_help"`
	// EndpointVariable is the setting of the endpoint it needs (Azure's
	// AZURE_OPENAI_ENDPOINT; "" : none), Endpoint its value in force ("" :
	// not set) and EndpointLocked whether the environment or a .env file
	// fixes it.
	EndpointVariable string      `json:"endpoint_variable"`
	Endpoint         string      `json:"endpoint"`
	EndpointLocked   bool        `json:"endpoint_locked"`
	KeySet           bool        `json:"key_set"`
	KeyHint          string      `json:"key_hint"`
	KeyStorage       string      `json:"key_storage"`
	Ready            bool        `json:"ready"`  // a key is set and nothing else is missing
	Reason           string      `json:"reason"` // why not, when not ready
	CanCancel        bool        `json:"can_cancel"`
	Note             string      `json:"note"` // what differs, e.g. no cancel
	Models           []ModelInfo `json:"models"`
	// Capabilities says which options its default model honours; each
	// model carries its own (ModelInfo.Capabilities), which a face offers
	// (and the service checks, see Validate).
	Capabilities provider.Capabilities `json:"capabilities"`
	// KeyCheck is what is known of the key in force: its last test and
	// the last call the provider answered (nil: nothing yet).
	KeyCheck *KeyCheck `json:"key_check"`
}

// KeyCheck is when a provider's key was last tested (and how that went)
// and when the provider last answered a call; nil times: never.
type KeyCheck struct {
	TestedAt    *time.Time `json:"tested_at" ts_type:"string"`
	TestOK      bool       `json:"test_ok"`
	TestMessage string     `json:"test_message"`
	LastOKAt    *time.Time `json:"last_ok_at" ts_type:"string"`
}

func keyCheckOf(k store.KeyCheck) *KeyCheck {
	at := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	return &KeyCheck{TestedAt: at(k.TestedAt), TestOK: k.TestOK, TestMessage: k.TestMessage, LastOKAt: at(k.LastOKAt)}
}

// Providers lists every provider with its key state and models.
func (s *Service) Providers() []ProviderInfo {
	cfg := s.Config()
	checks, err := s.st.KeyChecks(context.Background())
	if err != nil {
		s.log.WithError(err).Warn("reading when keys last worked")
	}
	out := make([]ProviderInfo, 0, len(s.specs))
	for _, sp := range s.specs {
		k := s.keyState(sp.Name)
		ms := s.offered(cfg, sp)
		caps := capsOf(cfg, sp.Name, "")
		if len(ms) > 0 {
			caps = ms[0].Capabilities
		}
		pi := ProviderInfo{Name: sp.Name, Display: sp.Display, KeyVariable: sp.KeyVariable, KeyHelp: sp.KeyHelp,
			KeySet: k.key != "", KeyStorage: k.storage, CanCancel: caps.Cancel, Models: ms, Capabilities: caps}
		if v := sp.EndpointVariable; v != "" {
			pi.EndpointVariable, pi.Endpoint, pi.EndpointLocked = v, cfg.Get(v), s.locked(v)
		}
		if k.key != "" {
			pi.KeyHint = hint(k.key)
			if c, ok := checks[sp.Name]; ok {
				pi.KeyCheck = keyCheckOf(c)
			}
		}
		pi.Reason = s.notReady(cfg, sp)
		pi.Ready = pi.Reason == ""
		if !caps.Cancel {
			pi.Note = cannotStop(sp.Display)
		}
		out = append(out, pi)
	}
	return out
}

// checkOptions checks a request's options against what its model honours
// (the catalogue's Honours) and returns them as the provider runs them.
// An explicit value the provider would ignore is refused, naming the
// field and why, rather than dropped: a tool-call limit that would not
// limit anything (the bypass: a lower limit lowered the estimate of a run
// that cost the same), or a code interpreter it does not have. Web search
// on a provider that always searches is recorded on, whatever was asked.
// A limit of 0 where one is honoured is the default. A cost cap of its own
// is refused for a model that takes none.
func (s *Service) checkOptions(in SubmitRequest) (SubmitRequest, error) {
	sp, _ := s.spec(in.Provider)
	c := capsOf(s.Config(), in.Provider, in.Model)
	if in.MaxToolCalls != 0 && !c.MaxToolCalls {
		return in, invalid("max_tool_calls", "%s does not honour a limit on tool calls: its runs decide how many searches they make, "+
			"so the limit would not lower the cost. Leave max tool calls out; the estimate uses what %s runs cost", sp.Display, sp.Display)
	}
	if in.CodeInterpreter && c.CodeInterpreter == provider.ToolNever {
		return in, invalid("code_interpreter", "%s does not offer a code interpreter that Deepr can turn on: leave code interpreter off", sp.Display)
	}
	if in.MaxCostUSD > 0 && !c.CostCap {
		return in, invalid("max_cost_usd", "%s takes no cost cap of its own: leave max cost empty (the monthly budget still applies)", in.Model)
	}
	if c.MaxToolCalls {
		if in.MaxToolCalls == 0 {
			in.MaxToolCalls = DefaultMaxToolCalls
		}
		if in.MaxToolCalls < MinMaxToolCalls || in.MaxToolCalls > MaxMaxToolCalls {
			return in, invalid("max_tool_calls", "Max tool calls must be between %d and %d, not %d", MinMaxToolCalls, MaxMaxToolCalls, in.MaxToolCalls)
		}
	}
	o := c.Apply(optionsOf(in))
	in.WebSearch, in.CodeInterpreter, in.MaxToolCalls = o.WebSearch, o.CodeInterpreter, o.MaxToolCalls
	return in, nil
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

func (s *Service) spec(name string) (ProviderSpec, bool) {
	for _, sp := range s.specs {
		if sp.Name == name {
			return sp, true
		}
	}
	return ProviderSpec{}, false
}

// pickProvider resolves a request's provider and model: an explicit
// provider must exist and offer or accept the model (its default when none
// is given); without one, the model names it (OpenAI first), and no model
// means the configured default model. A retired model is refused, naming
// the model to use instead.
func (s *Service) pickProvider(name, model string) (string, string, error) {
	cfg := s.Config()
	name = strings.ToLower(strings.TrimSpace(name))
	if name != "" {
		sp, ok := s.spec(name)
		if !ok {
			return "", "", invalid("provider", "unknown provider %q: use one of %s", name, s.providerNames())
		}
		ms := s.offered(cfg, sp)
		if model == "" && len(ms) > 0 {
			model = ms[0].ID
		}
		if err := s.retiredError(cfg, sp.Name, model); err != nil {
			return "", "", err
		}
		if !accepts(cfg, sp, ms, model) {
			return "", "", invalid("model", "%s has no model %q: use one of %s", sp.Display, model, modelIDs(ms))
		}
		return sp.Name, model, nil
	}
	if model == "" {
		model = cfg.Model
	}
	for _, sp := range s.specs {
		if slices.ContainsFunc(s.offered(cfg, sp), func(m ModelInfo) bool { return m.ID == model }) {
			return sp.Name, model, nil
		}
	}
	for _, sp := range s.specs {
		if err := s.retiredError(cfg, sp.Name, model); err != nil {
			return "", "", err
		}
	}
	return "", "", invalid("model", "unknown model %q: use one of %s (or name the provider)", model, modelIDs(s.Models()))
}

// accepts reports whether a provider takes model: one it offers (ms), or
// a name of its own kind (ProviderSpec.Accepts).
func accepts(cfg config.Config, sp ProviderSpec, ms []ModelInfo, model string) bool {
	if slices.ContainsFunc(ms, func(m ModelInfo) bool { return m.ID == model }) {
		return true
	}
	return sp.Accepts != nil && sp.Accepts(cfg, model)
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
	old := s.keys
	s.providers, s.keys = ps, keys
	s.mu.Unlock()
	if s.worker != nil {
		for name, p := range ps {
			// Only a new key lifts a "key rejected" pause, and only its own
			// provider's: another setting leaves the health as it is.
			if old[name].key == keys[name].key {
				s.worker.ReplaceProvider(name, p)
			} else {
				s.worker.SetProvider(name, p)
			}
		}
	}
}

// TestKeyOf asks a provider whether its current key is accepted, and
// remembers the answer (ProviderInfo.KeyCheck) when the provider was asked.
func (s *Service) TestKeyOf(ctx context.Context, name string) KeyTest {
	t, asked := s.testKeyOf(ctx, name)
	if asked {
		if err := s.st.RecordKeyTest(ctx, name, t.OK, t.Message); err != nil {
			s.log.WithError(err).Warn("saving the key test")
		}
	}
	return t
}

func (s *Service) testKeyOf(ctx context.Context, name string) (t KeyTest, asked bool) {
	sp, ok := s.spec(name)
	if !ok {
		return KeyTest{Message: sentence(fmt.Sprintf("unknown provider %q: use one of %s", name, s.providerNames()))}, false
	}
	if why := s.notReady(s.Config(), sp); why != "" {
		return KeyTest{Message: sentence(why)}, false
	}
	p := s.provider(sp.Name)
	if p == nil {
		return KeyTest{Message: sp.Display + " is not configured."}, false
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := p.CheckKey(ctx); err != nil {
		var pe *provider.Error
		if errors.As(err, &pe) {
			return KeyTest{Message: sentence(pe.Message), KeyRejected: pe.Kind == provider.KindAuth}, true
		}
		return KeyTest{Message: sentence(err.Error())}, true
	}
	s.readShutdownDates(ctx, sp.Name, p)
	return KeyTest{OK: true, Message: sp.Display + " accepted the key."}, true
}

// sentence starts msg with a capital letter and ends it with a full stop.
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return msg
	}
	r, n := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") && !strings.HasSuffix(msg, "!") {
		msg += "."
	}
	return msg
}
