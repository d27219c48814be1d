package research

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/secrets"
)

// SettingsView is what the Settings screen shows. It carries no secret:
// keys are only described ("set, ending …abcd").
type SettingsView struct {
	KeySet              bool       `json:"key_set"`
	KeyHint             string     `json:"key_hint"`
	KeyStorage          string     `json:"key_storage"`
	PollIntervalSeconds int        `json:"poll_interval_seconds"`
	MaxRunning          int        `json:"max_running"`
	DefaultModel        string     `json:"default_model"`
	Notifications       bool       `json:"notifications"`
	DataDir             string     `json:"data_dir"`
	ConfigDir           string     `json:"config_dir"`
	UseWebhooks         bool       `json:"use_webhooks"`
	WebhookListen       string     `json:"webhook_listen"`
	WebhookURL          string     `json:"webhook_url"`
	WebhookSecretSet    bool       `json:"webhook_secret_set"`
	LastWebhookAt       *time.Time `json:"last_webhook_at" ts_type:"string"`
	MonthlyBudgetUSD    float64    `json:"monthly_budget_usd"` // 0: no limit
	Theme               string     `json:"theme"`              // system | light | dark
	CloseAction         string     `json:"close_action"`       // keep-tracking | quit
	StartAtLogin        bool       `json:"start_at_login"`
	Prices              string     `json:"prices"` // DEEPR_PRICES overrides (JSON), "" = the built-in prices
	// MCPAllowSpend and MCPMaxCostUSD are what AI assistants may spend
	// through deepr mcp (DEEPR_MCP_ALLOW_SPEND, DEEPR_MCP_MAX_COST).
	MCPAllowSpend bool    `json:"mcp_allow_spend"`
	MCPMaxCostUSD float64 `json:"mcp_max_cost_usd"`
	// Providers are every provider's key state, models and differences.
	Providers []ProviderInfo `json:"providers"`
	// Helper is the helper model's provider (see HelperView).
	Helper HelperView `json:"helper"`
	// Locked maps a field of SettingsInput (its JSON name) to the variable
	// that fixes it from the environment or a .env file: saving cannot
	// change it.
	Locked map[string]string `json:"locked"`
	// Fields describes each field of SettingsInput (its JSON name): range,
	// unit, default, what is accepted, and the variable locking it.
	Fields map[string]FieldSpec `json:"fields"`
	// SettingsProblems lists the saved values that are not in force (each
	// such setting uses its default) and SettingsNotice says so in one
	// line; saving the settings again clears both.
	SettingsProblems []SettingProblem `json:"settings_problems"`
	SettingsNotice   string           `json:"settings_notice"`
}

// SettingsInput is what the Settings screen saves.
type SettingsInput struct {
	PollIntervalSeconds int    `json:"poll_interval_seconds"`
	MaxRunning          int    `json:"max_running"`
	DefaultModel        string `json:"default_model"`
	Notifications       bool   `json:"notifications"`
	UseWebhooks         bool   `json:"use_webhooks"`
	WebhookListen       string `json:"webhook_listen"` // "" = default
	WebhookURL          string `json:"webhook_url"`
	// MonthlyBudgetUSD is the monthly budget in dollars; 0 removes it.
	MonthlyBudgetUSD float64 `json:"monthly_budget_usd"`
	Prices           string  `json:"prices"`       // DEEPR_PRICES overrides (JSON); "" = the built-in prices
	Theme            string  `json:"theme"`        // system | light | dark; "" = system
	CloseAction      string  `json:"close_action"` // keep-tracking | quit; "" = keep-tracking
	StartAtLogin     bool    `json:"start_at_login"`
	MCPAllowSpend    bool    `json:"mcp_allow_spend"`
	MCPMaxCostUSD    float64 `json:"mcp_max_cost_usd"` // 0 = the default
}

// settingVars maps SettingsInput fields to their variables.
var settingVars = []struct{ field, name string }{
	{"poll_interval_seconds", "DEEPR_POLL_INTERVAL"},
	{"max_running", "DEEPR_MAX_RUNNING"},
	{"default_model", "DEEPR_MODEL"},
	{"notifications", "DEEPR_NOTIFICATIONS"},
	{"use_webhooks", "DEEPR_USE_WEBHOOKS"},
	{"webhook_listen", "DEEPR_WEBHOOK_LISTEN"},
	{"webhook_url", "DEEPR_WEBHOOK_URL"},
	{"monthly_budget_usd", "DEEPR_MONTHLY_BUDGET"},
	{"prices", "DEEPR_PRICES"},
	{"theme", "DEEPR_THEME"},
	{"close_action", "DEEPR_CLOSE_ACTION"},
	{"start_at_login", "DEEPR_START_AT_LOGIN"},
	{"mcp_allow_spend", config.MCPAllowSpendSetting},
	{"mcp_max_cost_usd", config.MCPMaxCostSetting},
	{"helper_provider", "DEEPR_HELPER_PROVIDER"},                 // HelperInput, saved by SaveHelper
	{"azure_helper_deployment", "DEEPR_AZURE_HELPER_DEPLOYMENT"}, // HelperInput
}

