package research

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/recovery"
	"github.com/deepr-desktop/deepr/backend/store"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// A database file deleted or replaced while Deepr runs (store.ErrReplaced):
// the poller stops for good and keeps the runs it was following in a
// recovery file (worker/replaced.go, backend/recovery). Health's
// DatabaseNotice says so, and the next process to take the poller lease,
// on the database now at that path, takes the file over before its first
// pass, so those runs are checked at once.

// onLeaseGained runs when this process takes the poller lease: recovery
// files are taken over first, then the report folders are checked
// (leaseGained).
func (s *Service) onLeaseGained(ctx context.Context) {
	s.takeOver(ctx)
	s.leaseGained(ctx)
}

// takeOver adds to the database the runs that recovery files kept, and
// tells the user (the log, Health's DatabaseNotice, a notification).
func (s *Service) takeOver(ctx context.Context) {
	res, err := recovery.Take(ctx, s.st, recovery.Folder(s.dirs.Data, s.st.Path()), s.now())
	if err != nil && ctx.Err() == nil {
		s.log.WithError(err).Warn("could not take over every recovery file; trying again at the next start")
	}
	if len(res.Files) == 0 {
		return
	}
	var parts []string
	if res.Running > 0 {
		parts = append(parts, plural(res.Running, "run", "runs")+" in progress, checked again now")
	}
	if res.Unconfirmed > 0 {
		parts = append(parts, plural(res.Unconfirmed, "run", "runs")+" that may have been sent (unconfirmed: look for them in the provider's dashboard)")
	}
	if res.Reports > 0 {
		parts = append(parts, plural(res.Reports, "finished report", "finished reports"))
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing new (the database had every job)")
	}
	note := fmt.Sprintf("An earlier database file was deleted or replaced while Deepr ran: Deepr took over %s from %s.",
		strings.Join(parts, ", "), strings.Join(res.Files, ", "))
	s.log.WithField("files", res.Files).Info(note)
	s.mu.Lock()
	s.dbNote = note
	s.mu.Unlock()
	s.emitHealth()
	if n, ok := s.notifier.(Noticer); ok && res.Jobs() > 0 {
		n.Notice("Deepr took over runs from a lost database", note)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// databaseNotice is Health's DatabaseNotice: why the poller stopped for
// good, or else what the last take-over did.
func (s *Service) databaseNotice(w worker.Health) string {
	if w.Error != "" {
		return w.Error
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dbNote
}

// lostNotice sends a notification when the poller stopped because its
// database file was deleted or replaced: the window may be hidden.
func (s *Service) lostNotice(err error) {
	if !errors.Is(err, store.ErrReplaced) {
		return
	}
	if n, ok := s.notifier.(Noticer); ok {
		n.Notice("Deepr stopped: its database file is gone", err.Error())
	}
}
