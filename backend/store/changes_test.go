package store

import (
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

func TestFeedSeesOtherConnectionsOnly(t *testing.T) {
	e := setup(t)
	f, err := e.st.NewFeed(e.ctx)
	if err != nil {
		t.Fatalf("NewFeed: %v", err)
	}
	defer f.Close()
	changed := func() Change {
		t.Helper()
		c, err := f.Changed(e.ctx)
		if err != nil {
			t.Fatalf("Changed: %v", err)
		}
		return c
	}
	if c := changed(); c.Committed || c.Jobs {
		t.Errorf("Changed right after NewFeed = %+v, want nothing", c)
	}
	// Reads commit nothing.
	if _, err := e.st.ListJobs(e.ctx, ListFilter{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.CurrentLease(e.ctx); err != nil {
		t.Fatal(err)
	}
	if c := changed(); c.Committed || c.Jobs {
		t.Errorf("Changed after reads only = %+v, want nothing", c)
	}
	// A write through this process's pool and one from another process.
	j := e.create(job.Job{})
	if c := changed(); !c.Committed || !c.Jobs {
		t.Errorf("Changed after CreateJob in this process = %+v, want a commit that wrote a job", c)
	}
	if c := changed(); c.Committed || c.Jobs {
		t.Errorf("Changed twice for one commit: %+v", c)
	}
	other := e.open()
	if _, err := other.AcquireLease(e.ctx, "other", e.clock.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	if c := changed(); !c.Committed || c.Jobs {
		t.Errorf("Changed after another process took the lease = %+v, want a commit that wrote no job", c)
	}
	// Updates and deletions of jobs count as job writes.
	if _, err := other.Update(e.ctx, j.ID, func(c *job.Job) error { c.Progress.Summary = "half way"; return nil }); err != nil {
		t.Fatal(err)
	}
	if c := changed(); !c.Jobs {
		t.Errorf("Changed after another process updated a job = %+v, want a job write", c)
	}
	if err := other.DeleteJob(e.ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	if c := changed(); !c.Jobs {
		t.Errorf("Changed after another process deleted a job = %+v, want a job write", c)
	}
}

func TestJobVersionsAndSchedule(t *testing.T) {
	e := setup(t)
	a := e.create(job.Job{})
	e.clock.Advance(time.Second)
	b := e.create(job.Job{NextPollAt: e.clock.Now().Add(-time.Hour)})
	done := e.create(job.Job{Status: job.Cancelled})
	a = e.update(a.ID, func(c *job.Job) { c.Error = "x" })

	v, err := e.st.JobVersions(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{a.ID: 2, b.ID: 1, done.ID: 1}
	if len(v) != len(want) {
		t.Errorf("JobVersions = %v, want %v", v, want)
	}
	for id, n := range want {
		if v[id] != n {
			t.Errorf("JobVersions[%s] = %d, want %d", id, v[id], n)
		}
	}
	slots, err := e.st.Schedule(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(slots) != 2 || slots[0].ID != b.ID || slots[1].ID != a.ID {
		t.Fatalf("Schedule = %+v, want %s then %s (active only, earliest due first)", slots, b.ID, a.ID)
	}
	s := slots[1]
	if s.Version != 2 || s.Status != job.Queued || s.Provider != a.Provider || !s.NextPollAt.Equal(a.NextPollAt) {
		t.Errorf("slot = %+v, want version 2, queued, provider %s, next %v", s, a.Provider, a.NextPollAt)
	}
}
