//go:build !windows

// Windows does not let the database file be deleted or replaced while
// SQLite has it open (no FILE_SHARE_DELETE; store.TestReplaced checks
// that refusal), so what these tests recover from cannot happen there.

package worker

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/recovery"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Tests of a database file deleted or replaced under a running worker: it
// stops at once, calls no provider again, writes nothing more, and leaves
// a recovery file listing the runs it was following.

// recoveryFile reads the one recovery file the worker wrote.
func (e *env) recoveryFile() (string, recovery.File) {
	e.t.Helper()
	paths, err := recovery.Pending(e.cfg.DataDir)
	if err != nil || len(paths) != 1 {
		e.t.Fatalf("recovery files in %s: %v, %v; want exactly one", recovery.Dir(e.cfg.DataDir), paths, err)
	}
	fi, err := os.Stat(paths[0])
	if err != nil {
		e.t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		e.t.Errorf("recovery file mode %o, want 600 (it names the user's questions)", perm)
	}
	f, err := recovery.Read(paths[0])
	if err != nil {
		e.t.Fatal(err)
	}
	return paths[0], f
}

func entryOf(f recovery.File, id string) (recovery.Entry, bool) {
	for _, en := range f.Jobs {
		if en.ID == id {
			return en, true
		}
	}
	return recovery.Entry{}, false
}

// runErr waits for Run to return by itself.
func runErr(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop by itself within 5s")
		return nil
	}
}

// wantStopped checks the error a worker stopped with and its health.
func (e *env) wantStopped(err error, recoveryPath string) {
	e.t.Helper()
	if !errors.Is(err, store.ErrReplaced) {
		e.t.Fatalf("error = %v, want one wrapping store.ErrReplaced", err)
	}
	for _, want := range []string{e.path, recoveryPath} {
		if !strings.Contains(err.Error(), want) {
			e.t.Errorf("error %q does not name %s", err, want)
		}
	}
	h := e.w.Health()
	if h.Poller != PollerStopped || !strings.Contains(h.Error, e.path) {
		e.t.Errorf("health after the file was replaced: poller %q, error %q; want stopped, naming %s", h.Poller, h.Error, e.path)
	}
	if !e.logged(logrus.ErrorLevel, "database file") {
		e.t.Errorf("nothing logged at error level about the database file")
	}
}

func TestDatabaseFileReplacedUnderTheWorker(t *testing.T) {
	for _, c := range []struct {
		name    string
		replace bool // a new database is opened at the path (the next command)
	}{{"deleted", false}, {"replaced by a new database", true}} {
		t.Run(c.name, func(t *testing.T) {
			e := setup(t)
			run := e.mkJob(job.Running, func(j *job.Job) { j.Prompt = "History of tea" })
			queued := e.mkJob(job.Queued, func(j *job.Job) { j.NextPollAt = t0.Add(time.Minute) })
			e.tick() // polls the running job: still in progress
			if _, f, _ := e.prov.calls(); f != 1 {
				t.Fatalf("fetches before the file was deleted = %d, want 1", f)
			}

			if err := os.Remove(e.path); err != nil {
				t.Fatal(err)
			}
			var fresh *store.Store
			if c.replace {
				fresh = e.openStore()
			}
			e.clock.Advance(e.cfg.PollInterval + time.Minute) // both jobs due
			err := e.w.Tick(e.ctx)
			path, f := e.recoveryFile()
			e.wantStopped(err, path)

			for range 3 { // it stays stopped
				e.clock.Advance(e.cfg.PollInterval)
				if err := e.w.Tick(e.ctx); !errors.Is(err, store.ErrReplaced) {
					t.Errorf("Tick after stopping = %v, want the same error", err)
				}
			}
			if s, fetches, _ := e.prov.calls(); s != 0 || fetches != 1 {
				t.Errorf("provider calls after the file was deleted: %d submits, %d fetches in all; want 0 and 1 (none after)", s, fetches)
			}
			en, ok := entryOf(f, run.ID)
			if !ok || en.ProviderJobID != run.ProviderJobID || en.Status != job.Running || en.Prompt != run.Prompt || en.Provider != "openai" || en.Model != run.Model {
				t.Errorf("recovery entry of the running job: %+v (found %v); want its response id, status, question, provider and model", en, ok)
			}
			if _, ok := entryOf(f, queued.ID); ok {
				t.Errorf("the recovery file lists a job never sent")
			}
			if f.Database != e.path || !strings.Contains(f.Reason, e.path) {
				t.Errorf("recovery file names database %q, reason %q; want %s", f.Database, f.Reason, e.path)
			}
			if fresh != nil { // nothing of the old worker reached the new file
				if l, found, err := fresh.CurrentLease(e.ctx); err != nil || (found && l.Holder != "") {
					t.Errorf("the new database's lease: %+v found %v err %v; want nobody holding it", l, found, err)
				}
				if js, err := fresh.ListJobs(e.ctx, store.ListFilter{}); err != nil || len(js) != 0 {
					t.Errorf("the new database has %d jobs (err %v), want none", len(js), err)
				}
			}
		})
	}
}

