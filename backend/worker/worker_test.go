package worker

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

func TestThousandRunningJobsInOneTick(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 1,000 jobs")
	}
	e := setup(t)
	for range 1000 {
		e.mkJob(job.Running, nil)
	}
	e.clock.Advance(time.Minute)
	e.tick()
	_, f, _ := e.prov.calls()
	if f != 1000 {
		t.Fatalf("fetches in one Tick = %d, want 1000 (no page cap)", f)
	}
	if got := sortedUnique(e.prov.fetches); len(got) != 1000 {
		t.Errorf("distinct jobs fetched = %d, want 1000", len(got))
	}
	// Nothing changed at the provider: nothing was written, and no job is
	// checked again before a poll interval has passed.
	if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(e.clock.Now().Add(30*time.Second)) {
		t.Errorf("next check after the pass = %v, want now + 30s", h.NextCheck)
	}
	e.clock.Advance(29 * time.Second)
	e.tick()
	if _, f, _ := e.prov.calls(); f != 1000 {
		t.Errorf("fetches 29s later = %d, want still 1000", f)
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	e := setup(t)
	for range 12 {
		e.mkJob(job.Running, nil)
	}
	var mu sync.Mutex
	cur, peak := 0, 0
	release := make(chan struct{})
	arrived := make(chan struct{}, 12)
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		mu.Lock()
		cur++
		peak = max(peak, cur)
		mu.Unlock()
		arrived <- struct{}{}
		<-release
		mu.Lock()
		cur--
		mu.Unlock()
		return provider.Snapshot{ID: id, Status: "in_progress"}, nil
	})
	done := make(chan error)
	go func() { done <- e.w.Tick(e.ctx) }()
	for range 4 {
		<-arrived
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Tick: %v", err)
	}
	if peak > 4 {
		t.Errorf("peak parallel provider calls = %d, want at most Concurrency=4", peak)
	}
	if _, f, _ := e.prov.calls(); f != 12 {
		t.Errorf("fetches = %d, want 12", f)
	}
}

func TestSetPollInterval(t *testing.T) {
	e := setup(t)
	j := e.mkJob(job.Running, nil)
	e.w.SetPollInterval(2 * time.Minute)
	e.tick()
	if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("next check = %v, want t0+2m after SetPollInterval", h.NextCheck)
	}
	// A planned check moves with the interval at once.
	e.w.SetPollInterval(time.Minute)
	e.tick()
	if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(t0.Add(time.Minute)) {
		t.Errorf("next check = %v, want t0+1m after SetPollInterval(1m)", h.NextCheck)
	}
	if _, f, _ := e.prov.calls(); f != 1 {
		t.Errorf("fetches = %d, want 1 (not due before t0+1m)", f)
	}
	_ = j
}

func TestRunWakeAndStop(t *testing.T) {
	e := setup(t)
	j := e.mkJob(job.Running, func(j *job.Job) { j.NextPollAt = t0.Add(time.Hour) })
	fetched := make(chan string, 10)
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		fetched <- id
		return provider.Snapshot{ID: id, Status: "in_progress"}, nil
	})
	e.rec.health = make(chan Health, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.w.Run(ctx) }()

	// Takeover recovery polls the running job once at start.
	if id := <-fetched; id != j.ProviderJobID {
		t.Fatalf("first fetch = %s, want %s", id, j.ProviderJobID)
	}
	// Not due for an hour; Wake makes it due now without moving the clock.
	e.w.Wake(j.ID)
	select {
	case id := <-fetched:
		if id != j.ProviderJobID {
			t.Errorf("fetch after Wake = %s, want %s", id, j.ProviderJobID)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wake did not lead to a fetch within 5s")
	}
	if err := e.w.Run(ctx); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("second Run = %v, want ErrAlreadyRunning", err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after cancel = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5s of cancel")
	}
	if h := e.w.Health(); h.Poller != PollerStopped {
		t.Errorf("health after Run = %+v, want stopped", h)
	}
	// The lease was released: another holder gets it at once.
	ok, err := e.st.AcquireLease(e.ctx, "next", e.clock.Now(), 30*time.Second)
	if err != nil || !ok {
		t.Errorf("AcquireLease right after Run stopped = %v, %v; want true (released)", ok, err)
	}
}
