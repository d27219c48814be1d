// Package worker is the poller: it submits queued research jobs to their
// provider, polls running ones until they end, and saves the outcome.
//
// A running Worker is three small loops, each with one cadence:
//
//   - the elector (elector.go) takes the store's lease and renews it every
//     heartbeat; another process takes over once three beats were missed,
//     and Run resigns the lease on the way out so the next process takes
//     over at once. Only the lease holder calls providers;
//   - the change feed (feed.go) notices commits made by other processes
//     exactly (store.Feed, PRAGMA data_version on its own connection) and
//     reports the jobs they changed, so a UI on standby still sees them.
//     It looks when the database's files are written (Options.Watch) and
//     once per heartbeat, or every FeedInterval without a file watch;
//   - the scheduler (sched.go) sleeps until the next due job, a retry, the
//     end of a pause, or a wake, and then runs one pass (pass.go).
//
// An idle poller therefore wakes and commits once per heartbeat and does
// nothing else. A
// pass writes a job only when something about it changed: a poll that
// learns nothing new keeps the job's next check in memory instead of
// bumping its row. Health.NextCheck is the scheduler's real next wake.
//
// Each loop also looks (one stat) whether the database file is still the
// one opened; when it was deleted or replaced, the worker stops for good
// and keeps the runs in progress in a recovery file (replaced.go).
package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Defaults for the zero values of Config.
const (
	DefaultPollInterval = 30 * time.Second
	DefaultConcurrency  = 4
	DefaultMaxRunning   = 3
	DefaultMaxJobAge    = 24 * time.Hour
	DefaultHeartbeat    = 10 * time.Second
	DefaultFeedInterval = time.Second

	// maxBackoff caps the wait after repeated transient errors.
	maxBackoff = 10 * time.Minute
	// minSleep keeps the loop from spinning when a job stays due because
	// saving it failed.
	minSleep = time.Second
	// callTimeout bounds one provider call. A create call is not cut short
	// by shutdown (that would make it ambiguous) but by this timeout.
	callTimeout = 2 * time.Minute
)

// Config is the poller's policy. Zero values take the defaults above.
type Config struct {
	Holder       string        // lease holder id, e.g. "app pid 123 on host"; "" = "pid N on HOST"
	PollInterval time.Duration // between two polls of a running job
	Concurrency  int           // parallel provider calls
	MaxRunning   int           // running+submitting jobs per provider
	MaxJobAge    time.Duration // give up on a job older than this (running: since it was sent; queued: since this attempt was queued)
	Heartbeat    time.Duration // lease renewal period; another process takes over after 3 missed beats
	FeedInterval time.Duration // how often the change feed asks whether another process committed (a read), without a file watch
	DataDir      string        // root of the report mirror; "" = no mirror

	// Names says how each provider is named to users (its display name and
	// key variable), so a health message names the provider concerned and
	// its own variable. Health lists providers in this order; one not
	// listed comes after, named by its id.
	Names []ProviderName

	// Cost prices a run in USD from the job (its provider, model and the
	// prices it was submitted under) and the provider's snapshot (its usage,
	// or the cost the provider reports); nil leaves the cost at 0.
	Cost func(j job.Job, s provider.Snapshot) float64

	// Parent returns what a follow-up (a job with a ParentID) continues:
	// the parent's provider id to continue (when j.ParentContext says so)
	// and its question and report. An error means the follow-up cannot be
	// sent (its parent was deleted, say): the job fails with the error's
	// text and nothing is sent. nil sends follow-ups as new research.
	Parent func(ctx context.Context, j job.Job) (*provider.Parent, error)

	// Hold says why a queued job must not be sent now ("" : it may go),
	// for instance because its model was retired. A held job stays
	// queued, unwritten, and is looked at again every poll interval until
	// its maximum age, when it fails unsent with that reason (hold.go).
	// nil holds nothing.
	Hold func(j job.Job) string

	// Gone is the error of a job whose create the provider refused
	// because its model does not exist there (provider.ModelGone): what
	// to choose instead (gone.go). nil or "": a message without one.
	Gone func(j job.Job) string
}

