package worker

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// commitProbe counts commits to the test database as another connection
// sees them: PRAGMA data_version changes exactly when some other
// connection committed.
type commitProbe struct {
	t    testing.TB
	conn *sql.Conn
	last int64
}

func newCommitProbe(e *env) *commitProbe {
	e.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+e.path+"?_busy_timeout=5000")
	if err != nil {
		e.t.Fatalf("opening a probe connection: %v", err)
	}
	e.t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(e.ctx)
	if err != nil {
		e.t.Fatalf("opening a probe connection: %v", err)
	}
	e.t.Cleanup(func() { conn.Close() })
	p := &commitProbe{t: e.t, conn: conn}
	p.last = p.version()
	return p
}

func (p *commitProbe) version() int64 {
	p.t.Helper()
	var v int64
	if err := p.conn.QueryRowContext(context.Background(), `PRAGMA data_version`).Scan(&v); err != nil {
		p.t.Fatalf("PRAGMA data_version: %v", err)
	}
	return v
}

// committed reports whether anyone committed since the last call.
func (p *commitProbe) committed() bool {
	v := p.version()
	changed := v != p.last
	p.last = v
	return changed
}

// waitStep waits for the scheduler to finish a step.
func waitStep(t *testing.T, w *Worker) {
	t.Helper()
	select {
	case <-w.stepped:
	case <-time.After(5 * time.Second):
		t.Fatal("the scheduler did not finish a step within 5s")
	}
}

func TestIdlePollerCommitsOncePerHeartbeat(t *testing.T) {
	e := setup(t)
	probe := newCommitProbe(e)
	e.w.stepped = make(chan struct{}, 64)
	stop := e.run()
	defer stop()
	waitStep(t, e.w)
	e.clock.waitTimers(t, 2) // elector and feed; no job, so no scheduler timer

	// 25 s in one-second steps; after each step every loop is asleep again,
	// so each commit made in the step is seen before the next one.
	commits := 0
	if probe.committed() {
		commits++ // taking the lease at start
	}
	for range 25 {
		e.clock.Advance(time.Second)
		e.clock.waitTimers(t, 2)
		if probe.committed() {
			commits++
		}
	}
	t.Logf("commits by an idle poller in 25 s: %d", commits)
	if commits > 3 {
		t.Errorf("an idle poller committed in %d of 26 one-second windows over 25 s, want at most 3 (one per 10 s heartbeat)", commits)
	}
	if commits == 0 {
		t.Errorf("no commit seen in 25 s, want the lease taken and renewed")
	}
	if h := e.w.Health(); h.Poller != PollerRunning || h.NextCheck != nil {
		t.Errorf("idle health = %+v, want running with no next check (nothing is scheduled)", h)
	}
	// The probe does see a commit from another process.
	e.mkJob(job.Cancelled, nil)
	if !probe.committed() {
		t.Fatal("the probe saw no commit after a job was created: it cannot count")
	}
}

func TestNextCheckIsTheRealNextWake(t *testing.T) {
	e := setup(t)
	j := e.mkJob(job.Running, nil)
	st2 := e.openStore()
	e.w.stepped = make(chan struct{}, 64)
	stop := e.run()
	defer stop()
	waitStep(t, e.w)
	e.clock.waitTimers(t, 3) // elector, feed, scheduler
	want := t0.Add(30 * time.Second)
	if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(want) {
		t.Fatalf("next check after the first poll = %v, want %v", h.NextCheck, want)
	}
	for i := 1; i < 30; i++ {
		if i == 5 {
			// Another process writes an unrelated job: the feed reports it
			// and the scheduler looks again, but the next check stays.
			for len(e.w.stepped) > 0 {
				<-e.w.stepped
			}
			other, err := st2.CreateJob(e.ctx, job.Job{Status: job.Cancelled, Provider: "openai", Model: "o3-deep-research", Prompt: "Unrelated"})
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(time.Second)
			waitStep(t, e.w)
			if ev := e.rec.changedFor(other.ID); len(ev) != 1 {
				t.Errorf("the other process's job was emitted %d times, want once", len(ev))
			}
		} else {
			e.clock.Advance(time.Second)
		}
		e.clock.waitTimers(t, 3)
		if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(want) {
			t.Fatalf("next check at t0+%ds = %v, want still %v", i, h.NextCheck, want)
		}
		if _, f, _ := e.prov.calls(); f != 1 {
			t.Fatalf("fetches at t0+%ds = %d, want 1 (the next check is at t0+30s)", i, f)
		}
	}
	e.clock.Advance(time.Second)
	waitStep(t, e.w)
	e.clock.waitTimers(t, 3)
	if _, f, _ := e.prov.calls(); f != 2 {
		t.Errorf("fetches at t0+30s = %d, want 2 (checked when the status bar said)", f)
	}
	if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(t0.Add(time.Minute)) {
		t.Errorf("next check after the second poll = %v, want t0+60s", h.NextCheck)
	}
	for _, h := range e.rec.healths {
		if h.NextCheck != nil && h.NextCheck.Before(want) {
			t.Errorf("a health event said the next check is %v, before the real one (%v)", h.NextCheck, want)
		}
	}
	if got := e.get(j.ID); got.Version != j.Version {
		t.Errorf("two polls that learned nothing wrote the job: version %d -> %d", j.Version, got.Version)
	}
}

