package engine

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
	"github.com/deepr-desktop/deepr/backend/webhook"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// leaseEmitter forwards worker events and tells the engine whether this
// process polls (holds the lease), so the webhook listener runs only there.
type leaseEmitter struct {
	next    worker.Emitter
	leading chan bool // latest value only
}

func newLeaseEmitter(next worker.Emitter) *leaseEmitter {
	return &leaseEmitter{next: next, leading: make(chan bool, 1)}
}

func (l *leaseEmitter) JobChanged(j job.Job) {
	if l.next != nil {
		l.next.JobChanged(j)
	}
}

func (l *leaseEmitter) HealthChanged(h worker.Health) {
	lead := h.Poller == worker.PollerRunning
	select { // keep only the newest state
	case <-l.leading:
	default:
	}
	l.leading <- lead
	if l.next != nil {
		l.next.HealthChanged(h)
	}
}

// webhookState remembers the last verified webhook, for Settings.
type webhookState struct {
	mu   sync.Mutex
	last *time.Time
	addr string
}

func (w *webhookState) verified(t time.Time) {
	w.mu.Lock()
	w.last = &t
	w.mu.Unlock()
}

// LastWebhook returns when the last verified webhook arrived (nil: never).
func (e *Engine) LastWebhook() *time.Time {
	e.hooks.mu.Lock()
	defer e.hooks.mu.Unlock()
	return e.hooks.last
}

// WebhookAddr is the address the listener is bound to ("" when off).
func (e *Engine) WebhookAddr() string {
	e.hooks.mu.Lock()
	defer e.hooks.mu.Unlock()
	return e.hooks.addr
}

// Run runs the poller until ctx ends and, when webhooks are on, the webhook
// listener while this process holds the poller lease. A listener that
// cannot start is an error only at the first attempt (so the user sees it);
// later it is logged and polling goes on.
func (e *Engine) Run(ctx context.Context) error {
	cfg := e.Config()
	if !cfg.UseWebhooks {
		return e.Worker.Run(ctx)
	}
	if err := webhook.CheckListen(cfg.WebhookListen, cfg.WebhookSecret); err != nil {
		return err
	}
	rc, err := webhook.NewReceiver(webhook.Options{
		Secret:     cfg.WebhookSecret,
		Lookup:     e.lookupProviderJob,
		Wake:       e.Worker.Wake,
		Log:        e.Log,
		OnVerified: e.hooks.verified,
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	werr := make(chan error, 1)
	go func() { werr <- e.Worker.Run(ctx) }()

	var (
		running      bool
		cancelL      = func() {}
		listenerDone = make(chan error, 1)
	)
	clearAddr := func() {
		e.hooks.mu.Lock()
		e.hooks.addr = ""
		e.hooks.mu.Unlock()
	}
	stopListener := func() {
		if running {
			cancelL()
			<-listenerDone
			running = false
			clearAddr()
		}
	}
	defer stopListener()
	for {
		select {
		case err := <-werr:
			return err
		case lead := <-e.leaseEvents.leading:
			if !lead {
				stopListener()
				continue
			}
			if running {
				continue
			}
			lctx, lcancel := context.WithCancel(ctx)
			cancelL = lcancel
			running = true
			go func() {
				err := webhook.Serve(lctx, cfg.WebhookListen, rc, func(a net.Addr) {
					e.hooks.mu.Lock()
					e.hooks.addr = a.String()
					e.hooks.mu.Unlock()
					e.Log.WithField("addr", a.String()).Info("webhooks: listening")
				})
				if err != nil {
					e.Log.WithError(err).Error("webhooks: listener stopped; polling continues")
				}
				listenerDone <- err
			}()
		case <-listenerDone:
			// The listener ended on its own (for example the port is taken):
			// polling goes on; the next lease change tries again.
			running = false
			cancelL()
			clearAddr()
		}
	}
}

func (e *Engine) lookupProviderJob(ctx context.Context, providerJobID string) (string, bool, error) {
	j, err := e.Store.GetJobByProviderID(ctx, providerJobID)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return j.ID, true, nil
}
