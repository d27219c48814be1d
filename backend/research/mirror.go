package research

import (
	"context"
	"errors"

	"github.com/deepr-desktop/deepr/backend/mirror"
)

// RebuildResult counts what a mirror rebuild found and wrote.
type RebuildResult = mirror.RebuildResult

// RebuildMirror rewrites the report folders (report.md + metadata.json)
// from the database: only missing or damaged ones, or all when all is set.
// Folders the database says are due (a write failed, the job changed
// since) are written first.
func (s *Service) RebuildMirror(ctx context.Context, all bool) (RebuildResult, error) {
	h, err := mirror.Heal(ctx, s.st, s.dirs.Data, 0)
	if err != nil {
		return RebuildResult{}, err
	}
	res, err := mirror.Rebuild(ctx, s.st, s.dirs.Data, !all)
	res.Written += h.Written
	res.Failed += h.Failed
	return res, errors.Join(h.Err, err)
}

// leaseGained runs when this process takes the poller lease: report folders
// that went missing or were emptied (deleted by hand, a restored database)
// are rewritten. It stats the folders and reads no report (mirror.Repair),
// on its own goroutine (the poller's first pass does not wait for it), and
// in the desktop app only once the window has painted (WindowReady).
func (s *Service) leaseGained(ctx context.Context) {
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		if s.windowUp != nil {
			select {
			case <-s.windowUp:
			case <-ctx.Done():
				return
			}
		}
		res, err := mirror.Repair(ctx, s.st, s.dirs.Data)
		if err != nil {
			if ctx.Err() == nil {
				s.log.WithError(err).Warn("could not check the report folders")
			}
			return
		}
		if res.Written > 0 {
			s.log.WithField("written", res.Written).Info("rewrote missing report folders from the database")
		}
	}()
}

// rewriteMirror writes a job's report folder again from the database (after
// a question about it was saved). A failure is logged: the database has it,
// and the job's folder stays due until the poller writes it (mirror.Heal).
func (s *Service) rewriteMirror(ctx context.Context, id string) {
	j, err := s.st.GetJob(ctx, id)
	if err != nil {
		return
	}
	rep, err := s.st.GetReport(ctx, id)
	if err != nil {
		return
	}
	if _, err := mirror.Save(ctx, s.st, s.dirs.Data, j, rep); err != nil {
		s.log.WithError(err).WithField("job", id).Warn("the question is saved in the database but the report folder could not be rewritten; the poller tries again")
	}
}