func TestHealthEventsCarryIncreasingSeq(t *testing.T) {
	e := setup(t)
	e.mkJob(job.Queued, nil)
	e.prov.setSubmit(func(provider.Request) (string, error) {
		return "", &provider.Error{Kind: provider.KindNotSent, Op: "create", Message: "connection refused"}
	})
	e.tick()
	e.clock.Advance(5 * time.Minute)
	e.prov.setSubmit(nil)
	e.tick()
	if len(e.rec.healths) < 3 {
		t.Fatalf("health events = %d, want several (running, offline, ok, ...)", len(e.rec.healths))
	}
	for i, h := range e.rec.healths {
		if h.Seq != uint64(i+1) {
			t.Errorf("health event %d has seq %d, want %d", i, h.Seq, i+1)
		}
	}
	last := e.rec.healths[len(e.rec.healths)-1]
	if h := e.w.Health(); h.Seq != last.Seq || !sameHealth(h, last) {
		t.Errorf("Health() = %+v, want the last event %+v with its seq", h, last)
	}
}

func TestLateProviderIDIsSavedLater(t *testing.T) {
	e := setup(t)
	j := e.mkJob(job.Queued, nil)
	db, err := sql.Open("sqlite3", "file:"+e.path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The first save of a provider id fails, as a full disk would make it.
	if _, err := db.Exec(`CREATE TRIGGER fail_id_save BEFORE UPDATE ON jobs
		WHEN NEW.provider_job_id IS NOT NULL AND OLD.provider_job_id IS NULL
		BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`); err != nil {
		t.Fatal(err)
	}
	e.prov.setSubmit(func(provider.Request) (string, error) { return "resp_paid", nil })
	if err := e.w.Tick(e.ctx); err == nil || !strings.Contains(err.Error(), "disk is full") {
		t.Fatalf("Tick with a failing save = %v, want the save error", err)
	}
	if got := e.get(j.ID); got.Status != job.Submitting || got.ProviderJobID != "" {
		t.Fatalf("after the failed save: %s id %q, want still submitting", describe(got), got.ProviderJobID)
	}
	if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(t0.Add(time.Second)) {
		t.Errorf("next check = %v, want the retry at t0+1s", h.NextCheck)
	}
	// A pass before the retry, and a takeover recovery, leave it alone: this
	// process holds its id.
	e.w.mu.Lock()
	e.w.recovered = false
	e.w.mu.Unlock()
	e.tick()
	if got := e.get(j.ID); got.Status != job.Submitting {
		t.Fatalf("after another pass: %s, want still submitting (not unconfirmed)", describe(got))
	}
	if _, err := db.Exec(`DROP TRIGGER fail_id_save`); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Second)
	e.tick()
	got := e.get(j.ID)
	if got.Status != job.Running || got.ProviderJobID != "resp_paid" || got.Error != "" {
		t.Errorf("after the retry: %s id %q, want running as resp_paid", describe(got), got.ProviderJobID)
	}
	if s, _, _ := e.prov.calls(); s != 1 {
		t.Errorf("Submit calls = %d, want 1 (the id is saved, not the job sent again)", s)
	}
	for _, ev := range e.rec.changedFor(j.ID) {
		if ev.Status == job.Unconfirmed || strings.Contains(ev.Error, "stopped while sending") {
			t.Errorf("emitted %s %q, want never unconfirmed or 'stopped while sending'", ev.Status, ev.Error)
		}
	}
	if n := len(e.rec.finishedFor(j.ID)); n != 0 {
		t.Errorf("JobFinished = %d, want 0", n)
	}
	if e.w.isInflight(j.ID) {
		t.Error("the job is still in flight after its id was saved")
	}
}

