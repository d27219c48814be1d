package worker

import "time"

// Settings that change without a restart, and the per-provider pause after
// a rejected key. Every setter takes effect at once and wakes the
// scheduler; all are safe for concurrent use.

// SetProvider replaces the provider registered as name because its API
// key changed: it lifts that provider's "key rejected" pause (and no
// other's) and wakes the scheduler.
func (w *Worker) SetProvider(name string, p Provider) {
	w.mu.Lock()
	w.providers[name] = p
	_, wasPaused := w.pausedUntil[name]
	delete(w.pausedUntil, name)
	if wasPaused || w.provHealth[name].State == ProviderKeyRejected {
		now := w.clock.Now()
		w.provHealth[name] = ProviderHealth{Name: name, State: ProviderUnknown, Since: &now,
			Message: "The " + w.nameOf(name).Display + " API key changed; it is checked on the next poll."}
	}
	w.mu.Unlock()
	w.emitHealth()
	w.kick()
}

// ReplaceProvider replaces the provider registered as name with the same
// key (another setting of it changed): its health and any pause stay.
func (w *Worker) ReplaceProvider(name string, p Provider) {
	w.mu.Lock()
	w.providers[name] = p
	w.mu.Unlock()
	w.kick()
}

// SetPollInterval changes the poll interval at once: checks planned with
// the old interval are planned again with the new one. d <= 0 restores the
// default.
func (w *Worker) SetPollInterval(d time.Duration) {
	if d <= 0 {
		d = DefaultPollInterval
	}
	w.mu.Lock()
	old := w.pollInterval
	w.pollInterval = d
	for id, p := range w.planned {
		if p.every {
			p.at = p.at.Add(d - old)
			w.planned[id] = p
		}
	}
	w.mu.Unlock()
	w.kick()
}

// SetMaxRunning changes how many jobs per provider may be running or
// submitting, at once: raising it lets parked jobs go on the next pass.
// n <= 0 restores the default.
func (w *Worker) SetMaxRunning(n int) {
	if n <= 0 {
		n = DefaultMaxRunning
	}
	w.mu.Lock()
	w.maxRunning = n
	w.unparkLocked("")
	w.mu.Unlock()
	w.kick()
}

// SetConcurrency changes how many provider calls a pass makes in parallel,
// from the next pass on. n <= 0 restores the default.
func (w *Worker) SetConcurrency(n int) {
	if n <= 0 {
		n = DefaultConcurrency
	}
	w.mu.Lock()
	w.concurrency = n
	w.mu.Unlock()
	w.kick()
}

// unparkLocked makes the jobs parked for a slot of prov ("" = every
// provider) due on the next pass. w.mu must be held.
func (w *Worker) unparkLocked(prov string) bool {
	woke := false
	for p, ids := range w.parked {
		if prov != "" && p != prov {
			continue
		}
		for _, id := range ids {
			w.woken[id] = struct{}{}
			woke = true
		}
		delete(w.parked, p)
	}
	return woke
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

// pause stops calls to a provider whose key was rejected until the next
// poll interval or SetProvider; the other providers go on.
func (w *Worker) pause(name string, err error) {
	until := w.clock.Now().Add(w.interval())
	w.mu.Lock()
	w.pausedUntil[name] = until
	w.mu.Unlock()
	w.log.WithError(err).WithField("provider", name).Warn("API key rejected; calls to this provider paused")
	w.keyRejected(name, err)
}
