// Package engine wires one Deepr process together: it loads the
// configuration, opens the database, builds the OpenAI provider, the poller
// and the research service. The CLI and the desktop app both start here, so
// they run with exactly the same rules.
package engine

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/paths"
	"github.com/deepr-desktop/deepr/backend/provider/openai"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/store"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// KeySource supplies a secret saved outside the environment (the OS
// keychain or its fallback file in configDir), by name (SecretAPIKey,
// SecretWebhook). It returns "" when none is saved.
type KeySource func(configDir, name string) (value string, storage string)

// Names of the saved secrets.
const (
	SecretAPIKey  = "openai_api_key"
	SecretWebhook = "openai_webhook_secret"
)

// Options configure Open.
type Options struct {
	Getenv  func(string) (string, bool) // nil: os.LookupEnv
	WorkDir string                      // for .env; "" = current directory
	Log     logrus.FieldLogger
	Holder  string // lease holder name, e.g. "deepr worker (pid 12)"
	Keys    KeySource
	Emitter worker.Emitter
	Notify  worker.Notifier
}

// Engine is one process's view of Deepr.
type Engine struct {
	Cfg      config.Config
	Dirs     paths.Dirs
	Store    *store.Store
	Worker   *worker.Worker
	Research *research.Service
	Log      logrus.FieldLogger

	opts       Options
	mu         sync.Mutex
	key        string // resolved once, and again on KeyChanged: the keychain may be slow
	keyStorage string
	provider   *openai.Provider

	leaseEvents *leaseEmitter
	hooks       webhookState
}

// LoadConfig resolves the configuration and folders without opening anything.
func LoadConfig(o Options) (config.Config, paths.Dirs, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.LookupEnv
	}
	wd := o.WorkDir
	if wd == "" {
		wd, _ = os.Getwd()
	}
	def := paths.Default(func(string) (string, bool) { return "", false })
	cfg, err := config.Load(config.LoadOptions{
		Getenv:           getenv,
		WorkDir:          wd,
		DefaultDataDir:   def.Data,
		DefaultConfigDir: def.Config,
		ValidModel:       openai.ValidModel,
	})
	if err != nil {
		return cfg, paths.Dirs{}, err
	}
	// The folders are the defaults with the resolved values as overrides
	// (a moved data dir also moves the logs).
	dirs := paths.Default(func(k string) (string, bool) {
		switch {
		case k == "DEEPR_DATA_DIR" && cfg.DataDir != def.Data:
			return cfg.DataDir, true
		case k == "DEEPR_CONFIG_DIR":
			return cfg.ConfigDir, true
		}
		return "", false
	})
	return cfg, dirs, nil
}

// Open loads the configuration, creates the folders and opens the database.
func Open(o Options) (*Engine, error) {
	if o.Log == nil {
		l := logrus.New()
		l.SetOutput(os.Stderr)
		o.Log = l
	}
	cfg, dirs, err := LoadConfig(o)
	if err != nil {
		return nil, err
	}
	if err := dirs.Ensure(); err != nil {
		return nil, err
	}
	fillWebhookSecret(&cfg, o.Keys)
	st, err := store.Open(dirs.Database())
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w", dirs.Database(), err)
	}
	e := &Engine{Cfg: cfg, Dirs: dirs, Store: st, Log: o.Log, opts: o}
	e.key, e.keyStorage = e.resolveKey()
	e.provider = e.newProvider(e.key)
	e.leaseEvents = newLeaseEmitter(o.Emitter)
	e.Worker = worker.New(st, map[string]worker.Provider{"openai": e.provider}, worker.Config{
		Holder:       o.Holder,
		PollInterval: cfg.EffectivePollInterval(),
		Concurrency:  cfg.PollConcurrency,
		MaxRunning:   cfg.MaxRunning,
		MaxJobAge:    cfg.MaxJobAge,
		DataDir:      dirs.Data,
		Cost:         openai.Cost,
	}, worker.Options{Emitter: e.leaseEvents, Notifier: o.Notify, Logger: o.Log})
	e.Research = &research.Service{
		Store:        st,
		DefaultModel: cfg.Model,
		ValidModel:   openai.ValidModel,
		Models:       openai.Models,
		Providers:    map[string]research.Canceller{"openai": e.provider},
		Wake:         e.Worker.Wake,
		Log:          o.Log,
	}
	return e, nil
}

