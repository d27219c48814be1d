// Package research is Deepr's application service: every use case of the
// desktop window and the CLI lives here, once, with typed requests and
// results. Jobs (submit, list, get, cancel, resubmit, delete, dismiss, check
// now, adopt, wait), reports (read, render, search), settings and secrets,
// the runtime (the poller and the supervised webhook listener) and the
// doctor's checks. The faces (app.go, backend/cli) only translate: Wails
// events and dialogs, flags and printing.
//
// The service reads one immutable configuration snapshot, swapped
// atomically when settings change. Errors are typed (see errors.go) so each
// face can phrase them in its own words.
package research

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/dbwatch"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/paths"
	"github.com/deepr-desktop/deepr/backend/store"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// Provider is a deep-research backend as the service uses it: the worker's
// calls plus a key check.
type Provider interface {
	worker.Provider
	CheckKey(ctx context.Context) error
}

// Secrets keeps secrets outside the configuration files (the OS keychain
// or a 0600 fallback file). backend/secrets satisfies it.
type Secrets interface {
	Get(name string) (value, storage string, err error)
	Set(name, value string) (storage string, err error)
	Delete(name string) error
}

// Events receives every change a face may want to show. Methods are called
// one at a time and must not block for long.
type Events interface {
	JobChanged(j job.Job)
	JobDeleted(id string)
	HealthChanged(h Health)
}

// Notifier is told once each time a job ends (or becomes unconfirmed).
type Notifier = worker.Notifier

// Deps are what engine.Open wires together for one process.
type Deps struct {
	Store     *store.Store
	Dirs      paths.Dirs
	Config    config.Config
	Reload    func() (config.Config, error) // re-reads every layer; nil: the config never changes
	Secrets   Secrets                       // nil: nothing saved outside the environment
	Providers []ProviderSpec                // every provider, OpenAI first
	Holder    string                        // lease holder name, e.g. "deepr worker (pid 12)"
	Events    Events
	Notifier  Notifier
	Log       logrus.FieldLogger
	Clock     worker.Clock // nil: the system clock
	// Rand is the poller's jitter source in [0,1) (worker.Options.Rand);
	// nil: math/rand/v2. A simulation passes a seeded one so a run replays.
	Rand func() float64
	// DeferStartupWork makes start-up work that is not urgent (the check of
	// the report folders) wait until WindowReady: the desktop app sets it,
	// so its first frame does not share the CPU with that work.
	DeferStartupWork bool
	// Resolve resolves every layer as Reload does, with saved standing in
	// for settings.json: what a process started after saving it would run
	// with (SaveSettings checks a save with it first). nil: no check beyond
	// each value's own.
	Resolve func(saved map[string]string) (config.Config, error)
	// MountWebhooks receives the webhooks on the face's own HTTP server
	// (deepr serve; Service.Webhooks) instead of a listener of their own.
	MountWebhooks bool
}

// Service is the application service of one process. Create it with New.
type Service struct {
	st       *store.Store
	dirs     paths.Dirs
	reload   func() (config.Config, error)
	resolve  func(saved map[string]string) (config.Config, error)
	secrets  Secrets
	events   Events
	notifier Notifier
	log      logrus.FieldLogger
	clock    worker.Clock
	specs    []ProviderSpec
	worker   *worker.Worker
	cfg      atomic.Pointer[config.Config]
	healthSq atomic.Uint64

	mu        sync.Mutex
	providers map[string]Provider
	keys      map[string]keyState // provider -> where its key comes from

	interval time.Duration // the poll interval in force (setPollInterval)
	dbNote   string        // what the last take-over of recovery files did (recovery.go)

	hooks hookState  // the webhook listener, supervised in webhooks.go
	mount *hookMount // non-nil: webhooks arrive through Webhooks() (webhook_mount.go)

	shutdowns shutdownState // the shutdown dates providers published (shutdown.go)

	windowUp   chan struct{}  // closed by WindowReady; nil: nothing waits for a window
	windowOnce sync.Once      // closes windowUp once
	background sync.WaitGroup // start-up work in flight (Close waits for it)
}

type keyState struct {
	key     string
	storage string // "environment", ".env", "keychain", "file", ...
}

