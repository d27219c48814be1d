package worker

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/dbwatch"
	"github.com/deepr-desktop/deepr/backend/job"
)

// fakeWatch is a FileWatch the test signals by hand.
type fakeWatch struct {
	ch     chan struct{}
	mu     sync.Mutex
	closed bool
}

func (f *fakeWatch) Changes() <-chan struct{} { return f.ch }
func (f *fakeWatch) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func (f *fakeWatch) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// watchedWorker replaces e.w with a worker whose feed uses watch.
func (e *env) watchedWorker(watch func() (FileWatch, error)) {
	e.logger, e.logs = nil, nil
	e.w = e.newWorker(e.st, e.prov, e.cfg, e.rec)
	e.w.watchDB = watch
	e.w.stepped = make(chan struct{}, 64)
}

func TestWatchedFeedSleepsUntilAWrite(t *testing.T) {
	e := setup(t)
	fw := &fakeWatch{ch: make(chan struct{}, 1)}
	e.watchedWorker(func() (FileWatch, error) { return fw, nil })
	st2 := e.openStore()
	stop := e.run()
	waitStep(t, e.w)
	e.clock.waitTimers(t, 2) // elector and feed

	// Nothing wakes before the heartbeat (the lease renewal), and the
	// feed's safety look is due half a heartbeat after it, not in a second:
	// while the lease is renewed, the look after the renewal's write comes
	// first and the safety look never falls due.
	if _, first := e.clock.pending(); !first.Equal(t0.Add(e.cfg.Heartbeat)) {
		t.Fatalf("earliest wake of an idle watched worker: t0+%s, want t0+%s (one heartbeat)", first.Sub(t0), e.cfg.Heartbeat)
	}
	if at := e.clock.deadlines(); !slices.Contains(at, t0.Add(feedSafety(e.cfg.Heartbeat))) {
		t.Fatalf("pending wakes %v: none is the feed's safety look at t0+%s", at, feedSafety(e.cfg.Heartbeat))
	}

	// Another process commits and its files are written: the feed looks as
	// soon as the write settled, not at the heartbeat.
	other, err := st2.CreateJob(e.ctx, job.Job{Status: job.Cancelled, Provider: "openai", Model: "o3-deep-research", Prompt: "Seen at once"})
	if err != nil {
		t.Fatal(err)
	}
	fw.ch <- struct{}{}
	e.clock.waitTimers(t, 3) // and the settle delay after the write
	if _, first := e.clock.pending(); !first.Equal(t0.Add(FeedSettle)) {
		t.Fatalf("earliest wake after a write: t0+%s, want t0+%s (the settle delay)", first.Sub(t0), FeedSettle)
	}
	e.clock.Advance(FeedSettle)
	waitFor(t, "the other process's job is emitted once the write settled", func() bool { return len(e.rec.changedFor(other.ID)) == 1 })

	// A lost signal: the safety look still finds the change.
	gone, err := st2.CreateJob(e.ctx, job.Job{Status: job.Cancelled, Provider: "openai", Model: "o3-deep-research", Prompt: "No signal"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.waitTimers(t, 2)
	e.clock.Advance(feedSafety(e.cfg.Heartbeat))
	waitFor(t, "the safety look emits the unsignalled job", func() bool { return len(e.rec.changedFor(gone.ID)) == 1 })

	stop()
	if !fw.isClosed() {
		t.Error("the file watch was not closed when Run returned")
	}
}

func TestFeedWithoutFileNotificationsLooksEveryInterval(t *testing.T) {
	e := setup(t)
	e.watchedWorker(func() (FileWatch, error) { return nil, errors.New("no inotify instances left") })
	stop := e.run()
	defer stop()
	waitStep(t, e.w)
	e.clock.waitTimers(t, 2)
	if _, first := e.clock.pending(); !first.Equal(t0.Add(DefaultFeedInterval)) {
		t.Fatalf("earliest wake without file notifications: t0+%s, want t0+%s (the feed interval)", first.Sub(t0), DefaultFeedInterval)
	}
	if !e.logged(logrus.WarnLevel, "no file notifications") {
		t.Error("the fallback to a timer was not logged")
	}
}

// The real watch: another process's commit reaches the UI of a worker
// whose clock never moves.
func TestFileWatchSeesAnotherProcessCommit(t *testing.T) {
	e := setup(t)
	e.watchedWorker(func() (FileWatch, error) { return dbwatch.New(e.path) })
	st2 := e.openStore()
	stop := e.run()
	defer stop()
	waitStep(t, e.w)
	e.clock.waitTimers(t, 2)

	j, err := st2.CreateJob(e.ctx, job.Job{Status: job.Cancelled, Provider: "openai", Model: "o3-deep-research", Prompt: "From the CLI"})
	if err != nil {
		t.Fatal(err)
	}
	e.settleUntil(t, "the job committed by another process is emitted", func() bool { return len(e.rec.changedFor(j.ID)) == 1 })
	if err := st2.DeleteJob(e.ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	e.settleUntil(t, "its deletion is reported", func() bool {
		e.rec.mu.Lock()
		defer e.rec.mu.Unlock()
		return len(e.rec.deleted) == 1 && e.rec.deleted[0] == j.ID
	})
	if moved := e.clock.Now().Sub(t0); moved >= e.cfg.Heartbeat {
		t.Fatalf("the clock moved %s: the changes were found by the heartbeat, not the file watch", moved)
	}
}

// settleUntil waits for cond, moving the clock past the feed's settle delay
// whenever one is pending (every loop's timer and one more).
func (e *env) settleUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitFor(t, what, func() bool {
		if n, _ := e.clock.pending(); n >= 3 {
			e.clock.Advance(FeedSettle)
		}
		return cond()
	})
}
