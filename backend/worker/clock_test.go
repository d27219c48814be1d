package worker

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeClock is a manual clock: time moves only on Advance.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  map[*fakeTimer]struct{} // not fired, not stopped
	changed chan struct{}           // a send (dropped when full) after every NewTimer and Stop
}

// fakeTimer is a timer of a fakeClock.
type fakeTimer struct {
	c  *fakeClock
	at time.Time
	ch chan time.Time
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	_, live := t.c.timers[t]
	delete(t.c.timers, t)
	t.c.mu.Unlock()
	t.c.signal()
	return live
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: t0, timers: map[*fakeTimer]struct{}{}, changed: make(chan struct{}, 1)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	t := &fakeTimer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- c.now
	} else {
		c.timers[t] = struct{}{}
	}
	c.mu.Unlock()
	c.signal()
	return t
}

func (c *fakeClock) signal() {
	select {
	case c.changed <- struct{}{}:
	default:
	}
}

// Advance moves time forward and fires every timer that is due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for t := range c.timers {
		if !t.at.After(c.now) {
			t.ch <- c.now
			delete(c.timers, t)
		}
	}
}

// pending returns how many timers are waiting, and the earliest deadline.
func (c *fakeClock) pending() (int, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var first time.Time
	for t := range c.timers {
		if first.IsZero() || t.at.Before(first) {
			first = t.at
		}
	}
	return len(c.timers), first
}

// deadlines returns the deadlines of the waiting timers, earliest first.
func (c *fakeClock) deadlines() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	at := make([]time.Time, 0, len(c.timers))
	for t := range c.timers {
		at = append(at, t.at)
	}
	slices.SortFunc(at, time.Time.Compare)
	return at
}

// waitTimers waits until exactly n timers are waiting on the clock: every
// loop of a running worker is then asleep.
func (c *fakeClock) waitTimers(t testing.TB, n int) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		if got, _ := c.pending(); got == n {
			return
		}
		select {
		case <-c.changed:
		case <-deadline:
			got, _ := c.pending()
			t.Fatalf("waiting for %d timers on the fake clock: %d after 5s", n, got)
		}
	}
}