func TestOnLeaseGainedAfterRecovery(t *testing.T) {
	e := setup(t)
	stuck := e.mkJob(job.Submitting, nil)
	var mu sync.Mutex
	var seen []job.Status
	cfg := e.cfg
	e.w = New(e.st, map[string]Provider{"openai": e.prov}, cfg, Options{
		Clock: e.clock, Emitter: e.rec, Notifier: e.rec,
		OnLeaseGained: func(ctx context.Context) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, e.get(stuck.ID).Status)
		},
	})
	e.tick()
	e.tick()
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0] != job.Unconfirmed {
		t.Errorf("OnLeaseGained calls saw %v, want one call after the stuck job became unconfirmed", seen)
	}
}

func TestResignedLeaseIsTakenOverAtOnce(t *testing.T) {
	e := setup(t)
	st2 := e.openStore()
	rec2 := &recorder{health: make(chan Health, 100)}
	w2 := e.newWorker(st2, &fakeProvider{}, testConfig(e.dir, "second-holder"), rec2)
	stop1 := e.run()
	e.clock.waitTimers(t, 2)
	if h := e.w.Health(); h.Poller != PollerRunning {
		t.Fatalf("first worker: %+v, want running", h)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	done2 := make(chan error, 1)
	go func() { done2 <- w2.Run(ctx2) }()
	defer func() { cancel2(); <-done2 }()
	e.clock.waitTimers(t, 4)
	if h := w2.Health(); h.Poller != PollerStandby {
		t.Fatalf("second worker: %+v, want standby", h)
	}

	// The standby sees the other process's writes through its feed.
	j := e.mkJob(job.Cancelled, nil)
	e.clock.Advance(time.Second)
	e.clock.waitTimers(t, 4)
	waitFor(t, "the standby emits the new job", func() bool { return len(rec2.changedFor(j.ID)) > 0 })
	if err := e.st.DeleteJob(e.ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Second)
	e.clock.waitTimers(t, 4)
	waitFor(t, "the standby reports the deletion", func() bool {
		rec2.mu.Lock()
		defer rec2.mu.Unlock()
		return len(rec2.deleted) == 1 && rec2.deleted[0] == j.ID
	})

	stop1() // resigns the lease
	e.clock.Advance(time.Second)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case h := <-rec2.health:
			if h.Poller == PollerRunning {
				if now := e.clock.Now(); now.Sub(t0) > 5*time.Second {
					t.Errorf("taken over at t0+%s, want within a feed interval of the resignation", now.Sub(t0))
				}
				return
			}
		case <-deadline:
			t.Fatalf("the second worker did not take the resigned lease: %+v", w2.Health())
		}
	}
}

func TestSetMaxRunningAppliesAtOnce(t *testing.T) {
	e := setup(t)
	for range 3 {
		e.mkJob(job.Running, func(j *job.Job) { j.NextPollAt = t0.Add(time.Hour) })
	}
	q := e.mkJob(job.Queued, nil)
	e.tick()
	if s, _, _ := e.prov.calls(); s != 0 {
		t.Fatalf("Submit calls with every slot used = %d, want 0", s)
	}
	e.w.SetMaxRunning(4)
	e.tick()
	if got := e.get(q.ID); got.Status != job.Running {
		t.Errorf("parked job after SetMaxRunning(4): %s, want running at once", describe(got))
	}
	e.w.SetConcurrency(1)
	e.w.mu.Lock()
	conc := e.w.concurrency
	e.w.mu.Unlock()
	if conc != 1 {
		t.Errorf("concurrency after SetConcurrency(1) = %d", conc)
	}
}
