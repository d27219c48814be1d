// Package worker is the poller: it submits queued research jobs to their
// provider, polls running ones until they end, and saves the outcome.
//
// At most one process per database polls at a time. A Worker takes the
// store's lease before it calls any provider and renews it every heartbeat;
// while another process holds a fresh lease it stays on standby, makes no
// provider calls and only watches the database so a UI still sees changes.
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

	// maxBackoff caps the wait after repeated transient errors.
	maxBackoff = 10 * time.Minute
	// minSleep keeps the loop from spinning when a job stays due because
	// saving it failed.
	minSleep = time.Second
	// callTimeout bounds one provider call. A create call is not cut short
	// by shutdown (that would make it ambiguous) but by this timeout.
	callTimeout = 2 * time.Minute
	// watchSlack widens the "updated after" window of the database watch so
	// a coarse timestamp precision never hides a change.
	watchSlack = time.Second
)

// Provider is a deep-research backend as the worker uses it.
// backend/provider/openai satisfies it. Errors should be *provider.Error so
// the worker knows what it may safely do next; any other error is treated
// as ambiguous on Submit and transient on Fetch.
type Provider interface {
	Name() string
	// Submit creates a background job and returns its provider id. It must
	// not retry a create that may have reached the provider.
	Submit(ctx context.Context, r provider.Request) (string, error)
	// Fetch returns the current state of a job.
	Fetch(ctx context.Context, providerJobID string) (provider.Snapshot, error)
	// Cancel asks the provider to stop a job (best effort).
	Cancel(ctx context.Context, providerJobID string) error
}

// Emitter is told about every change the worker makes or sees. Its methods
// are called one at a time, never while the worker holds its state lock, so
// they may call Health; they must not call SetProvider or SetPollInterval.
type Emitter interface {
	JobChanged(j job.Job)
	HealthChanged(h Health)
}

// Notifier is told once each time a job reaches a final state or becomes
// unconfirmed through this worker.
type Notifier interface {
	JobFinished(j job.Job)
}

// Clock is the worker's source of time. Tests use a fake.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Config is the poller's policy. Zero values take the defaults above.
type Config struct {
	Holder       string        // lease holder id, e.g. "app pid 123 on host"; "" = "pid N on HOST"
	PollInterval time.Duration // between two polls of a running job
	Concurrency  int           // parallel provider calls
	MaxRunning   int           // running+submitting jobs per provider
	MaxJobAge    time.Duration // give up on a job older than this (since submission; queued: since creation)
	Heartbeat    time.Duration // lease renewal period; the lease is stale after 3 heartbeats
	DataDir      string        // root of the report mirror; "" = no mirror

	// Cost prices a run's usage in USD; nil leaves the cost at 0.
	Cost func(model string, u job.Usage) float64
}

// Options are the worker's collaborators. All may be nil.
type Options struct {
	Clock    Clock              // nil: the system clock
	Emitter  Emitter            // nil: no events
	Notifier Notifier           // nil: no notifications
	Logger   logrus.FieldLogger // nil: discard
	Rand     func() float64     // jitter source in [0,1); nil: math/rand/v2
}

// Health is what the UI shows about the poller and the provider.
type Health struct {
	Provider    string     `json:"provider"` // "ok" | "offline" | "key_rejected" | "unknown"
	Message     string     `json:"message"`
	Poller      string     `json:"poller"` // "running" (this process) | "standby" (another holds the lease) | "stopped"
	LeaseHolder string     `json:"lease_holder"`
	NextCheck   *time.Time `json:"next_check"`
	LastCheck   *time.Time `json:"last_check"`
}

// Provider health values.
const (
	ProviderOK          = "ok"
	ProviderOffline     = "offline"
	ProviderKeyRejected = "key_rejected"
	ProviderUnknown     = "unknown"
)

// Poller health values.
const (
	PollerRunning = "running"
	PollerStandby = "standby"
	PollerStopped = "stopped"
)

