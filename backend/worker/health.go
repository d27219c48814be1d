package worker

import (
	"fmt"
	"time"
)

// Health is what the UI shows about the poller and the provider.
type Health struct {
	// Seq increases with every health event this process sends (it starts
	// at 1; Health returns the Seq of the last event). A UI keeps the
	// newest it holds and ignores events with a lower or equal Seq.
	Seq         uint64     `json:"seq"`
	Provider    string     `json:"provider"` // "ok" | "offline" | "key_rejected" | "unknown"
	Message     string     `json:"message"`
	Poller      string     `json:"poller"` // "running" (this process) | "standby" (another holds the lease) | "stopped"
	LeaseHolder string     `json:"lease_holder"`
	NextCheck   *time.Time `json:"next_check"` // when this process next looks for due jobs; nil: not scheduled (idle, standby or stopped)
	LastCheck   *time.Time `json:"last_check"` // when this process last checked a job with its provider
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

// Health returns the current health.
func (w *Worker) Health() Health {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := copyHealth(w.health)
	h.Seq = w.seq
	return h
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

// sameHealth compares everything but Seq.
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

// emitHealth sends the health to the Emitter if it changed since last
// sent, with the next sequence number.
func (w *Worker) emitHealth() {
	w.emitMu.Lock()
	defer w.emitMu.Unlock()
	w.mu.Lock()
	h := copyHealth(w.health)
	changed := !sameHealth(h, w.lastEmitted)
	if changed {
		w.seq++
		h.Seq = w.seq
		w.lastEmitted = copyHealth(h)
	}
	w.mu.Unlock()
	if changed && w.emit != nil {
		w.emit.HealthChanged(h)
	}
}

// setNextCheck records the scheduler's next wake (nil: none) and emits the
// health if that changed it.
func (w *Worker) setNextCheck(next *time.Time) {
	w.mu.Lock()
	w.health.NextCheck = next
	w.mu.Unlock()
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