// TestRunStopsOnAFileSignal checks the running worker: the file watch's
// signal makes it look at once, and Run returns the error.
func TestRunStopsOnAFileSignal(t *testing.T) {
	e := setup(t)
	fw := &fakeWatch{ch: make(chan struct{}, 1)}
	e.watchedWorker(func() (FileWatch, error) { return fw, nil })
	run := e.mkJob(job.Running, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.w.Run(ctx) }()
	waitStep(t, e.w)
	e.clock.waitTimers(t, 3) // elector, feed, the running job's next check

	if err := os.Remove(e.path); err != nil {
		t.Fatal(err)
	}
	fw.ch <- struct{}{}
	e.clock.waitTimers(t, 4) // and the settle delay after the write
	e.clock.Advance(FeedSettle)
	err := runErr(t, done)
	path, f := e.recoveryFile()
	e.wantStopped(err, path)
	if _, ok := entryOf(f, run.ID); !ok {
		t.Errorf("the recovery file does not list the running job")
	}
	if _, fetches, _ := e.prov.calls(); fetches != 1 {
		t.Errorf("fetches = %d, want 1 (the first pass only)", fetches)
	}
	if err := e.w.Run(context.Background()); !errors.Is(err, store.ErrReplaced) {
		t.Errorf("Run again = %v, want the same error at once", err)
	}
}

// TestCreateInFlightIsRecorded checks that a run created while the file
// was deleted is not lost: its response id goes into the recovery file.
func TestCreateInFlightIsRecorded(t *testing.T) {
	e := setup(t)
	fw := &fakeWatch{ch: make(chan struct{}, 1)}
	e.watchedWorker(func() (FileWatch, error) { return fw, nil })
	started, release := make(chan struct{}), make(chan struct{})
	e.prov.setSubmit(func(provider.Request) (string, error) {
		close(started)
		<-release
		return "resp_in_flight", nil
	})
	q := e.mkJob(job.Queued, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.w.Run(ctx) }()
	<-started

	if err := os.Remove(e.path); err != nil {
		t.Fatal(err)
	}
	fw.ch <- struct{}{}
	e.clock.waitTimers(t, 3) // elector, feed, the settle delay
	e.clock.Advance(FeedSettle)
	waitFor(t, "the worker to notice", func() bool { return e.w.Health().Error != "" })
	close(release)
	err := runErr(t, done)
	path, f := e.recoveryFile()
	e.wantStopped(err, path)
	en, ok := entryOf(f, q.ID)
	if !ok || en.ProviderJobID != "resp_in_flight" || en.Status != job.Running {
		t.Errorf("recovery entry of the job created meanwhile: %+v (found %v); want running with resp_in_flight", en, ok)
	}
}
