package research_test

// The fakes of the unit tests: a fixed clock, a scripted provider and an
// in-memory secrets store.

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// t0 is the time of the unit tests' fixed clock.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fixedClock never moves; its timers never fire (no unit test waits on one).
type fixedClock struct{}

func (fixedClock) Now() time.Time                      { return t0 }
func (fixedClock) NewTimer(time.Duration) worker.Timer { return neverTimer{} }

type neverTimer struct{}

func (neverTimer) C() <-chan time.Time { return nil }
func (neverTimer) Stop() bool          { return true }

// fakeProvider is a scripted provider that records every call.
type fakeProvider struct {
	mu        sync.Mutex
	snaps     map[string]provider.Snapshot // Fetch answers; others get 404
	cancelErr error
	checkErr  error
	fetchErr  error // when set, every Fetch fails with it
	cancels   []string
	fetches   []string
	keys      []string // the key of every build
	// help answers the helper model's calls (Help); nil: every call fails.
	help func(context.Context, provider.HelperRequest) (provider.HelperAnswer, error)
}

func newFakeProvider() *fakeProvider {
	return &fakeProvider{snaps: map[string]provider.Snapshot{}}
}

func (p *fakeProvider) Name() string { return "openai" }

func (p *fakeProvider) Submit(context.Context, provider.Request) (string, error) {
	return "", errors.New("the unit tests never submit")
}

func (p *fakeProvider) Fetch(_ context.Context, id string) (provider.Snapshot, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fetches = append(p.fetches, id)
	if p.fetchErr != nil {
		return provider.Snapshot{}, p.fetchErr
	}
	s, ok := p.snaps[id]
	if !ok {
		return provider.Snapshot{}, &provider.Error{Kind: provider.KindNotFound, Op: "get", HTTPStatus: 404,
			Message: "No response found with id '" + id + "'."}
	}
	return s, nil
}

func (p *fakeProvider) Help(ctx context.Context, r provider.HelperRequest) (provider.HelperAnswer, error) {
	p.mu.Lock()
	help := p.help
	p.mu.Unlock()
	if help == nil {
		return provider.HelperAnswer{}, errors.New("the unit test set no helper answer")
	}
	return help(ctx, r)
}

func (p *fakeProvider) Cancel(_ context.Context, id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cancels = append(p.cancels, id)
	return p.cancelErr
}

func (p *fakeProvider) CheckKey(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.checkErr
}

func (p *fakeProvider) cancelled() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.cancels...)
}

// fakeSecrets keeps secrets in memory, like a keychain that always works.
type fakeSecrets struct {
	mu sync.Mutex
	m  map[string]string
}

func (f *fakeSecrets) Get(name string) (string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v := f.m[name]; v != "" {
		return v, "keychain", nil
	}
	return "", "", nil
}

func (f *fakeSecrets) Set(name, value string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[name] = value
	return "keychain", nil
}

func (f *fakeSecrets) Delete(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.m, name)
	return nil
}
