// Package config resolves every Deepr setting from its layers and validates
// it, so the desktop app, the CLI and `deepr doctor` agree on one answer.
//
// Precedence, highest first: the process environment, `.env` in the working
// directory, `.env` in the config dir, the settings saved by the app
// (settings.json in the config dir), then the defaults. An empty value
// counts as not set, so it falls through to the next layer. The config dir
// itself (DEEPR_CONFIG_DIR) can only come from the environment or the
// working directory's .env, since it says where the other two files are.
package config

import (
	"errors"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/cost"
)

// Config is the resolved configuration. Load fills every field.
type Config struct {
	OpenAIAPIKey    string // OPENAI_API_KEY; secret
	OpenAIBaseURL   string // OPENAI_BASE_URL; "" = the SDK's default
	OpenAIOrgID     string // OPENAI_ORG_ID
	OpenAIProjectID string // OPENAI_PROJECT_ID

	GeminiAPIKey      string // GEMINI_API_KEY; secret
	GeminiBaseURL     string // GEMINI_BASE_URL, default DefaultGeminiBaseURL
	PerplexityAPIKey  string // PERPLEXITY_API_KEY; secret
	PerplexityBaseURL string // PERPLEXITY_BASE_URL, default DefaultPerplexityBaseURL
	AzureAPIKey       string // AZURE_OPENAI_API_KEY; secret
	AzureEndpoint     string // AZURE_OPENAI_ENDPOINT, "" = Azure not configured
	AzureDeployment   string // AZURE_OPENAI_DEPLOYMENT, default the catalogue's default Azure model

	Model           string        // DEEPR_MODEL, default the catalogue's default model
	HelperModel     string        // DEEPR_HELPER_MODEL, default DefaultHelperModel
	PollInterval    time.Duration // DEEPR_POLL_INTERVAL, whole seconds 1..3600, default 30s
	PollConcurrency int           // DEEPR_POLL_CONCURRENCY, 1..32, default 4
	MaxRunning      int           // DEEPR_MAX_RUNNING, 1..50, default 3
	MaxJobAge       time.Duration // DEEPR_MAX_JOB_AGE, 10m..720h, default 24h

	// The helper model's provider (see helper.go).
	HelperProvider        string // DEEPR_HELPER_PROVIDER, default HelperAuto
	AzureHelperDeployment string // DEEPR_AZURE_HELPER_DEPLOYMENT

	DataDir   string // DEEPR_DATA_DIR, default LoadOptions.DefaultDataDir
	ConfigDir string // DEEPR_CONFIG_DIR, default LoadOptions.DefaultConfigDir

	Notifications bool   // DEEPR_NOTIFICATIONS, default true
	Theme         string // DEEPR_THEME: system | light | dark, default system

	CloseAction  string // DEEPR_CLOSE_ACTION, CloseKeepTracking (default) or CloseQuit
	StartAtLogin bool   // DEEPR_START_AT_LOGIN, default false

	UseWebhooks             bool          // DEEPR_USE_WEBHOOKS, default false
	WebhookListen           string        // DEEPR_WEBHOOK_LISTEN, host:port, default "127.0.0.1:8787"
	WebhookURL              string        // DEEPR_WEBHOOK_URL, http(s) URL or ""
	WebhookSecret           string        // OPENAI_WEBHOOK_SECRET; secret
	WebhookFallbackInterval time.Duration // DEEPR_WEBHOOK_FALLBACK_INTERVAL, whole seconds 1..86400, default 300s

	MonthlyBudgetUSD float64           // DEEPR_MONTHLY_BUDGET, dollars; 0 = no limit
	PriceOverrides   cost.Overrides    // DEEPR_PRICES, JSON; empty = the built-in prices (see PriceTable)
	ModelOverrides   catalog.Overrides // DEEPR_MODELS, JSON; empty = the built-in catalogue (see Catalog)

	MCPAllowSpend bool    // DEEPR_MCP_ALLOW_SPEND, default false: assistants may not spend
	MCPMaxCostUSD float64 // DEEPR_MCP_MAX_COST, dollars per assistant call, default 5

	// Source tells, for every variable name, which layer its value came
	// from: "env", ".env", "config .env", "settings" or "default".
	Source map[string]string
	// SettingsProblems lists what settings.json held that is not in force
	// (each such setting uses its default), in documentation order; nil
	// when every saved value is used. See Load.
	SettingsProblems []Problem
}

