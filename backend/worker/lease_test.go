package worker

import (
	"context"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// Tests of the lease across processes (two Workers on one database file).

func TestTwoWorkersOnlyOnePolls(t *testing.T) {
	e := setup(t)
	st2 := e.openStore()
	p2, rec2 := &fakeProvider{}, &recorder{}
	w2 := e.newWorker(st2, p2, testConfig(e.dir, "second-holder"), rec2)
	for range 5 {
		e.mkJob(job.Queued, nil)
		e.mkJob(job.Running, nil)
	}
	for i := range 6 {
		if err := w2.Tick(e.ctx); err != nil && i > 0 {
			t.Fatalf("w2.Tick: %v", err)
		}
		e.tick()
		e.clock.Advance(5 * time.Second) // less than a heartbeat: both stay fresh
	}
	s1, f1, _ := e.prov.calls()
	s2, f2, _ := p2.calls()
	if (s1+f1 > 0) == (s2+f2 > 0) {
		t.Fatalf("provider calls: first %d, second %d; want exactly one worker calling", s1+f1, s2+f2)
	}
	leader, standby := e.w, w2
	if s2+f2 > 0 {
		leader, standby = w2, e.w
	}
	if h := leader.Health(); h.Poller != PollerRunning {
		t.Errorf("leader health = %+v, want poller running", h)
	}
	if h := standby.Health(); h.Poller != PollerStandby || h.LeaseHolder != leader.cfg.Holder {
		t.Errorf("standby health = %+v, want poller standby, lease_holder %q", h, leader.cfg.Holder)
	}
}

func TestTakeoverAfterHeartbeatStops(t *testing.T) {
	e := setup(t)
	st2 := e.openStore()
	p2, rec2 := &fakeProvider{}, &recorder{}
	w2 := e.newWorker(st2, p2, testConfig(e.dir, "second-holder"), rec2)
	j := e.mkJob(job.Running, nil)

	e.tick() // first holds the lease
	e.clock.Advance(10 * time.Second)
	e.tick() // renews
	e.clock.Advance(25 * time.Second)
	if err := w2.Tick(e.ctx); err != nil {
		t.Fatalf("w2.Tick: %v", err)
	}
	if h := w2.Health(); h.Poller != PollerStandby {
		t.Fatalf("second worker 25s after a renewal: %+v, want standby (lease still fresh)", h)
	}
	// The first stops heartbeating; after 3 heartbeats the second takes over.
	e.clock.Advance(6 * time.Second)
	if err := w2.Tick(e.ctx); err != nil {
		t.Fatalf("w2.Tick: %v", err)
	}
	if h := w2.Health(); h.Poller != PollerRunning {
		t.Fatalf("second worker after the lease went stale: %+v, want running", h)
	}
	if _, f, _ := p2.calls(); f != 1 {
		t.Errorf("second worker fetches after takeover = %d, want 1 (running jobs are due at once)", f)
	}
	// The first one comes back: it lost the lease and stands by.
	_, before, _ := e.prov.calls()
	e.update(j.ID, func(c *job.Job) { c.NextPollAt = e.clock.Now() })
	e.tick()
	if h := e.w.Health(); h.Poller != PollerStandby || h.LeaseHolder != "second-holder" {
		t.Errorf("first worker after losing the lease: %+v, want standby, holder second-holder", h)
	}
	if _, f, _ := e.prov.calls(); f != before {
		t.Errorf("first worker fetched %d times on standby, want 0", f-before)
	}
}

func TestStandbyWatchesOtherProcess(t *testing.T) {
	e := setup(t)
	st2 := e.openStore()
	p2, rec2 := &fakeProvider{}, &recorder{}
	w2 := e.newWorker(st2, p2, testConfig(e.dir, "second-holder"), rec2)
	j := e.mkJob(job.Running, nil)
	e.tick() // leader
	if err := w2.Tick(e.ctx); err != nil {
		t.Fatalf("w2.Tick: %v", err)
	}
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		return provider.Snapshot{ID: id, Status: "completed", Report: "Tea is old."}, nil
	})
	e.clock.Advance(time.Minute)
	e.tick()
	if err := w2.Tick(e.ctx); err != nil {
		t.Fatalf("w2.Tick: %v", err)
	}
	ev := rec2.changedFor(j.ID)
	if len(ev) == 0 || ev[len(ev)-1].Status != job.Completed {
		t.Fatalf("standby emitted %v for the job, want its completion seen in the database", statuses(ev))
	}
	// Nothing new: nothing emitted again.
	n := len(rec2.changedFor(j.ID))
	e.clock.Advance(10 * time.Second)
	if err := w2.Tick(e.ctx); err != nil {
		t.Fatalf("w2.Tick: %v", err)
	}
	if got := len(rec2.changedFor(j.ID)); got != n {
		t.Errorf("standby emitted %d events on an unchanged database, want 0", got-n)
	}
	if s, f, _ := p2.calls(); s+f != 0 {
		t.Errorf("standby provider calls = %d, want 0", s+f)
	}
	if n := len(rec2.finishedFor(j.ID)); n != 0 {
		t.Errorf("standby JobFinished = %d, want 0 (the leader notifies)", n)
	}
}

func TestHeartbeatDuringLongPass(t *testing.T) {
	e := setup(t)
	e.mkJob(job.Running, nil)
	st2 := e.openStore()
	entered, release := make(chan struct{}), make(chan struct{})
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		close(entered)
		<-release
		return provider.Snapshot{ID: id, Status: "in_progress"}, nil
	})
	stop := e.run()
	<-entered
	// The pass hangs in a provider call while three heartbeats pass: the
	// elector has its own loop, so the lease stays fresh.
	e.clock.waitTimers(t, 2) // elector and feed; the scheduler is in its pass
	for i := 1; i <= 30; i++ {
		e.clock.Advance(time.Second)
		e.clock.waitTimers(t, 2)
		if i%10 == 0 {
			want := t0.Add(time.Duration(i) * time.Second)
			l, ok, err := st2.CurrentLease(e.ctx)
			if err != nil || !ok || !l.Heartbeat.Equal(want) {
				t.Fatalf("lease at t0+%ds = %+v, %v, %v; want renewed at t0+%ds", i, l, ok, err, i)
			}
		}
	}
	ok, err := st2.AcquireLease(e.ctx, "intruder", e.clock.Now(), 30*time.Second)
	if err != nil || ok {
		t.Errorf("AcquireLease by another holder during a long pass = %v, %v; want false (lease kept fresh)", ok, err)
	}
	close(release)
	stop()
}

// run starts e.w.Run in the background and returns a function that stops
// it and waits for it to return.
func (e *env) run() (stop func()) {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.w.Run(ctx) }()
	return func() {
		e.t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				e.t.Errorf("Run = %v, want nil", err)
			}
		case <-time.After(5 * time.Second):
			e.t.Fatal("Run did not return within 5s of cancel")
		}
	}
}

// waitFor polls cond (it reads a database another goroutine writes).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
