package research

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// waits explains why queued jobs wait. It is built once per list, and asks
// the database (lease, slots) only when a queued job needs it.
type waits struct {
	s      *Service
	ctx    context.Context
	lease  *LeaseInfo
	health *worker.Health
	busy   map[string]int // provider -> jobs submitting or running
}

func (s *Service) newWaits(ctx context.Context) *waits {
	return &waits{s: s, ctx: ctx, busy: map[string]int{}}
}

// reason is why a queued job has not been sent yet, and when it is tried
// next; "" for any other job.
func (w *waits) reason(j job.Job) string {
	if j.Status != job.Queued {
		return ""
	}
	s := w.s
	if why := s.holdReason(j); why != "" { // a retired model: never sent, whatever else holds
		return why
	}
	name := s.displayName(j.Provider)
	if sp, ok := s.spec(j.Provider); ok {
		if why := s.notReady(s.Config(), sp); why != "" {
			return "Waiting: " + why + "."
		}
	}
	if w.lease == nil {
		l, err := s.Lease(w.ctx)
		if err != nil {
			return ""
		}
		w.lease = &l
	}
	if !w.lease.Fresh {
		return "Waiting for a poller: no Deepr process polls this database now (open the app, or run the worker)."
	}
	if w.health == nil {
		h := s.worker.Health()
		w.health = &h
	}
	// Its own provider's state only: another provider's trouble is not
	// why this job waits.
	switch ph := providerState(*w.health, j.Provider); ph.State {
	case worker.ProviderKeyRejected:
		return fmt.Sprintf("Waiting: the %s key was rejected. Set a working key in Settings or %s; the job is sent at once.", name, s.keyVariable(j.Provider))
	case worker.ProviderOffline:
		return fmt.Sprintf("Waiting: %s cannot be reached (%s). Deepr tries again %s.", name, strings.TrimSuffix(ph.Message, "."), w.when(j))
	}
	if why := w.overBudget(j); why != "" {
		return why
	}
	n, ok := w.busy[j.Provider]
	if !ok {
		for _, st := range []job.Status{job.Submitting, job.Running} {
			c, err := s.st.CountStatus(w.ctx, j.Provider, st)
			if err != nil {
				return ""
			}
			n += c
		}
		w.busy[j.Provider] = n
	}
	if limit := s.Config().MaxRunning; n >= limit {
		return fmt.Sprintf("Waiting for a free slot: %d of %d %s jobs are running (the limit is in Settings).", n, limit, name)
	}
	if j.Error != "" {
		return j.Error
	}
	return "Sending " + w.when(j) + "."
}

// when phrases the job's next try relative to now.
func (w *waits) when(j job.Job) string {
	d := j.NextPollAt.Sub(w.s.now())
	if d <= time.Second {
		return "now"
	}
	return "in " + d.Round(time.Second).String()
}
