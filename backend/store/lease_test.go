package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

func TestLease(t *testing.T) {
	e := setup(t)
	a, b := e.st, e.open() // two processes on one file
	t0 := e.clock.Now()
	const stale = 30 * time.Second
	if _, ok, err := a.CurrentLease(e.ctx); ok || err != nil {
		t.Fatalf("CurrentLease before anyone held it: ok %v, err %v; want false, nil", ok, err)
	}
	steps := []struct {
		who    *Store
		holder string
		at     time.Duration
		want   bool
		owner  string // holder afterwards
	}{
		{a, "A", 0, true, "A"},
		{b, "B", 10 * time.Second, false, "A"}, // fresh
		{a, "A", 20 * time.Second, true, "A"},  // renew
		{b, "B", 50 * time.Second, false, "A"}, // exactly stale is not yet stale
		{b, "B", 50*time.Second + 1, true, "B"},
		{a, "A", 51 * time.Second, false, "B"},
		{b, "B", 52 * time.Second, true, "B"},
	}
	for i, s := range steps {
		now := t0.Add(s.at)
		ok, err := s.who.AcquireLease(e.ctx, s.holder, now, stale)
		if err != nil || ok != s.want {
			t.Fatalf("step %d: AcquireLease(%s, +%v) = %v, %v; want %v", i, s.holder, s.at, ok, err, s.want)
		}
		l, found, err := a.CurrentLease(e.ctx)
		if err != nil || !found || l.Holder != s.owner {
			t.Fatalf("step %d: CurrentLease = %+v, %v, %v; want holder %s", i, l, found, err, s.owner)
		}
		if ok && !l.Heartbeat.Equal(now) {
			t.Errorf("step %d: heartbeat %v, want %v", i, l.Heartbeat, now)
		}
	}
	// Releasing a lease one does not hold changes nothing.
	if err := a.ReleaseLease(e.ctx, "A"); err != nil {
		t.Fatal(err)
	}
	if l, _, _ := a.CurrentLease(e.ctx); l.Holder != "B" {
		t.Errorf("after a release by a non-holder, holder = %q, want B", l.Holder)
	}
	// After B releases, A takes it at once, even with a fresh heartbeat.
	if err := b.ReleaseLease(e.ctx, "B"); err != nil {
		t.Fatal(err)
	}
	if l, found, _ := a.CurrentLease(e.ctx); !found || l.Holder != "" {
		t.Errorf("after release: %+v, %v; want an empty holder", l, found)
	}
	if ok, err := a.AcquireLease(e.ctx, "A", t0.Add(53*time.Second), stale); !ok || err != nil {
		t.Errorf("AcquireLease after release = %v, %v; want true", ok, err)
	}
	if _, err := a.AcquireLease(e.ctx, "", t0, stale); err == nil {
		t.Error("AcquireLease with no holder: no error")
	}
}

// TestLeaseRace: many contenders at the same instant, one winner.
func TestLeaseRace(t *testing.T) {
	e := setup(t)
	stores := []*Store{e.st, e.open(), e.open()}
	now := e.clock.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var winners []string
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			holder := fmt.Sprintf("h%d", i)
			ok, err := stores[i%len(stores)].AcquireLease(e.ctx, holder, now, time.Minute)
			if err != nil {
				t.Errorf("AcquireLease(%s): %v", holder, err)
			}
			if ok {
				mu.Lock()
				winners = append(winners, holder)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("winners = %v, want exactly one", winners)
	}
	if l, _, _ := e.st.CurrentLease(e.ctx); l.Holder != winners[0] {
		t.Errorf("lease holder %q, want the winner %q", l.Holder, winners[0])
	}
}

// syncOf reads PRAGMA synchronous on c: 1 is NORMAL, 2 FULL.
func syncOf(t *testing.T, c *sql.Conn) int {
	t.Helper()
	var v int
	if err := c.QueryRowContext(context.Background(), `PRAGMA synchronous`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// checkPoolFullSync takes n connections from the pool at once (the lease's
// is held apart) and fails unless each has full sync.
func checkPoolFullSync(t *testing.T, st *Store, n int, when string) {
	t.Helper()
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range n {
		c, err := st.db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		if got := syncOf(t, c); got != 2 {
			t.Errorf("%s, pool connection %d: synchronous = %d, want 2 (FULL)", when, i, got)
		}
	}
}

// The lease is renewed through a connection of its own that does not wait
// for the disk, while every other write keeps the full sync.
func TestLeaseWritesDoNotWaitForTheDiskOthersDo(t *testing.T) {
	e := setup(t)
	if ok, err := e.st.AcquireLease(e.ctx, "A", e.clock.Now(), time.Minute); !ok || err != nil {
		t.Fatalf("AcquireLease = %v, %v", ok, err)
	}
	if e.st.leaseConn == nil {
		t.Fatal("no lease connection after a renewal")
	}
	if got := syncOf(t, e.st.leaseConn); got != 1 {
		t.Errorf("lease connection: synchronous = %d, want 1 (NORMAL)", got)
	}
	checkPoolFullSync(t, e.st, 3, "beside the lease connection")

	// A failed lease write drops its connection for good: it never goes
	// back to the pool, where a job write could get it (room for it in the
	// pool, so a connection given back would stay there).
	e.st.db.SetMaxIdleConns(6)
	cancelled, cancel := context.WithCancel(e.ctx)
	cancel()
	if _, err := e.st.AcquireLease(cancelled, "A", e.clock.Now(), time.Minute); err == nil {
		t.Fatal("AcquireLease with a cancelled context succeeded")
	}
	if e.st.leaseConn != nil {
		t.Fatal("the lease connection was kept after a failed write")
	}
	checkPoolFullSync(t, e.st, 3, "after a failed lease write")
	if ok, err := e.st.AcquireLease(e.ctx, "A", e.clock.Now(), time.Minute); !ok || err != nil {
		t.Fatalf("AcquireLease after a failed one = %v, %v; want a new lease connection", ok, err)
	}
	if got := syncOf(t, e.st.leaseConn); got != 1 {
		t.Errorf("new lease connection: synchronous = %d, want 1 (NORMAL)", got)
	}
	if _, err := e.st.CreateJob(e.ctx, job.Job{Status: job.Cancelled, Provider: "openai", Model: "o3-deep-research", Prompt: "Kept"}); err != nil {
		t.Fatal(err)
	}
	// The renewal, a release and a new take all go through it, and Close
	// closes it.
	if err := e.st.ReleaseLease(e.ctx, "A"); err != nil {
		t.Fatal(err)
	}
	if l, _, err := e.st.CurrentLease(e.ctx); err != nil || l.Holder != "" {
		t.Fatalf("after release: %+v, %v", l, err)
	}
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	if e.st.leaseConn != nil {
		t.Error("Close left the lease connection open")
	}
}
