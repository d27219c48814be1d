package worker

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/mirror"
)

// The poller keeps every report's folder (report.md + metadata.json) in
// step with the database: at the end of each pass it writes the folders
// the database says are due (mirror.Heal: a write that failed, a job that
// changed since its folder was written, an import another process left
// half done). A failed write waits before the next try, doubling from
// healRetryMin to healRetryMax, and Health.Disk says what is wrong until a
// write works again; the scheduler wakes for the retry.

const (
	healBatch    = 25 // folders written per pass at most; more wake the next pass at once
	healRetryMin = time.Minute
	healRetryMax = time.Hour
)

// healState is what the poller knows about folders still to write.
type healState struct {
	at    time.Time // the next try; zero: the next pass
	fails int       // failed tries in a row
	due   bool      // folders are known to be due: the scheduler wakes at at
	msg   string    // Health.Disk
}

// heal writes due report folders, unless a failed try asked to wait.
func (w *Worker) heal(ctx context.Context) {
	if w.cfg.DataDir == "" {
		return
	}
	now := w.clock.Now()
	w.mu.Lock()
	h := w.healing
	w.mu.Unlock()
	if !h.at.IsZero() && now.Before(h.at) {
		return
	}
	res, err := mirror.Heal(ctx, w.st, w.cfg.DataDir, healBatch)
	if err != nil {
		if ctx.Err() == nil {
			w.log.WithError(err).Warn("could not look for report folders to write")
		}
		return
	}
	for _, j := range res.Jobs {
		w.changed(j)
	}
	if res.Written > 0 {
		w.log.WithField("written", res.Written).Info("wrote report folders the disk was missing")
	}
	switch {
	case res.Failed > 0:
		h.fails++
		wait := healRetryMax
		if h.fails <= 6 { // 1, 2, 4, ... 32 minutes, then an hour
			wait = min(healRetryMin<<(h.fails-1), healRetryMax)
		}
		h.at, h.due = now.Add(wait), true
		first, _, _ := strings.Cut(res.Err.Error(), "\n")
		h.msg = fmt.Sprintf("%d saved report(s) have no copy in the data folder yet: %s. Free some space or fix the folder; Deepr tries again at %s (the reports are safe in the database).",
			res.Failed, first, h.at.Local().Format("15:04"))
		w.log.WithError(res.Err).WithField("retry_at", h.at).Warn("could not write report folders; will try again")
	case res.Written == healBatch:
		h = healState{due: true} // more may be due: the next pass goes on
	default:
		h = healState{}
	}
	w.mu.Lock()
	changed := w.healing.msg != h.msg
	w.healing = h
	w.mu.Unlock()
	if changed {
		w.emitHealth()
	}
}

// healWake is when the scheduler must wake to write folders (nil: none
// known due). w.mu must be held.
func (w *Worker) healWakeLocked() *time.Time {
	if !w.healing.due {
		return nil
	}
	t := w.healing.at
	return &t
}