// DefaultHelperModel is the helper model when DEEPR_HELPER_MODEL is unset:
// the model catalogue's OpenAI helper model.
func DefaultHelperModel() string {
	m, _ := catalog.Builtin().Helper("openai")
	return m.ID
}

// helperModelName is what a helper model name may look like; whether a
// price is known for it is checked when it is used (a model may be priced
// through DEEPR_PRICES).
var helperModelName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$`)

// DEEPR_CLOSE_ACTION values: what closing the window does while jobs
// are active.
const (
	CloseKeepTracking = "keep-tracking" // hide the window, keep polling
	CloseQuit         = "quit"          // quit; tracking resumes at the next start
)

// Source labels, in precedence order.
const (
	SourceEnv       = "env"
	SourceDotEnv    = ".env"
	SourceConfigEnv = "config .env"
	SourceSettings  = "settings"
	SourceDefault   = "default"
)

// Variable describes one setting: the single list used by the docs and by
// `deepr doctor`.
type Variable struct {
	Name        string
	Default     string // as written in a .env file; for folders, where it points
	Accepted    string // what values are valid
	Description string
	Secret      bool // never shown, logged or saved in settings.json
}

// spec is a Variable plus how to parse it into a Config.
type spec struct {
	Variable
	// set parses v (already trimmed, non-empty) into c, or returns what is
	// accepted. It never includes a secret value in its error.
	set func(c *Config, v string, o LoadOptions) error
	// get formats the field back into its .env form.
	get func(c Config) string
}

// specs is the whole list of settings, in the order they are documented.
func specs() []spec {
	return append(append(append(append(append(coreSpecs(), spendSpecs()...), providerSpecs()...), helperSpecs()...), uiSpecs()...), assistantSpecs()...)
}

// coreSpecs are the settings of OpenAI and of Deepr itself.
func coreSpecs() []spec {
	return []spec{
		{Variable{"OPENAI_API_KEY", "", "an OpenAI API key (sk-...)",
			"The OpenAI API key. If unset, the key saved in the app (OS keychain) is used.", true},
			func(c *Config, v string, _ LoadOptions) error { return apiKey(&c.OpenAIAPIKey, v) },
			func(c Config) string { return c.OpenAIAPIKey }},
		{Variable{"OPENAI_BASE_URL", "", "an http or https URL",
			"Another OpenAI-compatible endpoint (a proxy, or a fake server in tests). Empty means api.openai.com.", false},
			func(c *Config, v string, _ LoadOptions) error {
				if !webURL(v) {
					return errors.New("use an http or https URL, like https://api.openai.com/v1")
				}
				c.OpenAIBaseURL = v
				return nil
			},
			func(c Config) string { return c.OpenAIBaseURL }},
		{Variable{"OPENAI_ORG_ID", "", "an organization id (org-...)",
			"The OpenAI organization to bill, when the key belongs to several.", false},
			func(c *Config, v string, _ LoadOptions) error { c.OpenAIOrgID = v; return nil },
			func(c Config) string { return c.OpenAIOrgID }},
		{Variable{"OPENAI_PROJECT_ID", "", "a project id (proj_...)",
			"The OpenAI project to bill.", false},
			func(c *Config, v string, _ LoadOptions) error { c.OpenAIProjectID = v; return nil },
			func(c Config) string { return c.OpenAIProjectID }},
		{Variable{"DEEPR_MODEL", catalog.Builtin().DefaultModel().ID, "a model one of the providers offers (see Providers), like " + catalog.Builtin().DefaultModel().ID,
			"The model new research jobs use unless one is chosen at submission; it also picks their provider. Unset: the model catalogue's default (a retired default's replacement).", false},
			// Which models exist depends on other settings (the Azure
			// deployment): Load checks it last, with LoadOptions.CheckModel.
			func(c *Config, v string, _ LoadOptions) error { c.Model = v; return nil },
			func(c Config) string { return c.Model }},
		{Variable{"DEEPR_HELPER_MODEL", DefaultHelperModel(), "an OpenAI model name with a known price, like " + DefaultHelperModel(),
			"The cheap model on OpenAI (no background mode) that asks clarifying questions, writes research briefs and answers questions about a saved report, when DEEPR_HELPER_PROVIDER picks OpenAI.", false},
			func(c *Config, v string, _ LoadOptions) error {
				if !helperModelName.MatchString(v) {
					return errors.New("use an OpenAI model name: letters, digits, '.', '-', '_' or ':', like " + DefaultHelperModel())
				}
				c.HelperModel = v
				return nil
			},
			func(c Config) string { return c.HelperModel }},
		{Variable{"DEEPR_POLL_INTERVAL", "30", "whole seconds from 1 to 3600, like 30 or 30s",
			"How often a running job is checked with OpenAI.", false},
			func(c *Config, v string, _ LoadOptions) error {
				d, err := seconds(v, PollIntervalRange.Min, PollIntervalRange.Max)
				c.PollInterval = d
				return err
			},
			func(c Config) string { return fmtSeconds(c.PollInterval) }},
		{Variable{"DEEPR_POLL_CONCURRENCY", "4", "a whole number from 1 to 32",
			"How many jobs are checked with OpenAI at the same time.", false},
			func(c *Config, v string, _ LoadOptions) error {
				n, err := number(v, 1, 32)
				c.PollConcurrency = n
				return err
			},
			func(c Config) string { return strconv.Itoa(c.PollConcurrency) }},
		{Variable{"DEEPR_MAX_RUNNING", "3", "a whole number from 1 to 50",
			"How many jobs may run at OpenAI at once; more wait in the queue.", false},
			func(c *Config, v string, _ LoadOptions) error {
				n, err := number(v, MaxRunningRange.Min, MaxRunningRange.Max)
				c.MaxRunning = n
				return err
			},
			func(c Config) string { return strconv.Itoa(c.MaxRunning) }},
		{Variable{"DEEPR_MAX_JOB_AGE", "24h", "a duration from 10m to 720h, like 36h or 90m",
			"A job that has not finished this long after it was queued is marked failed.", false},
			func(c *Config, v string, _ LoadOptions) error {
				d, err := time.ParseDuration(v)
				if err != nil || d < 10*time.Minute || d > 720*time.Hour {
					return errors.New("use a duration from 10m to 720h, like 36h or 90m")
				}
				c.MaxJobAge = d
				return nil
			},
			func(c Config) string { return fmtDuration(c.MaxJobAge) }},
		{Variable{"DEEPR_DATA_DIR", "$XDG_DATA_HOME/deepr", "a folder path",
			"Where the database and saved reports live (logs go to its logs folder when set).", false},
			func(c *Config, v string, o LoadOptions) error {
				p, err := folder(v, o.WorkDir)
				c.DataDir = p
				return err
			},
			func(c Config) string { return c.DataDir }},
		{Variable{"DEEPR_CONFIG_DIR", "$XDG_CONFIG_HOME/deepr", "a folder path (environment or working-directory .env only)",
			"Where settings.json, a second .env and the fallback key file live.", false},
			func(c *Config, v string, o LoadOptions) error {
				p, err := folder(v, o.WorkDir)
				c.ConfigDir = p
				return err
			},
			func(c Config) string { return c.ConfigDir }},
		{Variable{"DEEPR_NOTIFICATIONS", "true", "true or false (also 1/0, yes/no, on/off)",
			"Show a desktop notification when a job finishes.", false},
			func(c *Config, v string, _ LoadOptions) error {
				b, err := boolean(v)
				c.Notifications = b
				return err
			},
			func(c Config) string { return strconv.FormatBool(c.Notifications) }},
		{Variable{"DEEPR_CLOSE_ACTION", CloseKeepTracking, "keep-tracking or quit",
			"What closing the window does while jobs are active: keep-tracking hides it and keeps checking the jobs (launch Deepr again to show it); quit stops until the next start.", false},
			func(c *Config, v string, _ LoadOptions) error {
				switch v = strings.ToLower(v); v {
				case CloseKeepTracking, CloseQuit:
					c.CloseAction = v
					return nil
				}
				return errors.New("use keep-tracking or quit")
			},
			func(c Config) string { return c.CloseAction }},
		{Variable{"DEEPR_START_AT_LOGIN", "false", "true or false (also 1/0, yes/no, on/off)",
			"Start Deepr hidden when you log in, so jobs are tracked without opening the window.", false},
			func(c *Config, v string, _ LoadOptions) error {
				b, err := boolean(v)
				c.StartAtLogin = b
				return err
			},
			func(c Config) string { return strconv.FormatBool(c.StartAtLogin) }},
		{Variable{"DEEPR_USE_WEBHOOKS", "false", "true or false (also 1/0, yes/no, on/off)",
			"Receive OpenAI webhooks for finished jobs and poll only as a fallback. Needs OPENAI_WEBHOOK_SECRET.", false},
			func(c *Config, v string, _ LoadOptions) error {
				b, err := boolean(v)
				c.UseWebhooks = b
				return err
			},
			func(c Config) string { return strconv.FormatBool(c.UseWebhooks) }},
		{Variable{"DEEPR_WEBHOOK_LISTEN", "127.0.0.1:8787", "host:port, like 127.0.0.1:8787",
			"The address the webhook receiver listens on. Keep it on loopback and put a tunnel or proxy in front.", false},
			func(c *Config, v string, _ LoadOptions) error {
				host, port, err := net.SplitHostPort(v)
				p, perr := strconv.Atoi(port)
				if err != nil || host == "" || perr != nil || p < 1 || p > 65535 {
					return errors.New("use host:port with a port from 1 to 65535, like 127.0.0.1:8787")
				}
				c.WebhookListen = v
				return nil
			},
			func(c Config) string { return c.WebhookListen }},
		{Variable{"DEEPR_WEBHOOK_URL", "", "an http or https URL, or empty",
			"The public URL that forwards to the webhook receiver, as registered in the OpenAI dashboard (shown by doctor).", false},
			func(c *Config, v string, _ LoadOptions) error {
				if !webURL(v) {
					return errors.New("use an http or https URL, like https://example.com/deepr/webhook")
				}
				c.WebhookURL = v
				return nil
			},
			func(c Config) string { return c.WebhookURL }},
		{Variable{"OPENAI_WEBHOOK_SECRET", "", "the signing secret from the OpenAI dashboard (whsec_...)",
			"Verifies that webhook calls come from OpenAI. Required when webhooks are on.", true},
			func(c *Config, v string, _ LoadOptions) error {
				if strings.ContainsAny(v, " \t\r\n\"'") {
					return errors.New("it contains spaces, quotes or line breaks; copy the secret again")
				}
				c.WebhookSecret = v
				return nil
			},
			func(c Config) string { return c.WebhookSecret }},
		{Variable{"DEEPR_WEBHOOK_FALLBACK_INTERVAL", "300", "whole seconds from 1 to 86400, like 300 or 300s",
			"With webhooks on, how often running jobs are still polled in case a webhook is missed.", false},
			func(c *Config, v string, _ LoadOptions) error {
				d, err := seconds(v, 1, 86400)
				c.WebhookFallbackInterval = d
				return err
			},
			func(c Config) string { return fmtSeconds(c.WebhookFallbackInterval) }},
	}
}

// Variables lists every setting Deepr reads, in documentation order.
func Variables() []Variable {
	ss := specs()
	out := make([]Variable, len(ss))
	for i, s := range ss {
		out[i] = s.Variable
	}
	return out
}

func lookup(name string) (spec, bool) {
	for _, s := range specs() {
		if s.Name == name {
			return s, true
		}
	}
	return spec{}, false
}

// EffectivePollInterval is how often running jobs are polled: the webhook
// fallback interval when webhooks are on, else PollInterval.
func (c Config) EffectivePollInterval() time.Duration {
	if c.UseWebhooks {
		return c.WebhookFallbackInterval
	}
	return c.PollInterval
}

// Get returns the value of the named variable in its .env form ("30",
// "24h", "true"), or "" for an unknown name. Secrets are returned as they
// are: to display a configuration, call Redacted first.
func (c Config) Get(name string) string {
	s, ok := lookup(name)
	if !ok {
		return ""
	}
	return s.get(c)
}
