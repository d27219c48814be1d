package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
)

// The change feed notices what other processes (the CLI, a second window)
// commit. It asks store.Feed whether another connection committed, which
// is a read of a counter and costs no disk write. After any commit it
// wakes the elector on standby (the lease may have been given up); only
// after one that wrote a job (not the lease renewal of every heartbeat)
// does it compare job versions to find exactly what changed, emit those
// jobs and wake the scheduler (a job may be due now).
//
// When it asks: with a file watch (Options.Watch), FeedSettle after the
// database's files were last written and otherwise once every heartbeat
// and a half (feedSafety), so an idle process sleeps instead of waking
// every second; without one, every FeedInterval. The settle delay is there
// because SQLite makes a commit visible by updating its shared-memory
// index after the last write to the -wal file, and writes to mapped memory
// raise no notification: a look at the moment of the write can come just
// too early. It also folds a burst of writes (a pass over many jobs) into
// one look.

// FeedSettle is how long the change feed waits after the last write to the
// database's files before it looks.
const FeedSettle = 100 * time.Millisecond

// feedSafety is how long a watched feed goes without a look when no write
// is signalled: half a heartbeat longer than one, so that while some
// process renews the lease (a write every heartbeat, which the feed looks
// after) this safety look never comes due, and the lease renewal and the
// look after it are the only wakes of an idle process. A lost notification
// is still found within a heartbeat and a half.
func feedSafety(heartbeat time.Duration) time.Duration { return heartbeat + heartbeat/2 }

// feedLoop looks at the feed on each wake until ctx is done.
func (w *Worker) feedLoop(ctx context.Context, feed *store.Feed) {
	every, written := w.cfg.FeedInterval, (<-chan struct{})(nil)
	if w.watchDB != nil {
		fw, err := w.watchDB()
		if err != nil {
			w.log.WithError(err).Warn("no file notifications for the database; looking for changes every " + every.String())
		} else {
			defer fw.Close()
			every, written = feedSafety(w.cfg.Heartbeat), fw.Changes()
		}
	}
	beat := w.clock.NewTimer(every)
	var settle Timer // pending after a write; nil when none
	defer func() {
		beat.Stop()
		if settle != nil {
			settle.Stop()
		}
	}()
	for {
		var settled <-chan time.Time
		if settle != nil {
			settled = settle.C()
		}
		select {
		case <-ctx.Done():
			return
		case <-written:
			if settle != nil {
				settle.Stop()
			}
			settle = w.clock.NewTimer(FeedSettle)
			continue
		case <-settled:
			settle = nil
		case <-beat.C():
		}
		beat.Stop()
		w.feedStep(ctx, feed)
		beat = w.clock.NewTimer(every)
	}
}

// feedStep looks once: when another connection committed, it wakes the
// elector on standby, and when the commit touched jobs, it emits what
// changed and wakes the scheduler.
func (w *Worker) feedStep(ctx context.Context, feed *store.Feed) {
	if w.CheckFile(ctx) != nil { // the file was deleted or replaced (replaced.go)
		return
	}
	c, err := feed.Changed(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.log.WithError(err).Warn("looking for database changes failed; trying again")
		}
		return
	}
	if c.Committed && !w.isLeading() {
		w.wakeElector()
	}
	if !c.Jobs {
		return // nothing, or the lease renewal: no job to compare
	}
	n, err := w.look(ctx)
	if err != nil && ctx.Err() == nil {
		w.log.WithError(err).Warn("reading database changes failed; trying again at the next change")
	}
	if n > 0 {
		w.kick()
	}
}

// watch reports jobs changed by other processes (or by other code in this
// one, like a CLI submission) since the last look. The first look only
// records what exists.
func (w *Worker) watch(ctx context.Context) error {
	_, err := w.look(ctx)
	return err
}

// look compares every job's version with the last one known here, emits
// the jobs that are newer and reports how many jobs were created, changed
// or deleted.
func (w *Worker) look(ctx context.Context) (int, error) {
	w.watchMu.Lock()
	defer w.watchMu.Unlock()
	// Only a job known before the read can have been deleted: one the
	// poller wrote after the read is simply new.
	w.mu.Lock()
	before := make(map[string]bool, len(w.known))
	for id := range w.known {
		before[id] = true
	}
	w.mu.Unlock()
	versions, err := w.st.JobVersions(ctx)
	if err != nil {
		return 0, fmt.Errorf("watching the database for changes: %w", err)
	}
	var newer, gone []string
	w.mu.Lock()
	primed := w.primed
	w.primed = true
	for id, v := range versions {
		if v > w.known[id] {
			w.known[id] = v
			if primed {
				newer = append(newer, id)
			}
		}
	}
	for id := range before {
		if _, ok := versions[id]; !ok {
			delete(w.known, id)
			delete(w.planned, id)
			gone = append(gone, id)
		}
	}
	w.mu.Unlock()
	if len(newer)+len(gone) > 0 { // a job may have ended or gone: money may be free
		w.budgetMayFit()
	}

	var errs []error
	var news []job.Job
	for _, id := range newer {
		j, err := w.st.GetJob(ctx, id)
		switch {
		case err == nil:
			news = append(news, j)
		case errors.Is(err, store.ErrNotFound):
			gone = append(gone, id) // deleted meanwhile
		default:
			errs = append(errs, err)
		}
	}
	w.track(news...)
	w.untrack(gone...)
	if w.emit != nil {
		w.emitMu.Lock()
		for _, j := range news {
			w.emit.JobChanged(j)
		}
		if d, ok := w.emit.(interface{ JobDeleted(id string) }); ok {
			for _, id := range gone {
				d.JobDeleted(id)
			}
		}
		w.emitMu.Unlock()
	}
	return len(newer) + len(gone), errors.Join(errs...)
}

// forwardWakes, on standby, hands woken jobs to the process that polls by
// making them due now in the database. The write bumps the job's version
// even when next_poll_at was already due, so a check the poller planned in
// memory gives way to it (its change feed sees the write).
func (w *Worker) forwardWakes(ctx context.Context) error {
	ids := w.takeWoken()
	now := w.clock.Now()
	var errs []error
	for _, id := range ids {
		j, err := w.st.Update(ctx, id, func(c *job.Job) error {
			if !c.Status.Active() {
				return errSkip
			}
			c.NextPollAt = now
			return nil
		})
		switch {
		case err == nil:
			w.noteVersion(j)
		case errors.Is(err, errSkip), errors.Is(err, store.ErrNotFound):
		default:
			errs = append(errs, fmt.Errorf("marking job %s due: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

func (w *Worker) takeWoken() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	ids := make([]string, 0, len(w.woken))
	for id := range w.woken {
		ids = append(ids, id)
	}
	clear(w.woken)
	return ids
}