// Settings describes the settings in force.
func (s *Service) Settings() SettingsView {
	c := s.Config()
	k := s.keyState("openai")
	v := SettingsView{
		KeySet: k.key != "", KeyStorage: k.storage,
		PollIntervalSeconds: int(c.PollInterval / time.Second),
		MaxRunning:          c.MaxRunning,
		DefaultModel:        c.Model,
		Notifications:       c.Notifications,
		DataDir:             s.dirs.Data,
		ConfigDir:           s.dirs.Config,
		UseWebhooks:         c.UseWebhooks,
		WebhookListen:       c.WebhookListen,
		WebhookURL:          c.WebhookURL,
		WebhookSecretSet:    s.webhookSecret() != "",
		LastWebhookAt:       s.hooks.lastEvent(),
		MonthlyBudgetUSD:    c.MonthlyBudgetUSD,
		Theme:               c.Theme,
		CloseAction:         c.CloseAction,
		StartAtLogin:        c.StartAtLogin,
		Prices:              c.Get("DEEPR_PRICES"),
		MCPAllowSpend:       c.MCPAllowSpend,
		MCPMaxCostUSD:       c.MCPMaxCostUSD,
		Locked:              map[string]string{},
		Fields:              s.fieldSpecs(),
		Providers:           s.Providers(),
		Helper:              s.helperView(c),
		SettingsProblems:    settingProblems(c.SettingsProblems),
		SettingsNotice:      settingsNotice(c),
	}
	if k.key != "" {
		v.KeyHint = hint(k.key)
	}
	for _, sv := range settingVars {
		if s.locked(sv.name) {
			v.Locked[sv.field] = sv.name
		}
	}
	return v
}

// locked reports whether a variable is fixed by the environment or a .env
// file, so saving cannot change it.
func (s *Service) locked(name string) bool {
	switch s.Config().Source[name] {
	case config.SourceEnv, config.SourceDotEnv, config.SourceConfigEnv:
		return true
	}
	return false
}

func hint(key string) string {
	r := []rune(key)
	if len(r) > 4 {
		r = r[len(r)-4:]
	}
	return "…" + string(r)
}

// Reload re-reads the configuration and applies it: the poll interval,
// the number of running jobs, the default model, notifications, webhooks
// (the listener is restarted by its supervisor), the providers.
func (s *Service) Reload(ctx context.Context) error {
	if s.reload == nil {
		return nil
	}
	cfg, err := s.reload()
	if err != nil {
		return &Error{Kind: ErrInvalid, Msg: err.Error(), Err: err}
	}
	cfg = s.withObserved(cfg)
	s.cfg.Store(&cfg)
	s.applyConfig()
	return nil
}

// applyConfig pushes the snapshot in force to the poller, the providers
// and the webhook supervisor.
func (s *Service) applyConfig() {
	cfg := s.Config()
	s.rebuildProviders()
	s.setPollInterval(s.pollInterval(cfg))
	s.worker.SetMaxRunning(cfg.MaxRunning)
	s.worker.SetConcurrency(cfg.PollConcurrency)
	s.worker.SetBudget(cfg.MonthlyBudgetUSD) // queued jobs are checked against it when about to be sent
	s.hooks.configChanged()
	s.emitHealth()
}

func (s *Service) resolveKey(cfg config.Config, envName, secretName string) keyState {
	if v := cfg.Get(envName); v != "" {
		src := cfg.Source[envName]
		if src == config.SourceEnv || src == "" {
			src = "environment"
		}
		return keyState{key: v, storage: src}
	}
	if s.secrets != nil {
		if v, storage, err := s.secrets.Get(secretName); err == nil && v != "" {
			return keyState{key: v, storage: storage}
		}
	}
	return keyState{}
}

func (s *Service) keyState(name string) keyState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[name]
}

func (s *Service) hasKey(name string) bool { return s.keyState(name).key != "" }

// KeyResult is the settings after a key change and, when a key was saved,
// the provider's verdict on it.
type KeyResult struct {
	Settings SettingsView `json:"settings"`
	Test     *KeyTest     `json:"test"`
}

// SetAPIKey saves the OpenAI key; see SetKey.
func (s *Service) SetAPIKey(ctx context.Context, key string) (KeyResult, error) {
	return s.SetKey(ctx, "openai", key)
}

