package notify

import (
	"sync"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// The coalescing rule: when more than BurstLimit jobs end within
// BurstWindow, the first BurstLimit are notified one by one and every
// later ending is held. SummaryDelay after the first held one, a single
// Summary of all held jobs is sent (or the held notification itself when
// only one was held), so jobs ending together are summed up at once;
// later summaries of the same burst come at most one per BurstWindow. A
// steady flood thus costs BurstLimit notifications plus about one per
// minute.
const (
	BurstWindow = time.Minute
	BurstLimit  = 3
	// SummaryDelay is how long the first summary of a burst waits for
	// the other jobs ending together.
	SummaryDelay = 5 * time.Second
)

// coalescer applies the rule above between JobFinished and dispatch.
type coalescer struct {
	clock Clock
	emit  func(Note)

	mu     sync.Mutex
	recent []time.Time // when the last (up to BurstLimit) jobs ended
	held   []job.Job
	notes  []Note // held[i]'s own notification
	cancel func() bool
	sent   time.Time // when the last summary (or held note) was sent
}

func newCoalescer(c Clock, emit func(Note)) *coalescer { return &coalescer{clock: c, emit: emit} }

// add notifies of j now (note) or holds it for the summary.
func (c *coalescer) add(j job.Job, note Note) {
	c.mu.Lock()
	now := c.clock.Now()
	burst := c.cancel != nil ||
		(len(c.recent) == BurstLimit && now.Sub(c.recent[0]) < BurstWindow)
	c.recent = append(c.recent, now)
	if len(c.recent) > BurstLimit {
		c.recent = c.recent[1:]
	}
	if !burst {
		c.mu.Unlock()
		c.emit(note)
		return
	}
	c.held = append(c.held, j)
	c.notes = append(c.notes, note)
	if c.cancel == nil {
		wait := SummaryDelay
		if next := c.sent.Add(BurstWindow).Sub(now); !c.sent.IsZero() && next > wait {
			wait = next
		}
		c.cancel = c.clock.AfterFunc(wait, c.flush)
	}
	c.mu.Unlock()
}

// flush sends what was held: one summary, or the one held notification.
func (c *coalescer) flush() {
	c.mu.Lock()
	held, notes := c.held, c.notes
	c.held, c.notes, c.cancel = nil, nil, nil
	if len(held) > 0 {
		c.sent = c.clock.Now()
	}
	c.mu.Unlock()
	switch len(held) {
	case 0:
	case 1:
		c.emit(notes[0])
	default:
		c.emit(Summary(held))
	}
}

// stop cancels a pending summary and sends what was held at once, so
// nothing held is lost when the app quits.
func (c *coalescer) stop() {
	c.mu.Lock()
	if c.cancel != nil {
		c.cancel()
	}
	c.mu.Unlock()
	c.flush()
}