// Worker polls the jobs of one database. Create it with New; its methods are
// safe for concurrent use.
type Worker struct {
	st     *store.Store
	cfg    Config
	clock  Clock
	emit   Emitter
	notify Notifier
	log    logrus.FieldLogger
	rand   func() float64
	wakeCh chan struct{}

	emitMu sync.Mutex // serializes Emitter and Notifier calls

	mu           sync.Mutex
	providers    map[string]Provider
	pollInterval time.Duration
	pausedUntil  map[string]time.Time // provider -> key rejected until
	woken        map[string]struct{}  // job ids to check on the next pass
	parked       map[string][]string  // provider -> queued job ids waiting for a slot
	inflight     map[string]struct{}  // job ids with a create call in progress here
	known        map[string]int64     // job id -> last version emitted or written here
	leading      bool
	recovered    bool // the takeover recovery ran since the lease was acquired
	primed       bool // the database watch has a baseline
	cursor       time.Time
	running      bool // Run is active
	health       Health
	lastEmitted  Health
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
		wakeCh:       make(chan struct{}, 1),
		providers:    make(map[string]Provider, len(providers)),
		pollInterval: cfg.PollInterval,
		pausedUntil:  map[string]time.Time{},
		woken:        map[string]struct{}{},
		parked:       map[string][]string{},
		inflight:     map[string]struct{}{},
		known:        map[string]int64{},
		health:       Health{Provider: ProviderUnknown, Poller: PollerStopped},
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
	w.lastEmitted = w.health
	return w
}

// ErrAlreadyRunning is returned by Run when Run is already active on this Worker.
var ErrAlreadyRunning = errors.New("the poller is already running in this process")

// Run polls until ctx is done, then releases the lease and returns nil.
// Between passes it sleeps until the earliest of the next due job, the next
// heartbeat, or a Wake. Errors of a pass are logged and the loop goes on.
func (w *Worker) Run(ctx context.Context) error {
	w.mu.Lock()
	if w.running {
		w.mu.Unlock()
		return ErrAlreadyRunning
	}
	w.running = true
	w.mu.Unlock()
	defer w.stop(ctx)

	for {
		if ctx.Err() != nil {
			return nil
		}
		skipped, err := w.tick(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			w.log.WithError(err).Error("poller pass failed; it will try again")
		}
		d := w.sleepFor(ctx, skipped, err != nil)
		select {
		case <-ctx.Done():
			return nil
		case <-w.wakeCh:
		case <-w.clock.After(d):
		}
	}
}

// stop releases the lease and reports the poller stopped.
func (w *Worker) stop(ctx context.Context) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := w.st.ReleaseLease(rctx, w.cfg.Holder); err != nil {
		w.log.WithError(err).Warn("could not release the poller lease; another process takes over once it is stale")
	}
	w.mu.Lock()
	w.running = false
	w.leading = false
	w.recovered = false
	w.health.Poller = PollerStopped
	w.health.LeaseHolder = ""
	w.health.NextCheck = nil
	w.mu.Unlock()
	w.emitHealth()
}

// sleepFor returns how long Run waits before the next pass and records it
// as the next check.
func (w *Worker) sleepFor(ctx context.Context, pausedSkip bool, failed bool) time.Duration {
	now := w.clock.Now()
	next := now.Add(w.cfg.Heartbeat)
	w.mu.Lock()
	leading := w.leading
	w.mu.Unlock()
	if leading {
		if t, ok, err := w.st.NextDue(ctx); err == nil && ok && t.Before(next) {
			next = t
		}
		if pausedSkip && !next.After(now) {
			// Everything due belongs to a paused provider: wait for the pause
			// to end (or a heartbeat), not in a busy loop.
			next = now.Add(w.cfg.Heartbeat)
			if t, ok := w.earliestUnpause(); ok && t.Before(next) {
				next = t
			}
		}
	}
	if failed && next.Before(now.Add(minSleep)) {
		next = now.Add(minSleep)
	}
	if next.Before(now) {
		next = now
	}
	w.mu.Lock()
	w.health.NextCheck = &next
	w.mu.Unlock()
	w.emitHealth()
	// Another process (the CLI, the app) may queue or change jobs at any
	// time and cannot wake this one: look at the database at least every
	// watchEvery, which costs two indexed queries.
	if d := next.Sub(now); d > watchEvery {
		return watchEvery
	}
	return next.Sub(now)
}

// watchEvery bounds how long the loop sleeps without looking at the database.
const watchEvery = 2 * time.Second

// Tick runs exactly one pass: renew or take the lease, report database
// changes made by other processes, and, when this process holds the lease,
// submit and poll every due job. It waits for every provider call it
// started.
func (w *Worker) Tick(ctx context.Context) error {
	_, err := w.tick(ctx)
	return err
}

func (w *Worker) tick(ctx context.Context) (pausedSkip bool, err error) {
	leading, err := w.beat(ctx)
	if err != nil {
		return false, err
	}
	werr := w.watch(ctx)
	if !leading {
		return false, errors.Join(werr, w.forwardWakes(ctx))
	}
	extra, rerr := w.recover(ctx)
	if rerr != nil {
		return false, errors.Join(werr, rerr)
	}
	pausedSkip, perr := w.pass(ctx, extra)
	return pausedSkip, errors.Join(werr, perr)
}

