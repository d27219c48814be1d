// Package engine wires one Deepr process: it resolves the configuration
// and folders, opens the database and the secrets store, and builds the
// application service (package research) with its providers. The desktop
// window and the CLI both start here, so they run with the same parts; they
// then talk only to the service.
package engine

import (
	"fmt"
	"os"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/paths"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/secrets"
	"github.com/deepr-desktop/deepr/backend/store"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// Options configure Open. Every field may be left zero.
type Options struct {
	Getenv   func(string) (string, bool) // nil: os.LookupEnv
	WorkDir  string                      // for .env; "" = current directory
	Log      logrus.FieldLogger          // nil: stderr
	Holder   string                      // lease holder name, e.g. "deepr worker (pid 12)"
	Events   research.Events             // nil: nobody listening
	Notifier research.Notifier           // nil: no notifications
	Clock    worker.Clock                // nil: the system clock
	Rand     func() float64              // the poller's jitter source in [0,1); nil: math/rand/v2 (a simulation replays with its own)
	// DeferStartupWork holds start-up work that is not urgent until the
	// service's WindowReady (the desktop app, after its first frame).
	DeferStartupWork bool
	// MountWebhooks: the face's server receives the webhooks (deepr serve).
	MountWebhooks bool
}

// LoadConfig resolves the configuration and folders without opening
// anything. Bad values in settings.json never make it fail: they fall back
// to their defaults and cfg.SettingsProblems lists them (see config.Load).
func LoadConfig(o Options) (config.Config, paths.Dirs, error) { return loadConfig(o, nil) }

// loadConfig is LoadConfig with saved, when not nil, standing in for
// settings.json. The default model is checked against the models of the
// providers the service gets (Providers), under the configuration.
func loadConfig(o Options, saved map[string]string) (config.Config, paths.Dirs, error) {
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
		CheckModel:       research.ModelCheck(Providers()),
		Saved:            saved,
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

// Open loads the configuration, creates the folders, opens the database and
// returns the application service. Close it with its Close method.
func Open(o Options) (*research.Service, error) {
	if o.Log == nil {
		l := logrus.New()
		l.SetOutput(os.Stderr)
		o.Log = l
	}
	cfg, dirs, err := LoadConfig(o)
	if err != nil {
		return nil, err
	}
	for _, p := range cfg.SettingsProblems {
		o.Log.WithField("setting", p.Setting).Warn("a saved setting is set aside, its default is in force: " + p.String())
	}
	if err := dirs.Ensure(); err != nil {
		return nil, err
	}
	st, err := store.Open(dirs.Database())
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w", dirs.Database(), err)
	}
	if o.Clock != nil { // the store's months and attempt times follow the same clock
		st.Now = o.Clock.Now
	}
	return research.New(research.Deps{
		Store:     st,
		Dirs:      dirs,
		Config:    cfg,
		Reload:    func() (config.Config, error) { c, _, err := LoadConfig(o); return c, err },
		Resolve:   func(saved map[string]string) (config.Config, error) { c, _, err := loadConfig(o, saved); return c, err },
		Secrets:   secrets.New(dirs.Config),
		Providers: Providers(),
		Holder:    o.Holder,
		Events:    o.Events,
		Notifier:  o.Notifier,
		Log:       o.Log,
		Clock:     o.Clock,
		Rand:      o.Rand,

		DeferStartupWork: o.DeferStartupWork,
		MountWebhooks:    o.MountWebhooks,
	}), nil
}