// SetKey saves a provider's key (keychain, or the 0600 fallback file),
// applies it at once (lifting a "key rejected" pause) and tests it. The key
// never comes back.
func (s *Service) SetKey(ctx context.Context, provider, key string) (KeyResult, error) {
	sp, ok := s.spec(provider)
	if !ok {
		return KeyResult{}, invalid("provider", "unknown provider %q: use one of %s", provider, s.providerNames())
	}
	key = strings.TrimSpace(key)
	if err := secrets.ValidateAPIKey(key); err != nil {
		return KeyResult{}, invalid("key", "%s", strings.ReplaceAll(err.Error(), "platform.openai.com/api-keys", sp.KeyHelp))
	}
	if s.secrets == nil {
		return KeyResult{}, errors.New("no place to save the key in this process")
	}
	if _, err := s.secrets.Set(sp.SecretName, key); err != nil {
		return KeyResult{}, fmt.Errorf("could not save the key: %w", err)
	}
	s.forgetKeyChecks(ctx, sp.Name)
	s.rebuildProviders()
	t := s.TestKeyOf(ctx, sp.Name)
	if k := s.keyState(sp.Name); k.key != key {
		t.Message += fmt.Sprintf(" Note: %s is set in the %s and is used instead of the saved key.", sp.KeyVariable, k.storage)
	}
	s.emitHealth()
	return KeyResult{Settings: s.Settings(), Test: &t}, nil
}

// ClearAPIKey removes the saved OpenAI key.
func (s *Service) ClearAPIKey(ctx context.Context) (SettingsView, error) {
	return s.ClearKey(ctx, "openai")
}

// ClearKey removes a provider's saved key.
func (s *Service) ClearKey(ctx context.Context, provider string) (SettingsView, error) {
	sp, ok := s.spec(provider)
	if !ok {
		return SettingsView{}, invalid("provider", "unknown provider %q: use one of %s", provider, s.providerNames())
	}
	if s.secrets != nil {
		if err := s.secrets.Delete(sp.SecretName); err != nil {
			return SettingsView{}, fmt.Errorf("could not remove the key: %w", err)
		}
	}
	s.forgetKeyChecks(ctx, sp.Name)
	s.rebuildProviders()
	s.emitHealth()
	return s.Settings(), nil
}

// forgetKeyChecks drops what was known of a provider's old key.
func (s *Service) forgetKeyChecks(ctx context.Context, name string) {
	if err := s.st.ForgetKeyChecks(ctx, name); err != nil {
		s.log.WithError(err).Warn("forgetting the old key's tests")
	}
}

// KeyTest is the result of "test key".
type KeyTest struct {
	OK      bool   `json:"ok"`
	Message string `json:"message"`
	// KeyRejected: the provider refused the key. A failure for another
	// reason (a wrong address, no answer) says nothing about the key.
	KeyRejected bool `json:"key_rejected"`
}

// TestKey asks OpenAI whether the current key is accepted.
func (s *Service) TestKey(ctx context.Context) KeyTest { return s.TestKeyOf(ctx, "openai") }

// SetWebhookSecret saves the webhook signing secret (whsec_...) like the
// API key. It is never sent back.
func (s *Service) SetWebhookSecret(ctx context.Context, secret string) (SettingsView, error) {
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, "whsec_") || len(secret) < 20 || strings.ContainsAny(secret, " \t\r\n") {
		return SettingsView{}, invalid("webhook_secret", "that is not a webhook signing secret: copy the whsec_... value from the OpenAI dashboard's webhook page")
	}
	if s.secrets == nil {
		return SettingsView{}, errors.New("no place to save the secret in this process")
	}
	if _, err := s.secrets.Set(secrets.OpenAIWebhookSecret, secret); err != nil {
		return SettingsView{}, fmt.Errorf("could not save the secret: %w", err)
	}
	s.hooks.forgetSecret()
	s.hooks.configChanged()
	return s.Settings(), nil
}

// ClearWebhookSecret removes the saved webhook secret.
func (s *Service) ClearWebhookSecret(ctx context.Context) (SettingsView, error) {
	if s.secrets != nil {
		if err := s.secrets.Delete(secrets.OpenAIWebhookSecret); err != nil {
			return SettingsView{}, err
		}
	}
	s.hooks.forgetSecret()
	s.hooks.configChanged()
	return s.Settings(), nil
}

// webhookSecret is the secret in force: the environment's, else the saved
// one (asked of the keychain once, then cached until it changes).
func (s *Service) webhookSecret() string {
	if v := s.Config().WebhookSecret; v != "" {
		return v
	}
	return s.hooks.savedSecret(func() string {
		if s.secrets == nil {
			return ""
		}
		v, _, err := s.secrets.Get(secrets.OpenAIWebhookSecret)
		if err != nil {
			return ""
		}
		return v
	})
}