// Wake makes a job due now (a webhook arrived, the user pressed "check
// now", a job was just submitted) and wakes the loop. It never blocks. An
// empty id only wakes the loop.
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

// Health returns the current health.
func (w *Worker) Health() Health {
	w.mu.Lock()
	defer w.mu.Unlock()
	return copyHealth(w.health)
}

func copyHealth(h Health) Health {
	if h.NextCheck != nil {
		t := *h.NextCheck
		h.NextCheck = &t
	}
	if h.LastCheck != nil {
		t := *h.LastCheck
		h.LastCheck = &t
	}
	return h
}

func sameHealth(a, b Health) bool {
	eqT := func(x, y *time.Time) bool {
		if x == nil || y == nil {
			return x == y
		}
		return x.Equal(*y)
	}
	return a.Provider == b.Provider && a.Message == b.Message && a.Poller == b.Poller &&
		a.LeaseHolder == b.LeaseHolder && eqT(a.NextCheck, b.NextCheck) && eqT(a.LastCheck, b.LastCheck)
}

// SetProvider replaces the provider registered as name (the API key
// changed), lifts a "key rejected" pause and wakes the loop.
func (w *Worker) SetProvider(name string, p Provider) {
	w.mu.Lock()
	w.providers[name] = p
	_, wasPaused := w.pausedUntil[name]
	delete(w.pausedUntil, name)
	if wasPaused || w.health.Provider == ProviderKeyRejected {
		w.health.Provider = ProviderUnknown
		w.health.Message = "The API key changed; it is checked on the next poll."
	}
	w.mu.Unlock()
	w.emitHealth()
	w.kick()
}

// SetPollInterval changes the poll interval without a restart. d <= 0
// restores the default.
func (w *Worker) SetPollInterval(d time.Duration) {
	if d <= 0 {
		d = DefaultPollInterval
	}
	w.mu.Lock()
	w.pollInterval = d
	w.mu.Unlock()
	w.kick()
}

func (w *Worker) interval() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.pollInterval
}

func (w *Worker) provider(name string) Provider {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.providers[name]
}

// paused reports whether calls to the named provider are paused because
// its key was rejected.
func (w *Worker) paused(name string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	until, ok := w.pausedUntil[name]
	if !ok {
		return false
	}
	if !w.clock.Now().Before(until) {
		delete(w.pausedUntil, name)
		return false
	}
	return true
}

func (w *Worker) earliestUnpause() (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var t time.Time
	for _, u := range w.pausedUntil {
		if t.IsZero() || u.Before(t) {
			t = u
		}
	}
	return t, !t.IsZero()
}

// pause stops calls to a provider whose key was rejected until the next
// poll interval or SetProvider.
func (w *Worker) pause(name string, err error) {
	until := w.clock.Now().Add(w.interval())
	msg := displayName(name) + " rejected the API key"
	var pe *provider.Error
	if errors.As(err, &pe) && pe.Message != "" {
		msg = pe.Message
	}
	w.mu.Lock()
	w.pausedUntil[name] = until
	w.health.Provider = ProviderKeyRejected
	w.health.Message = msg + ". Polling is paused: set a new key in Settings or OPENAI_API_KEY; jobs stay as they are."
	w.mu.Unlock()
	w.log.WithError(err).WithField("provider", name).Warn("API key rejected; provider calls paused")
	w.emitHealth()
}

// providerOK and providerOffline record the outcome of a provider call.
func (w *Worker) providerOK() {
	w.setProviderHealth(ProviderOK, "")
}

func (w *Worker) providerOffline(name string, err error) {
	w.setProviderHealth(ProviderOffline, fmt.Sprintf("Cannot reach %s (%v). Check the network; jobs are retried automatically.", displayName(name), err))
}

func (w *Worker) setProviderHealth(state, msg string) {
	w.mu.Lock()
	w.health.Provider = state
	w.health.Message = msg
	w.mu.Unlock()
	w.emitHealth()
}

// emitHealth sends the health to the Emitter if it changed since last sent.
func (w *Worker) emitHealth() {
	w.emitMu.Lock()
	defer w.emitMu.Unlock()
	w.mu.Lock()
	h := copyHealth(w.health)
	changed := !sameHealth(h, w.lastEmitted)
	if changed {
		w.lastEmitted = copyHealth(h)
	}
	w.mu.Unlock()
	if changed && w.emit != nil {
		w.emit.HealthChanged(h)
	}
}

