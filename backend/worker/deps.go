package worker

// What the worker is given from outside: the providers it calls, who it
// tells about changes, its clock and the database file watch. Each is an
// interface so tests inject fakes.

import (
	"context"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
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

// ModelFetcher is a Provider whose models run on different APIs
// (Perplexity: its presets on the Agent API, sonar-deep-research on the
// async Sonar API). The worker fetches its jobs with FetchModel and each
// job's model, so every job keeps polling the API it was created on.
type ModelFetcher interface {
	FetchModel(ctx context.Context, model, providerJobID string) (provider.Snapshot, error)
}

// fetch asks p about job j: FetchModel with j's model when p is a
// ModelFetcher, else Fetch.
func fetch(ctx context.Context, p Provider, j job.Job) (provider.Snapshot, error) {
	return FetchAs(ctx, p, j.Model, j.ProviderJobID)
}

// FetchAs asks p about its job id, made with model (see ModelFetcher).
func FetchAs(ctx context.Context, p Provider, model, id string) (provider.Snapshot, error) {
	if f, ok := p.(ModelFetcher); ok {
		return f.FetchModel(ctx, model, id)
	}
	return p.Fetch(ctx, id)
}

// Emitter is told about every change the worker makes or sees. Its methods
// are called one at a time, never while the worker holds its state lock, so
// they may call Health; they must not call the Set methods.
//
// An Emitter that also has a method JobDeleted(id string) is told when the
// change feed sees a job deleted by another process.
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
	// NewTimer returns a timer that fires once, after d.
	NewTimer(d time.Duration) Timer
}

// Timer is a one-shot timer of a Clock.
type Timer interface {
	C() <-chan time.Time
	// Stop releases the timer; it reports whether it had not fired yet.
	Stop() bool
}

type realClock struct{}

func (realClock) Now() time.Time                 { return time.Now() }
func (realClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (t realTimer) C() <-chan time.Time { return t.t.C }
func (t realTimer) Stop() bool          { return t.t.Stop() }

// FileWatch signals writes to the database's files (dbwatch.Watcher).
type FileWatch interface {
	// Changes receives a value after a write; values may coalesce.
	Changes() <-chan struct{}
	Close() error
}