// Options are the worker's collaborators. All may be nil.
type Options struct {
	Clock    Clock              // nil: the system clock
	Emitter  Emitter            // nil: no events
	Notifier Notifier           // nil: no notifications
	Logger   logrus.FieldLogger // nil: discard
	Rand     func() float64     // jitter source in [0,1); nil: math/rand/v2

	// OnLeaseGained is called each time this process takes the lease,
	// after the takeover recovery (jobs left submitting by a dead process
	// made unconfirmed) and before the first pass. It runs on the
	// scheduler's goroutine, so it should be quick or start its own.
	OnLeaseGained func(ctx context.Context)

	// Watch, when set, is called by Run to learn when the database's files
	// are written (backend/dbwatch). The change feed then looks at once on
	// each signal and otherwise only once per heartbeat, in case a signal
	// was lost, instead of every FeedInterval. When Watch fails, the feed
	// looks every FeedInterval as without it.
	Watch func() (FileWatch, error)
}

// Worker polls the jobs of one database. Create it with New; its methods are
// safe for concurrent use, except that Tick must not run while Run does.
type Worker struct {
	st        *store.Store
	cfg       Config
	clock     Clock
	emit      Emitter
	notify    Notifier
	log       logrus.FieldLogger
	rand      func() float64
	onGained  func(ctx context.Context)
	watchDB   func() (FileWatch, error)
	wakeCh    chan struct{} // wakes the scheduler
	electCh   chan struct{} // wakes the elector (the lease may be free)
	stepped   chan struct{} // test signal: a scheduler step ended (nil: none)
	emitMu    sync.Mutex    // serializes Emitter and Notifier calls
	watchMu   sync.Mutex    // serializes looks at the database (feed and Tick)
	lastRenew time.Time     // elector only: last successful renewal

	mu           sync.Mutex
	providers    map[string]Provider
	pollInterval time.Duration
	concurrency  int
	maxRunning   int
	pausedUntil  map[string]time.Time // provider -> key rejected until
	woken        map[string]struct{}  // job ids to check on the next pass
	parked       map[string][]string  // provider -> queued job ids waiting for a slot
	budget       budgetState          // the monthly budget and the jobs held for it (budget.go)
	holding      map[string]string    // queued job id -> why Config.Hold holds it (hold.go)
	inflight     map[string]struct{}  // job ids with a create call (or its save) in progress here
	late         map[string]lateSave  // job id -> a provider id whose save failed, retried
	planned      map[string]plan      // job id -> next check decided without a write
	known        map[string]int64     // job id -> last version emitted, written or seen here
	primed       bool                 // known holds a baseline of the whole database
	leading      bool
	recovered    bool                      // the takeover recovery ran since the lease was acquired
	running      bool                      // Run is active
	health       Health                    // the poller's part (Providers are in provHealth)
	provHealth   map[string]ProviderHealth // provider -> its own state
	healing      healState                 // report folders still to write (heal.go)
	lost         lostState                 // the database file lost under the worker (replaced.go)
	listeners    map[*Subscription]struct{}
	lastEmitted  Health
	seq          uint64 // sequence number of the last health event
}

// New returns a Worker for st. providers maps a job's Provider field to its
// implementation; the map is copied.
func New(st *store.Store, providers map[string]Provider, cfg Config, opt Options) *Worker {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.MaxRunning <= 0 {
		cfg.MaxRunning = DefaultMaxRunning
	}
	if cfg.MaxJobAge <= 0 {
		cfg.MaxJobAge = DefaultMaxJobAge
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = DefaultHeartbeat
	}
	if cfg.FeedInterval <= 0 {
		cfg.FeedInterval = DefaultFeedInterval
	}
	if cfg.Holder == "" {
		host, _ := os.Hostname()
		cfg.Holder = fmt.Sprintf("pid %d on %s", os.Getpid(), host)
	}
	w := &Worker{
		st:           st,
		cfg:          cfg,
		clock:        opt.Clock,
		emit:         opt.Emitter,
		notify:       opt.Notifier,
		log:          opt.Logger,
		rand:         opt.Rand,
		onGained:     opt.OnLeaseGained,
		watchDB:      opt.Watch,
		wakeCh:       make(chan struct{}, 1),
		electCh:      make(chan struct{}, 1),
		providers:    make(map[string]Provider, len(providers)),
		pollInterval: cfg.PollInterval,
		concurrency:  cfg.Concurrency,
		maxRunning:   cfg.MaxRunning,
		pausedUntil:  map[string]time.Time{},
		woken:        map[string]struct{}{},
		parked:       map[string][]string{},
		inflight:     map[string]struct{}{},
		late:         map[string]lateSave{},
		planned:      map[string]plan{},
		known:        map[string]int64{},
		health:       Health{Poller: PollerStopped},
		provHealth:   map[string]ProviderHealth{},
		listeners:    map[*Subscription]struct{}{},
	}
	if w.clock == nil {
		w.clock = realClock{}
	}
	if w.log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		w.log = l
	}
	if w.rand == nil {
		w.rand = rand.Float64
	}
	for name, p := range providers {
		w.providers[name] = p
	}
	w.lastEmitted = w.healthLocked()
	return w
}