// noteVersion records that this process knows version j.Version of a job,
// so the database watch does not report it again.
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

// beat takes or renews the lease and updates the poller health.
func (w *Worker) beat(ctx context.Context) (bool, error) {
	now := w.clock.Now()
	ok, err := w.st.AcquireLease(ctx, w.cfg.Holder, now, 3*w.cfg.Heartbeat)
	if err != nil {
		return false, fmt.Errorf("taking the poller lease: %w", err)
	}
	holder := w.cfg.Holder
	if !ok {
		l, found, err := w.st.CurrentLease(ctx)
		if err != nil {
			return false, fmt.Errorf("reading the poller lease: %w", err)
		}
		holder = ""
		if found {
			holder = l.Holder
		}
	}
	w.mu.Lock()
	if ok && !w.leading {
		w.recovered = false
		w.log.WithField("holder", holder).Info("poller lease acquired; this process polls")
	}
	if !ok && w.leading {
		w.log.WithField("holder", holder).Warn("poller lease lost; standing by")
	}
	w.leading = ok
	if ok {
		w.health.Poller = PollerRunning
	} else {
		w.health.Poller = PollerStandby
		w.parked = map[string][]string{}
	}
	w.health.LeaseHolder = holder
	w.mu.Unlock()
	w.emitHealth()
	return ok, nil
}

func (w *Worker) isLeading() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.leading
}

// keepBeating renews the lease every heartbeat until ctx is done, so a long
// pass never lets the lease go stale.
func (w *Worker) keepBeating(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.clock.After(w.cfg.Heartbeat):
			if _, err := w.beat(ctx); err != nil && ctx.Err() == nil {
				w.log.WithError(err).Warn("renewing the poller lease failed")
			}
		}
	}
}

// watch reports jobs changed by other processes (or by other code in this
// one, like a CLI submission) since the last look.
func (w *Worker) watch(ctx context.Context) error {
	w.mu.Lock()
	primed, cursor := w.primed, w.cursor
	w.mu.Unlock()
	f := store.ListFilter{}
	if primed {
		f.UpdatedAfter = cursor.Add(-watchSlack)
	} else {
		f.UpdatedAfter = w.clock.Now().Add(-watchSlack)
	}
	rows, err := w.st.ListJobs(ctx, f)
	if err != nil {
		return fmt.Errorf("watching the database for changes: %w", err)
	}
	var news []job.Job
	w.mu.Lock()
	if !primed {
		w.primed = true
		w.cursor = f.UpdatedAfter.Add(watchSlack)
	}
	for i := len(rows) - 1; i >= 0; i-- { // oldest first
		j := rows[i]
		if j.UpdatedAt.After(w.cursor) {
			w.cursor = j.UpdatedAt
		}
		if j.Version > w.known[j.ID] {
			w.known[j.ID] = j.Version
			if primed {
				news = append(news, j)
			}
		}
	}
	w.mu.Unlock()
	for _, j := range news {
		if w.emit != nil {
			w.emitMu.Lock()
			w.emit.JobChanged(j)
			w.emitMu.Unlock()
		}
	}
	return nil
}

// forwardWakes, on standby, hands woken jobs to the process that polls by
// making them due now in the database.
func (w *Worker) forwardWakes(ctx context.Context) error {
	ids := w.takeWoken()
	now := w.clock.Now()
	var errs []error
	for _, id := range ids {
		j, err := w.st.Update(ctx, id, func(c *job.Job) error {
			if !c.Status.Active() || !c.NextPollAt.After(now) {
				return errSkip
			}
			c.NextPollAt = now
			return nil
		})
		switch {
		case err == nil:
			w.noteVersion(j)
		case errors.Is(err, errSkip), errors.Is(err, store.ErrNotFound):
		default:
			errs = append(errs, fmt.Errorf("marking job %s due: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

func (w *Worker) takeWoken() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	ids := make([]string, 0, len(w.woken))
	for id := range w.woken {
		ids = append(ids, id)
	}
	clear(w.woken)
	return ids
}

// errSkip makes a store update write nothing: the row changed meanwhile
// (the user cancelled, a new attempt started) and the local state wins.
var errSkip = errors.New("job changed meanwhile; skipped")

// displayName is a provider's name as users know it.
func displayName(p string) string {
	switch p {
	case "openai", "":
		return "OpenAI"
	}
	return p
}
