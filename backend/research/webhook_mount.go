package research

import (
	"context"
	"net/http"
	"sync/atomic"

	"github.com/deepr-desktop/deepr/backend/webhook"
)

// MountedWebhooks is the webhook listener's address in Health when the
// webhooks arrive on deepr serve's own server.
const MountedWebhooks = "deepr serve " + webhook.Path

// hookMount is the receiver in force when the webhooks arrive through the
// face's server (Deps.MountWebhooks): the supervisor puts one in while it
// would listen and takes it out when it would stop.
type hookMount struct {
	rc atomic.Pointer[webhook.Receiver]
}

// serve puts rc in force until ctx ends, then says so on done.
func (m *hookMount) serve(ctx context.Context, rc *webhook.Receiver, done chan<- error) {
	m.rc.Store(rc)
	go func() {
		<-ctx.Done()
		m.rc.CompareAndSwap(rc, nil)
		done <- nil
	}()
}

// Webhooks is the handler a face's server mounts at webhook.Path (deepr
// serve, with Deps.MountWebhooks). While no receiver is in force (webhooks
// off, no secret, another process polls) it answers 503, so the provider
// delivers again later; polling goes on either way. Without
// MountWebhooks it is nil.
func (s *Service) Webhooks() http.Handler {
	if s.mount == nil {
		return nil
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := s.mount.rc.Load()
		if rc == nil {
			http.Error(w, "webhooks are not received now (off, no signing secret, or another Deepr process polls)", http.StatusServiceUnavailable)
			return
		}
		rc.ServeHTTP(w, r)
	})
}
