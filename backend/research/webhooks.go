package research

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
	"github.com/deepr-desktop/deepr/backend/webhook"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// WebhookHealth is the state of the optional webhook listener.
type WebhookHealth struct {
	State   string     `json:"state"` // "off" | "listening" | "standby" (another process polls) | "error"
	Message string     `json:"message"`
	Addr    string     `json:"addr"`
	LastAt  *time.Time `json:"last_at" ts_type:"string"` // the last verified event
}

// Webhook listener states.
const (
	WebhooksOff       = "off"
	WebhooksListening = "listening"
	WebhooksStandby   = "standby"
	WebhooksError     = "error"
)

// listenerRetry is how long the supervisor waits before it tries a
// listener again that stopped on its own (for example, the port was taken).
const listenerRetry = time.Minute

// hookState is the webhook listener's state, shared by the supervisor,
// Settings and Health.
type hookState struct {
	mu      sync.Mutex
	state   string
	message string
	addr    string
	last    *time.Time
	secret  string
	asked   bool          // secret holds the saved secret
	changed chan struct{} // configuration changed (latest only)
}

func (h *hookState) init() {
	h.state = WebhooksOff
	h.changed = make(chan struct{}, 1)
}

func (h *hookState) configChanged() {
	select {
	case h.changed <- struct{}{}:
	default:
	}
}

func (h *hookState) set(state, msg, addr string) (changed bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	changed = h.state != state || h.message != msg || h.addr != addr
	h.state, h.message, h.addr = state, msg, addr
	return changed
}

func (h *hookState) listening() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state == WebhooksListening
}

func (h *hookState) health(on bool) WebhookHealth {
	h.mu.Lock()
	defer h.mu.Unlock()
	w := WebhookHealth{State: h.state, Message: h.message, Addr: h.addr, LastAt: h.last}
	if !on {
		w.State, w.Message, w.Addr = WebhooksOff, "", ""
	}
	return w
}

func (h *hookState) verified(t time.Time) {
	h.mu.Lock()
	h.last = &t
	h.mu.Unlock()
}

func (h *hookState) lastEvent() *time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

func (h *hookState) savedSecret(ask func() string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.asked {
		h.secret, h.asked = ask(), true
	}
	return h.secret
}

func (h *hookState) forgetSecret() {
	h.mu.Lock()
	h.asked, h.secret = false, ""
	h.mu.Unlock()
}

// listener is one running webhook server.
type listener struct {
	cancel context.CancelFunc
	done   chan error
}

func (l *listener) stop() {
	if l != nil {
		l.cancel()
		<-l.done
	}
}

// superviseWebhooks starts and stops the webhook listener as the settings
// and the lease change, until ctx ends. It learns about the lease by
// subscription (worker.Listen: the present state first, then each
// change). It never stops the poller: any problem is put in Health (and
// the log) and polling goes on at the normal interval.
func (s *Service) superviseWebhooks(ctx context.Context) {
	lead := s.worker.Listen()
	defer lead.Unlisten()
	var (
		leading = <-lead.C()
		lis     *listener
		retry   <-chan time.Time
		timer   worker.Timer
	)
	defer func() {
		lis.stop()
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		cfg := s.Config()
		want := cfg.UseWebhooks && leading
		switch {
		case !cfg.UseWebhooks:
			lis.stop()
			lis = nil
			s.hookState(WebhooksOff, "", "")
		case !leading:
			lis.stop()
			lis = nil
			s.hookState(WebhooksStandby, "another Deepr process polls this database and receives the webhooks", "")
		case want && lis == nil && retry == nil:
			var err error
			if lis, err = s.startListener(ctx); err != nil {
				// A settings problem: said once; tried again when the settings
				// change, or in a minute (a secret saved by another process).
				s.log.WithError(err).Error("webhooks: not listening; polling continues at the normal interval")
				s.hookState(WebhooksError, err.Error()+". Polling continues at the normal interval.", "")
				timer = s.clock.NewTimer(listenerRetry)
				retry = timer.C()
			}
		}
		var done chan error
		if lis != nil {
			done = lis.done
		}
		select {
		case <-ctx.Done():
			return
		case leading = <-lead.C():
		case <-s.hooks.changed:
			lis.stop()
			lis, retry = nil, nil
			if timer != nil {
				timer.Stop()
			}
		case err := <-done:
			lis = nil
			msg := "the webhook listener stopped"
			if err != nil {
				msg = fmt.Sprintf("the webhook listener stopped: %v.", err)
			}
			s.log.WithError(err).Error("webhooks: listener stopped; polling continues at the normal interval")
			s.hookState(WebhooksError, msg+" Polling continues at the normal interval; trying again in a minute.", "")
			timer = s.clock.NewTimer(listenerRetry)
			retry = timer.C()
		case <-retry:
			retry = nil
		}
	}
}

// hookState records the listener state and applies the interval it implies.
func (s *Service) hookState(state, msg, addr string) {
	if s.hooks.set(state, msg, addr) {
		s.setPollInterval(s.pollInterval(s.Config()))
		s.emitHealth()
	}
}

// startListener checks the webhook settings and starts the listener. It
// returns an error that says what to fix when they cannot work.
func (s *Service) startListener(ctx context.Context) (*listener, error) {
	cfg := s.Config()
	secret := s.webhookSecret()
	if secret == "" {
		return nil, errors.New("webhooks are on but no signing secret is set: copy it (whsec_...) from the OpenAI dashboard's webhook page into Settings, or set OPENAI_WEBHOOK_SECRET")
	}
	if s.mount == nil {
		if err := webhook.CheckListen(cfg.WebhookListen, secret); err != nil {
			return nil, err
		}
	}
	rc, err := webhook.NewReceiver(webhook.Options{
		Secret:     secret,
		Lookup:     s.lookupForWebhook,
		Wake:       s.worker.Wake,
		Log:        s.log,
		OnVerified: s.hooks.verified,
	})
	if err != nil {
		return nil, err
	}
	lctx, cancel := context.WithCancel(ctx)
	l := &listener{cancel: cancel, done: make(chan error, 1)}
	if s.mount != nil {
		s.mount.serve(lctx, rc, l.done)
		s.hookState(WebhooksListening, "", MountedWebhooks)
		return l, nil
	}
	go func() {
		l.done <- webhook.Serve(lctx, cfg.WebhookListen, rc, func(a net.Addr) {
			s.log.WithField("addr", a.String()).Info("webhooks: listening")
			s.hookState(WebhooksListening, "", a.String())
		})
	}()
	return l, nil
}

// lookupForWebhook finds the job a verified event names. A response no job
// knows is fetched: when its metadata names an unconfirmed job, that job
// adopts it (the create call's answer was lost, but the run is paid for).
func (s *Service) lookupForWebhook(ctx context.Context, providerJobID string) (string, bool, error) {
	j, err := s.st.GetJobByProviderID(ctx, providerJobID)
	if err == nil {
		return j.ID, true, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return "", false, err
	}
	p := s.provider("openai")
	if p == nil {
		return "", false, nil
	}
	snap, err := p.Fetch(ctx, providerJobID)
	if err != nil || snap.JobID == "" {
		return "", false, nil
	}
	owner, err := s.st.GetJob(ctx, snap.JobID)
	if err != nil || owner.ID != snap.JobID || owner.Status != job.Unconfirmed {
		return "", false, nil
	}
	if _, err := s.adopt(ctx, owner.ID, providerJobID, snap.KeptStatus()); err != nil {
		return "", false, err
	}
	return owner.ID, true, nil
}
