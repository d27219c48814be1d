package worker

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/provider"
)

// Health is what the UI shows about the poller and the providers. Each
// provider keeps its own state, as Tailscale's health package keeps one
// warnable per subsystem: a call to one provider sets or clears only that
// provider's entry, so one's recovery never clears another's warning.
type Health struct {
	// Seq increases with every health event this process sends (it starts
	// at 1; Health returns the Seq of the last event). A UI keeps the
	// newest it holds and ignores events with a lower or equal Seq.
	Seq uint64 `json:"seq"`
	// Provider and Message are the worst provider state (see Worse) and
	// the messages of the providers in it: a summary of Providers.
	Provider    string           `json:"provider"` // "ok" | "offline" | "key_rejected" | "unknown"
	Message     string           `json:"message"`
	Providers   []ProviderHealth `json:"providers"` // in the order of Config.Names, then by name
	Poller      string           `json:"poller"`    // "running" (this process) | "standby" (another holds the lease) | "stopped"
	LeaseHolder string           `json:"lease_holder"`
	NextCheck   *time.Time       `json:"next_check"` // when this process next looks for due jobs; nil: not scheduled (idle, standby or stopped)
	LastCheck   *time.Time       `json:"last_check"` // when this process last checked a job with its provider
	// Disk says why saved reports have no folder in the data folder yet
	// (a full disk, say) and when the poller tries again; "" when all
	// are written.
	Disk string `json:"disk"`
	// Error says why the poller stopped by itself and what to do: its
	// database file was deleted or replaced (store.ErrReplaced). "" while
	// it has not.
	Error string `json:"error"`
}

// ProviderHealth is the state of one provider, as the last call to it
// showed.
type ProviderHealth struct {
	Name    string     `json:"name"`    // what a job records: "openai", "gemini", ...
	State   string     `json:"state"`   // "ok" | "offline" | "key_rejected" | "unknown"
	Message string     `json:"message"` // what is wrong and what to do; "" when ok
	Since   *time.Time `json:"since"`   // when it entered State; nil: not checked since start
}

