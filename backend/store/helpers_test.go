package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// clock is a fake clock safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	// A non-UTC zone and odd nanoseconds prove times round-trip exactly.
	return &clock{now: time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.FixedZone("X", 5*3600+1800))}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is one test's database file and clock.
type env struct {
	t     testing.TB
	ctx   context.Context
	path  string
	clock *clock
	st    *Store
}

func setup(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "deepr.db"), clock: newClock()}
	e.st = e.open()
	return e
}

// open opens another Store on the test file, as another process would.
func (e *env) open() *Store {
	e.t.Helper()
	st, err := Open(e.path)
	if err != nil {
		e.t.Fatalf("Open(%s): %v", e.path, err)
	}
	st.Now = e.clock.Now
	e.t.Cleanup(func() { st.Close() })
	return st
}

// reopen closes e.st and opens the file again.
func (e *env) reopen() {
	e.t.Helper()
	if err := e.st.Close(); err != nil {
		e.t.Fatalf("Close: %v", err)
	}
	e.st = e.open()
}

func (e *env) create(j job.Job) job.Job {
	e.t.Helper()
	if j.Prompt == "" {
		j.Prompt = "Research the history of tea"
	}
	if j.Provider == "" {
		j.Provider = "openai"
	}
	if j.Model == "" {
		j.Model = "o3-deep-research"
	}
	got, err := e.st.CreateJob(e.ctx, j)
	if err != nil {
		e.t.Fatalf("CreateJob: %v", err)
	}
	return got
}

func (e *env) get(id string) job.Job {
	e.t.Helper()
	j, err := e.st.GetJob(e.ctx, id)
	if err != nil {
		e.t.Fatalf("GetJob(%q): %v", id, err)
	}
	return j
}

func (e *env) update(id string, fn func(*job.Job)) job.Job {
	e.t.Helper()
	j, err := e.st.Update(e.ctx, id, func(c *job.Job) error { fn(c); return nil })
	if err != nil {
		e.t.Fatalf("Update(%s): %v", id, err)
	}
	return j
}

// count returns the number of rows of a query like "SELECT count(*) ...".
func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.st.db.QueryRowContext(e.ctx, q, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// utc returns j with every time in UTC without a monotonic reading, so
// reflect.DeepEqual compares instants.
func utc(j job.Job) job.Job {
	f := func(t time.Time) time.Time {
		if t.IsZero() {
			return time.Time{}
		}
		return t.UTC().Round(0)
	}
	j.CreatedAt, j.UpdatedAt, j.NextPollAt, j.QueuedAt = f(j.CreatedAt), f(j.UpdatedAt), f(j.NextPollAt), f(j.QueuedAt)
	if j.SubmittedAt != nil {
		t := f(*j.SubmittedAt)
		j.SubmittedAt = &t
	}
	if j.FinishedAt != nil {
		t := f(*j.FinishedAt)
		j.FinishedAt = &t
	}
	return j
}

// sameJob fails the test when got and want differ in any field.
func sameJob(t testing.TB, what string, got, want job.Job) {
	t.Helper()
	if g, w := utc(got), utc(want); !reflect.DeepEqual(g, w) {
		gj, _ := json.MarshalIndent(g, "", " ")
		wj, _ := json.MarshalIndent(w, "", " ")
		t.Errorf("%s:\n got %s\nwant %s", what, gj, wj)
	}
}

func ptr(t time.Time) *time.Time { return &t }