// ErrAlreadyRunning is returned by Run when Run is already active on this Worker.
var ErrAlreadyRunning = errors.New("the poller is already running in this process")

// Run polls until ctx is done, then waits for the provider calls it
// started, resigns the lease and returns nil. Errors of a pass are logged
// and the loop goes on; Run returns an error only when it cannot start
// (ErrAlreadyRunning, or the database gives no connection for the feed)
// or when its database file was deleted or replaced (store.ErrReplaced,
// replaced.go): it then stopped for good, and a later Run returns the
// same error at once.
func (w *Worker) Run(ctx context.Context) error {
	w.mu.Lock()
	if w.running {
		w.mu.Unlock()
		return ErrAlreadyRunning
	}
	if err := w.lost.err; err != nil {
		w.mu.Unlock()
		return err
	}
	w.running = true
	ctx, halt := context.WithCancelCause(ctx)
	w.lost.halt = halt
	w.mu.Unlock()
	defer func() {
		halt(nil)
		w.mu.Lock()
		w.running = false
		w.lost.halt = nil
		w.mu.Unlock()
	}()

	feed, err := w.st.NewFeed(ctx)
	if err != nil {
		return fmt.Errorf("starting the poller: %w", err)
	}
	defer feed.Close()
	if err := w.watch(ctx); err != nil { // the baseline of what is known
		w.log.WithError(err).Warn("reading the database for changes failed; it is read again on the next change")
	}
	if _, err := w.elect(ctx); err != nil && ctx.Err() == nil {
		w.log.WithError(err).Warn("taking the poller lease failed; trying again every heartbeat")
	}

	lctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); w.electLoop(lctx) }()
	go func() { defer wg.Done(); w.feedLoop(lctx, feed) }()
	w.schedule(ctx)
	stop()
	wg.Wait()
	w.stop(ctx)
	return w.Err()
}

// Tick runs exactly one round by hand, for tests and one-shot use: one
// election step (take or renew the lease), one look at the database for
// other processes' changes, and, when this process holds the lease, one
// pass over every due job. It waits for every provider call it started.
// It must not be called while Run is active. Once the database file was
// deleted or replaced, it does nothing and returns that error (see Run).
func (w *Worker) Tick(ctx context.Context) error {
	if _, err := w.elect(ctx); err != nil {
		return err
	}
	werr := w.watch(ctx)
	return errors.Join(werr, w.step(ctx))
}

// Wake makes a job due now (a webhook arrived, the user pressed "check
// now", a job was just submitted) and wakes the scheduler. It never
// blocks. An empty id only wakes the scheduler.
func (w *Worker) Wake(jobID string) {
	if jobID != "" {
		w.mu.Lock()
		w.woken[jobID] = struct{}{}
		w.mu.Unlock()
	}
	w.kick()
}

func (w *Worker) kick() {
	select {
	case w.wakeCh <- struct{}{}:
	default:
	}
}

// noteVersion records that this process knows version j.Version of a job,
// so the change feed does not report it again.
func (w *Worker) noteVersion(j job.Job) {
	w.mu.Lock()
	if j.Version > w.known[j.ID] {
		w.known[j.ID] = j.Version
	}
	w.mu.Unlock()
}

// changed emits a job the worker just stored.
func (w *Worker) changed(j job.Job) {
	w.noteVersion(j)
	w.track(j)
	if w.emit == nil {
		return
	}
	w.emitMu.Lock()
	defer w.emitMu.Unlock()
	w.emit.JobChanged(j)
}

// finished notifies a transition to a final state or to unconfirmed.
func (w *Worker) finished(j job.Job) {
	if w.notify == nil {
		return
	}
	w.emitMu.Lock()
	defer w.emitMu.Unlock()
	w.notify.JobFinished(j)
}

func (w *Worker) isLeading() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.leading
}

// errSkip makes a store update write nothing: the row changed meanwhile
// (the user cancelled, a new attempt started) and the local state wins.
var errSkip = errors.New("job changed meanwhile; skipped")
