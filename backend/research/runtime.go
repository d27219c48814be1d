package research

import (
	"context"
	"errors"
	"time"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// Health is what the status bar shows: the providers, the poller and the
// webhook listener. Each provider keeps its own state (Providers);
// Provider is the worst of them, Message what to do about it and Summary
// a short line naming the providers in it. Seq increases with every Health
// this process builds, and a later process starts above an earlier one's
// (it starts at the wall clock), so a face can ignore an older one that
// arrives late, also across a restart of the process.
type Health struct {
	Seq         uint64        `json:"seq"`
	Provider    string        `json:"provider"` // "ok" | "offline" | "key_rejected" | "no_key" | "unknown"
	Message     string        `json:"message"`
	Poller      string        `json:"poller"` // "running" (this process) | "standby" (another holds the lease) | "stopped"
	LeaseHolder string        `json:"lease_holder"`
	NextCheck   *time.Time    `json:"next_check" ts_type:"string"`
	LastCheck   *time.Time    `json:"last_check" ts_type:"string"`
	Webhooks    WebhookHealth `json:"webhooks"`

	Summary   string           `json:"summary"`
	Providers []ProviderHealth `json:"providers"`

	// SettingsNotice is set while saved settings are set aside (each uses
	// its default; SettingsView lists them): "" when all are in force.
	SettingsNotice string `json:"settings_notice"`

	// DiskNotice is set while saved reports have no folder in the data
	// folder yet (a full disk, say): why, and when the poller tries
	// again. "" when every folder is written.
	DiskNotice string `json:"disk_notice"`

	// DatabaseNotice is set when the database file was deleted or
	// replaced while this process had it open (the poller stopped: why,
	// and what to do), or after runs kept from such a file were taken
	// over (recovery.go). "" otherwise.
	DatabaseNotice string `json:"database_notice"`
}

// Health values beyond the poller's own (worker.Provider*, worker.Poller*).
const (
	ProviderNoKey = "no_key"
	PollerStopped = worker.PollerStopped
	PollerRunning = worker.PollerRunning
	PollerStandby = worker.PollerStandby
)

// Health returns the current health.
func (s *Service) Health() Health {
	w := s.worker.Health()
	h := Health{
		Seq:         s.healthSq.Add(1),
		Poller:      w.Poller,
		LeaseHolder: w.LeaseHolder,
		NextCheck:   w.NextCheck,
		LastCheck:   w.LastCheck,
		Webhooks:    s.hooks.health(s.Config().UseWebhooks),
		DiskNotice:  w.Disk,
	}
	h.Providers, h.Provider, h.Message, h.Summary = s.providerHealth(w)
	h.SettingsNotice = settingsNotice(s.Config())
	h.DatabaseNotice = s.databaseNotice(w)
	return h
}

// Stopped returns a Health for a poller that could not run, with why.
func (s *Service) Stopped(err error) Health {
	h := s.Health()
	h.Poller = PollerStopped
	h.Message = err.Error()
	return h
}

// LeaseInfo says which process polls this database.
type LeaseInfo struct {
	Holder    string    `json:"holder"`
	Heartbeat time.Time `json:"heartbeat" ts_type:"string"`
	Fresh     bool      `json:"fresh"` // renewed within three heartbeats: that process is alive
}

// Lease returns who holds the poller lease.
func (s *Service) Lease(ctx context.Context) (LeaseInfo, error) {
	l, ok, err := s.st.CurrentLease(ctx)
	if err != nil || !ok || l.Holder == "" {
		return LeaseInfo{}, err
	}
	return LeaseInfo{Holder: l.Holder, Heartbeat: l.Heartbeat,
		Fresh: s.now().Sub(l.Heartbeat) < 3*worker.DefaultHeartbeat}, nil
}

// pollInterval is how often running jobs are polled: the webhook fallback
// interval only while the listener really listens, else the normal one.
func (s *Service) pollInterval(cfg config.Config) time.Duration {
	if cfg.UseWebhooks && s.hooks.listening() {
		return cfg.WebhookFallbackInterval
	}
	return cfg.PollInterval
}

// setPollInterval applies a poll interval. When it got shorter, running
// jobs planned at the longer one are pulled in first, so none waits for a
// check that the new interval would have made long ago.
func (s *Service) setPollInterval(d time.Duration) {
	s.mu.Lock()
	old := s.interval
	s.interval = d
	s.mu.Unlock()
	if old > 0 && d < old {
		if _, err := s.st.PullInPolls(context.Background(), s.now().Add(d)); err != nil {
			s.log.WithError(err).Warn("could not move the next checks to the new interval")
		}
	}
	s.worker.SetPollInterval(d)
}

// Run runs the poller until ctx ends and, when webhooks are on, the
// webhook listener while this process holds the poller lease. The listener
// is supervised apart: whatever goes wrong with it, polling goes on at the
// normal interval and Health says what is wrong.
func (s *Service) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	supervised := make(chan struct{})
	go func() {
		defer close(supervised)
		s.superviseWebhooks(ctx)
	}()
	err := s.worker.Run(ctx)
	cancel()
	<-supervised
	s.lostNotice(err)
	return err
}

