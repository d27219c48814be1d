package worker

import (
	"context"
	"fmt"
	"time"
)

// The elector keeps the one poller lease of a database. It has its own
// loop and one cadence: every heartbeat a holder renews (one commit), and a
// process on standby reads the lease and tries to take it only when it is
// free, its own, or stale (three heartbeats without a renewal). The change
// feed wakes it early when the lease may have been given up, so a resigned
// lease is taken over at once instead of after a heartbeat.

// electLoop runs election steps every heartbeat, or at once when woken,
// until ctx is done.
func (w *Worker) electLoop(ctx context.Context) {
	for {
		t := w.clock.NewTimer(w.cfg.Heartbeat)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-w.electCh:
			t.Stop()
		case <-t.C():
		}
		if _, err := w.elect(ctx); err != nil && ctx.Err() == nil {
			w.log.WithError(err).Warn("keeping the poller lease failed; trying again at the next heartbeat")
		}
	}
}

// wakeElector asks the elector to look at the lease now. It never blocks.
func (w *Worker) wakeElector() {
	select {
	case w.electCh <- struct{}{}:
	default:
	}
}

// elect makes one election step and reports whether this process holds
// the lease afterwards. On a change of leadership it updates the health and
// wakes the scheduler (which runs the takeover recovery).
func (w *Worker) elect(ctx context.Context) (bool, error) {
	if err := w.CheckFile(ctx); err != nil { // never renew a lease in another file
		return false, err
	}
	now := w.clock.Now()
	stale := 3 * w.cfg.Heartbeat
	if !w.isLeading() {
		l, found, err := w.st.CurrentLease(ctx)
		if err != nil {
			return false, fmt.Errorf("reading the poller lease: %w", err)
		}
		// Held by another process that renewed within three beats: stay on
		// standby without writing anything.
		if found && l.Holder != "" && l.Holder != w.cfg.Holder && !l.Heartbeat.Before(now.Add(-stale)) {
			w.setLeading(false, l.Holder)
			return false, nil
		}
	}
	ok, err := w.st.AcquireLease(ctx, w.cfg.Holder, now, stale)
	if err != nil {
		// A leader whose renewals keep failing steps down before another
		// process may take over, so two never poll at once.
		if w.isLeading() && now.Sub(w.lastRenew) >= stale-w.cfg.Heartbeat {
			w.setLeading(false, "")
		}
		return w.isLeading(), fmt.Errorf("taking the poller lease: %w", err)
	}
	if ok {
		w.lastRenew = now
		w.setLeading(true, w.cfg.Holder)
		return true, nil
	}
	holder := ""
	if l, found, err := w.st.CurrentLease(ctx); err == nil && found {
		holder = l.Holder
	}
	w.setLeading(false, holder)
	return false, nil
}

// setLeading records the election outcome; on a change of leadership it
// logs it, tells the subscribers (Listen) and wakes the scheduler.
func (w *Worker) setLeading(leading bool, holder string) {
	w.mu.Lock()
	if w.lost.err != nil { // the database file is lost: the worker stays stopped (replaced.go)
		w.mu.Unlock()
		return
	}
	was := w.leading
	w.leading = leading
	if leading {
		w.health.Poller = PollerRunning
		if !was {
			w.recovered = false
		}
	} else {
		w.health.Poller = PollerStandby
		w.health.NextCheck = nil
		w.parked = map[string][]string{}
	}
	w.health.LeaseHolder = holder
	if leading != was {
		w.tellLocked(leading)
	}
	w.mu.Unlock()
	switch {
	case leading && !was:
		w.log.WithField("holder", holder).Info("poller lease acquired; this process polls")
	case !leading && was:
		w.log.WithField("holder", holder).Warn("poller lease lost; standing by")
	}
	w.emitHealth()
	if leading != was {
		w.kick()
	}
}

// stop resigns the lease with a context of its own (shutdown must not
// keep the next process waiting for three heartbeats), makes a last try
// at saving provider ids that could not be saved, and reports the poller
// stopped.
func (w *Worker) stop(ctx context.Context) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if w.Err() != nil { // the file is lost: write nothing (replaced.go)
		w.recordLate()
	} else {
		w.retryLate(rctx, true)
		if err := w.st.ReleaseLease(rctx, w.cfg.Holder); err != nil {
			w.log.WithError(err).Warn("could not release the poller lease; another process takes over once it is stale")
		}
	}
	w.mu.Lock()
	if w.leading {
		w.tellLocked(false)
	}
	w.leading = false
	w.recovered = false
	w.health.Poller = PollerStopped
	w.health.LeaseHolder = ""
	w.health.NextCheck = nil
	w.mu.Unlock()
	w.emitHealth()
}

// Subscription receives this process's changes of leadership (Listen).
type Subscription struct {
	w  *Worker
	ch chan bool
}

// Listen subscribes to leadership, as River's elector hands it out: the
// channel's first value is the present state (true: this process holds the
// poller lease), then one value per change. It holds the newest value
// only: a slow reader misses intermediate changes, never the last one.
// Call Unlisten when done.
func (w *Worker) Listen() *Subscription {
	s := &Subscription{w: w, ch: make(chan bool, 1)}
	w.mu.Lock()
	w.listeners[s] = struct{}{}
	s.ch <- w.leading
	w.mu.Unlock()
	return s
}

// C receives the leadership values.
func (s *Subscription) C() <-chan bool { return s.ch }

// Unlisten ends the subscription: nothing more is sent on C.
func (s *Subscription) Unlisten() {
	s.w.mu.Lock()
	delete(s.w.listeners, s)
	s.w.mu.Unlock()
}

// tellLocked hands a change of leadership to every subscription, replacing
// a value not read yet. w.mu must be held (so values go out in order).
func (w *Worker) tellLocked(leading bool) {
	for s := range w.listeners {
		select {
		case <-s.ch:
		default:
		}
		s.ch <- leading
	}
}