func (e *Engine) resolveKey() (string, string) {
	if e.Cfg.OpenAIAPIKey != "" {
		src := e.Cfg.Source["OPENAI_API_KEY"]
		if src == "env" || src == "" {
			return e.Cfg.OpenAIAPIKey, "environment"
		}
		return e.Cfg.OpenAIAPIKey, src
	}
	if e.opts.Keys != nil {
		if k, storage := e.opts.Keys(e.Cfg.ConfigDir, SecretAPIKey); k != "" {
			return k, storage
		}
	}
	return "", ""
}

func (e *Engine) newProvider(key string) *openai.Provider {
	return openai.New(openai.Config{
		APIKey:    key,
		BaseURL:   e.Cfg.OpenAIBaseURL,
		OrgID:     e.Cfg.OpenAIOrgID,
		ProjectID: e.Cfg.OpenAIProjectID,
	})
}

// fillWebhookSecret uses the secret saved in the app when neither the
// environment nor a .env file sets OPENAI_WEBHOOK_SECRET. The keychain is
// only asked when webhooks are on: it can be slow, and nothing else needs it.
func fillWebhookSecret(cfg *config.Config, keys KeySource) {
	if cfg.WebhookSecret != "" || keys == nil || !cfg.UseWebhooks {
		return
	}
	if v, storage := keys(cfg.ConfigDir, SecretWebhook); v != "" {
		cfg.WebhookSecret = v
		cfg.Source["OPENAI_WEBHOOK_SECRET"] = storage
	}
}

// Provider returns the current OpenAI provider.
func (e *Engine) Provider() *openai.Provider {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.provider
}

// KeyStatus says whether an API key is available and where it comes from
// ("environment", ".env", "keychain", "file", ...), with its last four
// characters. The key itself never leaves the process through this.
func (e *Engine) KeyStatus() (set bool, hint string, storage string) {
	e.mu.Lock()
	key, storage := e.key, e.keyStorage
	e.mu.Unlock()
	if key == "" {
		return false, "", ""
	}
	r := []rune(key)
	if len(r) > 4 {
		r = r[len(r)-4:]
	}
	return true, "…" + string(r), storage
}

// KeyChanged rebuilds the provider after the saved key changed, and lifts
// a "key rejected" pause in the poller.
func (e *Engine) KeyChanged() {
	key, storage := e.resolveKey()
	p := e.newProvider(key)
	e.mu.Lock()
	e.provider = p
	e.key, e.keyStorage = key, storage
	e.mu.Unlock()
	e.Research.Providers = map[string]research.Canceller{"openai": p}
	e.Worker.SetProvider("openai", p)
}

// HasKey reports whether any API key is configured.
func (e *Engine) HasKey() bool {
	set, _, _ := e.KeyStatus()
	return set
}

// Config returns the current configuration (it changes on Reload).
func (e *Engine) Config() config.Config {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.Cfg
}

// Reload re-reads the configuration (after settings were saved) and applies
// what can change without a restart: poll interval, default model.
func (e *Engine) Reload() error {
	cfg, _, err := LoadConfig(e.opts)
	if err != nil {
		return err
	}
	fillWebhookSecret(&cfg, e.opts.Keys)
	e.mu.Lock()
	e.Cfg = cfg
	e.mu.Unlock()
	e.Research.DefaultModel = cfg.Model
	e.Worker.SetPollInterval(cfg.EffectivePollInterval())
	return nil
}

// Close closes the database.
func (e *Engine) Close() error {
	if e == nil || e.Store == nil {
		return nil
	}
	return e.Store.Close()
}

// LeaseHolder returns who holds the poller lease, and whether that lease is
// fresh (heartbeat within three periods).
func (e *Engine) LeaseHolder(ctx context.Context) (store.Lease, bool, error) {
	l, ok, err := e.Store.CurrentLease(ctx)
	if err != nil || !ok || l.Holder == "" {
		return l, false, err
	}
	fresh := time.Since(l.Heartbeat) < 3*worker.DefaultHeartbeat
	return l, fresh, nil
}