// RunPoller runs only the poller (no webhook listener), at the normal
// interval, until ctx ends. It polls only if no other process does.
func (s *Service) RunPoller(ctx context.Context) error { return s.worker.Run(ctx) }

// Tick runs one round of the poller by hand, for tests and simulations
// that drive time themselves: one election step (take or renew the lease),
// one look for other processes' changes and, when this process holds the
// lease, one pass over every due job, waiting for the provider calls it
// started. No webhook listener runs. It must not be called while Run,
// RunPoller or Wait is active.
func (s *Service) Tick(ctx context.Context) error { return s.worker.Tick(ctx) }

// WaitRequest asks to block until a job settles.
type WaitRequest struct {
	ID string
	// Progress, when set, is called with the job each time it changes.
	Progress func(job.Job)
}

// Wait runs the poller in this process (it polls only when no other
// process does) and blocks until the job ends or becomes unconfirmed, or
// ctx ends; then it returns the job as it is, with ctx's error if any. It
// also returns, with the poller's error, when the database file was
// deleted or replaced (store.ErrReplaced).
func (s *Service) Wait(ctx context.Context, r WaitRequest) (job.Job, error) {
	j, err := s.get(ctx, r.ID)
	if err != nil {
		return job.Job{}, err
	}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.worker.Run(wctx); err != nil && !errors.Is(err, worker.ErrAlreadyRunning) {
			s.log.WithError(err).Warn("the poller stopped")
		}
	}()
	defer func() { stop(); <-done }()
	s.worker.Wake(j.ID)
	var last int64 = -1
	for {
		if err := s.worker.CheckFile(ctx); err != nil { // the database file was lost (recovery.go)
			return j, err
		}
		got, err := s.st.GetJob(context.WithoutCancel(ctx), j.ID)
		if err != nil {
			if lerr := s.worker.CheckFile(ctx); lerr != nil {
				return j, lerr
			}
			return job.Job{}, err
		}
		j = s.withActions(ctx, got)
		if j.Version != last {
			last = j.Version
			if r.Progress != nil {
				r.Progress(j)
			}
		}
		if Settled(j) {
			return j, nil
		}
		t := s.clock.NewTimer(500 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return j, ctx.Err()
		case <-t.C():
		}
	}
}

// Settled reports whether waiting longer cannot change a job: it is final,
// or unconfirmed (which waits for the user).
func Settled(j job.Job) bool { return j.Status.Final() || j.Status == job.Unconfirmed }

// anyKey reports whether any provider has a key.
func (s *Service) anyKey() bool {
	for _, sp := range s.specs {
		if s.hasKey(sp.Name) {
			return true
		}
	}
	return false
}