// New builds the service and its poller (not started: see Run).
func New(d Deps) *Service {
	s := &Service{
		st:        d.Store,
		dirs:      d.Dirs,
		reload:    d.Reload,
		resolve:   d.Resolve,
		secrets:   d.Secrets,
		events:    d.Events,
		notifier:  d.Notifier,
		log:       d.Log,
		clock:     d.Clock,
		specs:     d.Providers,
		providers: map[string]Provider{},
		keys:      map[string]keyState{},
	}
	if d.DeferStartupWork {
		s.windowUp = make(chan struct{})
	}
	if d.MountWebhooks {
		s.mount = &hookMount{}
	}
	if s.log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		s.log = l
	}
	if s.clock == nil {
		s.clock = realClock{}
	}
	// Health.Seq starts at the wall clock in microseconds, so every Health
	// a later process builds is newer than an earlier one's: a browser page
	// outlives a restart of deepr serve and keeps only the newest it holds.
	s.healthSq.Store(uint64(time.Now().UnixMicro()))
	cfg := d.Config
	s.cfg.Store(&cfg)
	s.hooks.init()
	s.rebuildProviders()
	wp := map[string]worker.Provider{}
	for n, p := range s.providers {
		wp[n] = p
	}
	s.interval = cfg.PollInterval
	s.worker = worker.New(d.Store, wp, worker.Config{
		Holder:       d.Holder,
		PollInterval: cfg.PollInterval,
		Concurrency:  cfg.PollConcurrency,
		MaxRunning:   cfg.MaxRunning,
		MaxJobAge:    cfg.MaxJobAge,
		DataDir:      d.Dirs.Data,
		Cost:         s.costOf,
		Parent:       s.parentOf,
		Hold:         s.holdReason,
		Gone:         s.goneReason,
		Names:        workerNames(d.Providers),
	}, worker.Options{Clock: d.Clock, Rand: d.Rand, Emitter: workerEvents{s}, Notifier: d.Notifier, Logger: s.log,
		OnLeaseGained: s.onLeaseGained, Watch: func() (worker.FileWatch, error) { return dbwatch.New(d.Store.Path()) }})
	s.worker.SetBudget(cfg.MonthlyBudgetUSD)
	return s
}

type realClock struct{}

func (realClock) Now() time.Time                        { return time.Now() }
func (realClock) NewTimer(d time.Duration) worker.Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (t realTimer) C() <-chan time.Time { return t.t.C }
func (t realTimer) Stop() bool          { return t.t.Stop() }

// Config returns the configuration snapshot in force. It is never mutated.
func (s *Service) Config() config.Config { return *s.cfg.Load() }

// Dirs returns the folders this process uses.
func (s *Service) Dirs() paths.Dirs { return s.dirs }

// Close closes the database. The poller must have stopped (Run returned).
func (s *Service) Close() error {
	if s == nil || s.st == nil {
		return nil
	}
	s.background.Wait()
	return s.st.Close()
}

// WindowReady says the window has painted its first frame: start-up work
// held back for it (Deps.DeferStartupWork) goes ahead.
func (s *Service) WindowReady() {
	if s.windowUp != nil {
		s.windowOnce.Do(func() { close(s.windowUp) })
	}
}

func (s *Service) now() time.Time { return s.clock.Now() }

// provider returns the current implementation for a provider name.
func (s *Service) provider(name string) Provider {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.providers[name]
}

// workerEvents turns the poller's events into the service's: jobs get
// their actions, health gets the webhook state and a sequence number.
type workerEvents struct{ s *Service }

func (w workerEvents) JobChanged(j job.Job) {
	if j.Status.Final() {
		w.s.budgetAlert(context.Background())
	}
	if w.s.events != nil {
		w.s.events.JobChanged(w.s.withActions(context.Background(), j))
	}
}

// JobDeleted is told of deletions by other processes.
func (w workerEvents) JobDeleted(id string) {
	if w.s.events != nil {
		w.s.events.JobDeleted(id)
	}
}

func (w workerEvents) HealthChanged(worker.Health) { w.s.emitHealth() }

func (s *Service) emitJob(ctx context.Context, j job.Job) job.Job {
	j = s.withActions(ctx, j)
	if s.events != nil {
		s.events.JobChanged(j)
	}
	return j
}

func (s *Service) emitHealth() {
	if s.events != nil {
		s.events.HealthChanged(s.Health())
	}
}
