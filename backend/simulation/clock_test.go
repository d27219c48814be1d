package simulation

import (
	"sync"
	"time"

	"github.com/deepr-desktop/deepr/backend/worker"
)

// clock is the simulation's time (worker.Clock): it moves only when the
// simulation moves it.
type clock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*timer
}

func newClock(at time.Time) *clock { return &clock{now: at} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when the clock is moved past now+d.
func (c *clock) NewTimer(d time.Duration) worker.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{c: make(chan time.Time, 1), at: c.now.Add(d)}
	if d <= 0 {
		t.fire(c.now)
	} else {
		c.timers = append(c.timers, t)
	}
	return t
}

// advance moves the clock by d and fires the timers that fell due.
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.fire(c.now)
		} else {
			keep = append(keep, t)
		}
	}
	c.timers = keep
}

type timer struct {
	mu      sync.Mutex
	c       chan time.Time
	at      time.Time
	stopped bool
	fired   bool
}

func (t *timer) fire(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.stopped && !t.fired {
		t.fired = true
		t.c <- now
	}
}

func (t *timer) C() <-chan time.Time { return t.c }

func (t *timer) Stop() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	was := !t.stopped && !t.fired
	t.stopped = true
	return was
}
