package mcpserver

import (
	"sync"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// Feed is the research.Events of a process serving MCP: it tells waiting
// calls (get_research's wait) that jobs changed. The service calls it for
// its own changes and, through the poller's change feed, for other
// processes' (the window's, the CLI's). Give it to engine.Open.
type Feed struct {
	mu   sync.Mutex
	subs map[chan struct{}]struct{}
}

// NewFeed returns a feed nobody listens to yet.
func NewFeed() *Feed { return &Feed{subs: map[chan struct{}]struct{}{}} }

// JobChanged wakes every waiter.
func (f *Feed) JobChanged(job.Job) { f.signal() }

// JobDeleted wakes every waiter.
func (f *Feed) JobDeleted(string) { f.signal() }

// HealthChanged is not followed.
func (f *Feed) HealthChanged(research.Health) {}

func (f *Feed) signal() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.subs {
		select {
		case c <- struct{}{}:
		default: // a signal is pending: the waiter looks anyway
		}
	}
}

// watch returns a channel signalled after any job changes, and the
// function that stops it. Subscribe before reading the job, so no change
// is missed between the two.
func (f *Feed) watch() (<-chan struct{}, func()) {
	c := make(chan struct{}, 1)
	f.mu.Lock()
	f.subs[c] = struct{}{}
	f.mu.Unlock()
	return c, func() {
		f.mu.Lock()
		delete(f.subs, c)
		f.mu.Unlock()
	}
}