// ProviderName says how a provider is named to users (Config.Names).
type ProviderName struct {
	Name        string // what a job records: "gemini"
	Display     string // "Gemini"
	KeyVariable string // the environment variable of its key: "GEMINI_API_KEY"
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

// Worse reports whether provider state a is worse than b. From worst:
// key_rejected, offline, ok, unknown (not checked yet), then any other
// state (a face's own, such as "no key"). "unknown" ranks below "ok": a
// provider not used yet is no warning.
func Worse(a, b string) bool { return severity(a) > severity(b) }

func severity(state string) int {
	switch state {
	case ProviderKeyRejected:
		return 4
	case ProviderOffline:
		return 3
	case ProviderOK:
		return 2
	case ProviderUnknown:
		return 1
	}
	return 0
}

// Health returns the current health.
func (w *Worker) Health() Health {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := w.healthLocked()
	h.Seq = w.seq
	return h
}

// healthLocked builds the health from the poller's state and each
// provider's entry. w.mu must be held.
func (w *Worker) healthLocked() Health {
	h := w.health
	if h.NextCheck != nil {
		t := *h.NextCheck
		h.NextCheck = &t
	}
	if h.LastCheck != nil {
		t := *h.LastCheck
		h.LastCheck = &t
	}
	h.Provider, h.Message, h.Providers = ProviderUnknown, "", nil
	var worst []string
	for _, name := range w.providerOrder() {
		p, ok := w.provHealth[name]
		if !ok {
			p = ProviderHealth{Name: name, State: ProviderUnknown}
		}
		if p.Since != nil {
			t := *p.Since
			p.Since = &t
		}
		h.Providers = append(h.Providers, p)
		if Worse(p.State, h.Provider) {
			h.Provider, worst = p.State, nil
		}
		if p.State == h.Provider && p.Message != "" {
			worst = append(worst, p.Message)
		}
	}
	h.Message = strings.Join(worst, " ")
	h.Disk = w.healing.msg
	return h
}

// providerOrder lists every provider this worker knows: those of
// Config.Names in order, then the others by name. w.mu must be held.
func (w *Worker) providerOrder() []string {
	var out, rest []string
	seen := map[string]bool{}
	for _, n := range w.cfg.Names {
		if !seen[n.Name] {
			seen[n.Name] = true
			out = append(out, n.Name)
		}
	}
	for name := range w.providers {
		if !seen[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// sameHealth compares everything but Seq.
func sameHealth(a, b Health) bool {
	eqT := func(x, y *time.Time) bool {
		if x == nil || y == nil {
			return x == y
		}
		return x.Equal(*y)
	}
	eqP := func(x, y ProviderHealth) bool {
		return x.Name == y.Name && x.State == y.State && x.Message == y.Message && eqT(x.Since, y.Since)
	}
	return a.Provider == b.Provider && a.Message == b.Message && a.Poller == b.Poller &&
		a.LeaseHolder == b.LeaseHolder && eqT(a.NextCheck, b.NextCheck) && eqT(a.LastCheck, b.LastCheck) &&
		slices.EqualFunc(a.Providers, b.Providers, eqP) && a.Error == b.Error && a.Disk == b.Disk
}

// emitHealth sends the health to the Emitter if it changed since last
// sent, with the next sequence number.
func (w *Worker) emitHealth() {
	w.emitMu.Lock()
	defer w.emitMu.Unlock()
	w.mu.Lock()
	h := w.healthLocked()
	changed := !sameHealth(h, w.lastEmitted)
	if changed {
		w.seq++
		h.Seq = w.seq
		w.lastEmitted = h
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

// providerOK and providerOffline record the outcome of a call to the
// named provider; they touch that provider's entry only.
func (w *Worker) providerOK(name string) {
	w.setProviderHealth(name, ProviderOK, "")
}

func (w *Worker) providerOffline(name string, err error) {
	w.setProviderHealth(name, ProviderOffline, fmt.Sprintf("Cannot reach %s (%v). Check the network; %s jobs are retried automatically.", w.display(name), err, w.display(name)))
}

// keyRejected records that the named provider rejected its key; see pause.
func (w *Worker) keyRejected(name string, err error) {
	n := w.nameOf(name)
	msg := n.Display + " rejected the API key"
	var pe *provider.Error
	if errors.As(err, &pe) && pe.Message != "" {
		msg = pe.Message
	}
	msg = sentence(msg) + fmt.Sprintf(" Calls to %s are paused (other providers go on); its jobs stay as they are.", n.Display)
	if n.KeyVariable != "" && !strings.Contains(msg, n.KeyVariable) {
		msg += " Set a new key in Settings or " + n.KeyVariable + "."
	} else if n.KeyVariable == "" && !strings.Contains(msg, "Settings") {
		msg += " Set a new key in Settings."
	}
	w.setProviderHealth(name, ProviderKeyRejected, msg)
}

// setProviderHealth sets one provider's state; Since moves only when the
// state changes.
func (w *Worker) setProviderHealth(name, state, msg string) {
	w.mu.Lock()
	p, ok := w.provHealth[name]
	if !ok || p.State != state {
		now := w.clock.Now()
		p = ProviderHealth{Name: name, State: state, Since: &now}
	}
	p.Message = msg
	w.provHealth[name] = p
	w.mu.Unlock()
	w.emitHealth()
}

// nameOf returns how a provider is named to users: from Config.Names, or
// from its id (with no key variable) when not listed. Config is never
// changed after New, so it needs no lock.
func (w *Worker) nameOf(name string) ProviderName {
	for _, n := range w.cfg.Names {
		if n.Name == name {
			return n
		}
	}
	return ProviderName{Name: name, Display: displayName(name)}
}

func (w *Worker) display(name string) string { return w.nameOf(name).Display }

// displayName is a provider's name as users know it, for a worker not told
// (Config.Names) and for messages stored on jobs.
func displayName(p string) string {
	switch p {
	case "openai", "":
		return "OpenAI"
	case "azure":
		return "Azure OpenAI"
	case "gemini":
		return "Gemini"
	case "perplexity":
		return "Perplexity"
	}
	return p
}
