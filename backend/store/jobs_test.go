package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

func TestMigrationsFromEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "folder")
	path := filepath.Join(dir, "deepr.db")
	st, err := Open(path)
	if err != nil {
		t.Fatalf("Open on a missing folder: %v", err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	version := func(st *Store) int {
		var v int
		if err := st.db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := version(st); got != len(ms) || got < 1 {
		t.Errorf("user_version = %d, want %d", got, len(ms))
	}
	for _, name := range []string{"jobs", "reports", "citations", "search", "lease",
		"jobs_due", "jobs_created", "jobs_updated"} {
		var n int
		st.db.QueryRow("SELECT count(*) FROM sqlite_master WHERE name = ?", name).Scan(&n)
		if n != 1 {
			t.Errorf("schema object %s: found %d, want 1", name, n)
		}
	}
	var mode string
	st.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	var fk int
	st.db.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	if mode != "wal" || fk != 1 {
		t.Errorf("journal_mode = %q, foreign_keys = %d; want wal, 1", mode, fk)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		// Modes only where the OS has them (Windows: ACLs, Go reports 0666/0777).
		if fi, err := os.Stat(p); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != want {
			t.Errorf("mode of %s = %v (%v), want %v", p, fi.Mode().Perm(), err, want)
		}
	}
	j, err := st.CreateJob(t.Context(), job.Job{Prompt: "survives reopen"})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	// Reopening applies nothing twice and keeps the data.
	for i := 0; i < 2; i++ {
		st, err = Open(path)
		if err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		if got := version(st); got != len(ms) {
			t.Errorf("reopen %d: user_version = %d, want %d", i, got, len(ms))
		}
		if _, err := st.GetJob(t.Context(), j.ID); err != nil {
			t.Errorf("reopen %d: GetJob: %v", i, err)
		}
		st.Close()
	}

	// A database from a newer Deepr is refused with a clear error.
	st, _ = Open(path)
	st.db.Exec("PRAGMA user_version = 99")
	st.Close()
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "newer Deepr") {
		t.Errorf("Open of a newer schema: err = %v, want one mentioning a newer Deepr", err)
	}
}

func TestOpenOddPath(t *testing.T) {
	// '?' and '#' and '%' must not be read as URI syntax. Windows forbids
	// '?' in file names: there the folder has the rest (and a drive letter).
	path := filepath.Join(t.TempDir(), "a?b#c%20d", "x?.db")
	if runtime.GOOS == "windows" {
		path = filepath.Join(t.TempDir(), "a b#c%20d", "x#.db")
	}
	st, err := Open(path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	st.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at %q: %v", path, err)
	}
}

// TestLifecycleAcrossReopen walks one job through every step, closing and
// reopening the database between steps, and checks every field.
func TestLifecycleAcrossReopen(t *testing.T) {
	e := setup(t)
	created := e.clock.Now()
	in := job.Job{
		Provider: "openai",
		Model:    "o3-deep-research",
		Prompt:   "Tea in Müller's Europe\nsecond line",
		Options:  job.Options{WebSearch: true, CodeInterpreter: true, MaxToolCalls: 42},
	}
	j := e.create(in)
	if !regexp.MustCompile(`^[a-z0-9]{10}$`).MatchString(j.ID) {
		t.Errorf("generated id %q, want 10 chars of [a-z0-9]", j.ID)
	}
	want := in
	want.ID = j.ID
	want.Status = job.Queued
	want.Attempt = 1
	want.Version = 1
	want.CreatedAt, want.UpdatedAt, want.NextPollAt, want.QueuedAt = created, created, created, created
	sameJob(t, "CreateJob result", j, want)
	e.reopen()
	got := e.get(j.ID)
	sameJob(t, "after create", got, want)
	if got.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt location = %v, want UTC", got.CreatedAt.Location())
	}

	// queued -> submitting (write-ahead).
	e.clock.Advance(1500 * time.Millisecond)
	sub := e.clock.Now().Add(3 * time.Nanosecond)
	j = e.update(j.ID, func(c *job.Job) {
		c.Status = job.Submitting
		c.SubmittedAt = &sub
	})
	want.Status, want.SubmittedAt, want.Version, want.UpdatedAt = job.Submitting, ptr(sub), 2, e.clock.Now()
	sameJob(t, "Update result (submitting)", j, want)
	e.reopen()
	sameJob(t, "after submitting", e.get(j.ID), want)

	// submitting -> running with the provider's id and some progress.
	e.clock.Advance(time.Minute)
	next := e.clock.Now().Add(30 * time.Second)
	j = e.update(j.ID, func(c *job.Job) {
		c.Status = job.Running
		c.ProviderJobID = "resp_123"
		c.ProviderStatus = "in_progress"
		c.Progress = job.Progress{Steps: 3, Searches: 2, Pages: 7, Summary: "Reading about “tea” 🍵"}
		c.NextPollAt = next
		c.PollErrors = 2
	})
	want.Status, want.ProviderJobID, want.ProviderStatus = job.Running, "resp_123", "in_progress"
	want.Progress = job.Progress{Steps: 3, Searches: 2, Pages: 7, Summary: "Reading about “tea” 🍵"}
	want.NextPollAt, want.PollErrors, want.Version, want.UpdatedAt = next, 2, 3, e.clock.Now()
	sameJob(t, "Update result (running)", j, want)
	e.reopen()
	sameJob(t, "after running", e.get(j.ID), want)

	// running -> completed with the report, in one Finish.
	e.clock.Advance(time.Hour)
	fin := e.clock.Now()
	usage := job.Usage{InputTokens: 1000, CachedTokens: 10, OutputTokens: 5000, ReasoningTokens: 4000, WebSearchCalls: 12}
	rep := Report{
		Title:    "Tea in Europe",
		Markdown: "# Tea\n\nTea reached Europe in the 17th century [1]. Müller wrote about it [2].",
		Citations: []job.Citation{
			{Index: 1, URL: "https://example.com/a", Title: "A", Start: 10, End: 20},
			{Index: 2, URL: "https://example.com/b?q=1", Title: "B “quoted”", Start: 30, End: 41},
			{Index: 1, URL: "https://example.com/a", Title: "A", Start: 50, End: 52},
		},
		Raw:       []byte(`{"id":"resp_123"}`),
		CreatedAt: fin,
	}
	j, err := e.st.Finish(e.ctx, j.ID, rep, func(c *job.Job) error {
		c.Status = job.Completed
		c.ProviderStatus = "completed"
		c.Usage = usage
		c.CostUSD = 0.2125
		c.FinishedAt = &fin
		c.ReportPath = "/data/reports/x"
		c.PollErrors = 0
		return nil
	})
	if err != nil {
		t.Fatalf("Finish: %v", err)
	}
	want.Status, want.ProviderStatus, want.Usage, want.CostUSD = job.Completed, "completed", usage, 0.2125
	want.FinishedAt, want.ReportPath, want.PollErrors, want.Version, want.UpdatedAt = ptr(fin), "/data/reports/x", 0, 4, fin
	sameJob(t, "Finish result", j, want)
	e.reopen()
	sameJob(t, "after finish", e.get(j.ID), want)
	gotRep, err := e.st.GetReport(e.ctx, j.ID)
	if err != nil {
		t.Fatalf("GetReport: %v", err)
	}
	wantRep := rep
	wantRep.JobID = j.ID
	if !gotRep.CreatedAt.Equal(wantRep.CreatedAt) {
		t.Errorf("report CreatedAt = %v, want %v", gotRep.CreatedAt, wantRep.CreatedAt)
	}
	gotRep.CreatedAt, wantRep.CreatedAt = time.Time{}, time.Time{}
	if fmt.Sprintf("%#v", gotRep) != fmt.Sprintf("%#v", wantRep) {
		t.Errorf("GetReport:\n got %#v\nwant %#v", gotRep, wantRep)
	}
	if n, err := e.st.CountStatus(e.ctx, "openai", job.Completed); err != nil || n != 1 {
		t.Errorf("CountStatus(openai, completed) = %d, %v; want 1", n, err)
	}
}

func TestCreateJobDefaultsAndErrors(t *testing.T) {
	e := setup(t)
	old := e.clock.Now().Add(-48 * time.Hour)
	j := e.create(job.Job{ID: "given", Status: job.Running, Attempt: 3, CreatedAt: old, Version: 9})
	if j.ID != "given" || j.Status != job.Running || j.Attempt != 3 || j.Version != 1 ||
		!j.CreatedAt.Equal(old) || !j.UpdatedAt.Equal(e.clock.Now()) {
		t.Errorf("CreateJob kept/defaulted wrongly: %+v", j)
	}
	if _, err := e.st.CreateJob(e.ctx, job.Job{ID: "given", Prompt: "x"}); err == nil {
		t.Error("CreateJob with a duplicate id: no error")
	}
	if _, err := e.st.CreateJob(e.ctx, job.Job{Prompt: "x", Status: "bogus"}); err == nil {
		t.Error("CreateJob with an unknown status: no error")
	}
	if _, err := e.st.CreateJob(e.ctx, job.Job{Prompt: "x", NextPollAt: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Error("CreateJob with a time past 2262: no error")
	}
	// Many jobs without a provider id (NULL) coexist; a duplicate provider id does not.
	a := e.create(job.Job{})
	e.create(job.Job{})
	e.update(a.ID, func(c *job.Job) { c.ProviderJobID = "resp_same" })
	b := e.create(job.Job{})
	if _, err := e.st.Update(e.ctx, b.ID, func(c *job.Job) error { c.ProviderJobID = "resp_same"; return nil }); err == nil {
		t.Error("two jobs with one provider job id: no error")
	}
	if _, err := e.st.CreateJob(e.ctx, job.Job{Prompt: "x", ProviderJobID: "resp_same"}); err == nil {
		t.Error("CreateJob with a taken provider job id: no error")
	}
}

func TestUpdateWritesNothingOnError(t *testing.T) {
	e := setup(t)
	boom := errors.New("boom")
	tests := []struct {
		name    string
		fn      func(*job.Job) error
		wantErr error // matched with errors.Is; nil: any error
	}{
		{"illegal transition", func(c *job.Job) error { c.Status = job.Completed; c.Error = "x"; return nil }, job.ErrIllegalTransition},
		{"unknown status", func(c *job.Job) error { c.Status = "weird"; return nil }, job.ErrIllegalTransition},
		{"fn error", func(c *job.Job) error { c.Status = job.Submitting; c.Prompt = "changed"; return boom }, boom},
		{"id changed", func(c *job.Job) error { c.ID = "other"; return nil }, nil},
		{"created_at changed", func(c *job.Job) error { c.CreatedAt = c.CreatedAt.Add(time.Second); return nil }, nil},
		{"version changed", func(c *job.Job) error { c.Version = 42; return nil }, nil},
		{"time out of range", func(c *job.Job) error { c.NextPollAt = time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC); return nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.create(job.Job{})
			e.clock.Advance(time.Second)
			_, err := e.st.Update(e.ctx, before.ID, tt.fn)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("Update err = %v, want %v", err, tt.wantErr)
			}
			sameJob(t, "row after a failed Update", e.get(before.ID), before)
		})
	}
	if _, err := e.st.Update(e.ctx, "missing", func(*job.Job) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("Update of a missing job: err = %v, want ErrNotFound", err)
	}
}

func TestGetJobPrefix(t *testing.T) {
	e := setup(t)
	for _, id := range []string{"abc123", "abd456", "xyz", "abc1239", "zz"} {
		e.create(job.Job{ID: id})
	}
	tests := []struct {
		in      string
		want    string
		wantErr error
	}{
		{"abc123", "abc123", nil},   // exact, although also a prefix of abc1239
		{"abc1239", "abc1239", nil}, // exact
		{"abd", "abd456", nil},      // unique prefix
		{"x", "xyz", nil},           // one character is enough
		{" xy ", "xyz", nil},        // spaces ignored
		{"abc12", "", ErrAmbiguous}, // abc123 and abc1239
		{"a", "", ErrAmbiguous},
		{"q", "", ErrNotFound},
		{"xyzz", "", ErrNotFound},
		{"", "", ErrNotFound},
		{"%", "", ErrNotFound}, // LIKE/GLOB syntax means nothing
		{"*", "", ErrNotFound},
		{"z\xff", "", ErrNotFound},
	}
	for _, tt := range tests {
		got, err := e.st.GetJob(e.ctx, tt.in)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("GetJob(%q) err = %v, want %v", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.ID != tt.want {
			t.Errorf("GetJob(%q) = %q, %v; want %q", tt.in, got.ID, err, tt.want)
		}
	}
}

func TestDueJobs(t *testing.T) {
	e := setup(t)
	t0 := e.clock.Now()
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	mk := func(id string, st job.Status, next time.Time, created time.Time) {
		e.create(job.Job{ID: id, Status: st, NextPollAt: next, CreatedAt: created})
	}
	mk("late", job.Running, at(-time.Minute), at(-time.Hour))
	mk("tie-new", job.Queued, at(-2*time.Minute), at(-time.Minute))
	mk("tie-old", job.Submitting, at(-2*time.Minute), at(-2*time.Hour))
	mk("now", job.Queued, at(0), at(0))
	mk("future", job.Running, at(time.Second), at(-time.Hour))
	mk("done", job.Completed, at(-time.Hour), at(-time.Hour))
	mk("failed", job.Failed, at(-time.Hour), at(-time.Hour))
	mk("unconf", job.Unconfirmed, at(-time.Hour), at(-time.Hour))

	ids := func(js []job.Job) string {
		var s []string
		for _, j := range js {
			s = append(s, j.ID)
		}
		return strings.Join(s, ",")
	}
	for _, tt := range []struct {
		limit int
		want  string
	}{
		{0, "tie-old,tie-new,late,now"},
		{2, "tie-old,tie-new"},
	} {
		got, err := e.st.DueJobs(e.ctx, t0, tt.limit)
		if err != nil || ids(got) != tt.want {
			t.Errorf("DueJobs(limit %d) = %s, %v; want %s", tt.limit, ids(got), err, tt.want)
		}
	}
}

// TestDueJobsNoCap: every due job comes back, however many.
func TestDueJobsNoCap(t *testing.T) {
	e := setup(t)
	const n = 1500
	insertJobs(t, e.st, n, job.Running, e.clock.Now().Add(-time.Hour))
	got, err := e.st.DueJobs(e.ctx, e.clock.Now(), 0)
	if err != nil || len(got) != n {
		t.Fatalf("DueJobs = %d jobs, %v; want %d", len(got), err, n)
	}
	for i := 1; i < len(got); i++ {
		if got[i].NextPollAt.Before(got[i-1].NextPollAt) {
			t.Fatalf("DueJobs not ordered by next_poll_at at %d: %v before %v", i, got[i-1].NextPollAt, got[i].NextPollAt)
		}
	}
}

// insertJobs creates n jobs through CreateJob in one transaction-free burst,
// with next_poll_at spread backwards from due.
func insertJobs(t testing.TB, st *Store, n int, status job.Status, due time.Time) []job.Job {
	t.Helper()
	out := make([]job.Job, n)
	for i := range n {
		j, err := st.CreateJob(t.Context(), job.Job{
			Prompt: fmt.Sprintf("job %d", i), Provider: "openai", Model: "o3-deep-research",
			Status: status, NextPollAt: due.Add(-time.Duration((i*7919)%n) * time.Second),
		})
		if err != nil {
			t.Fatalf("CreateJob %d: %v", i, err)
		}
		out[i] = j
	}
	return out
}

func TestListJobs(t *testing.T) {
	e := setup(t)
	t0 := e.clock.Now()
	for i, s := range []job.Status{job.Queued, job.Running, job.Completed, job.Failed} {
		model := "o3-deep-research"
		if i%2 == 1 {
			model = "o4-mini-deep-research"
		}
		e.create(job.Job{ID: fmt.Sprintf("j%d", i), Status: s, Model: model, CreatedAt: t0.Add(time.Duration(i) * time.Minute)})
	}
	e.clock.Advance(time.Hour)
	e.update("j0", func(c *job.Job) { c.Progress.Steps = 1 })
	ids := func(f ListFilter) string {
		js, err := e.st.ListJobs(e.ctx, f)
		if err != nil {
			t.Fatalf("ListJobs(%+v): %v", f, err)
		}
		var s []string
		for _, j := range js {
			s = append(s, j.ID)
		}
		return strings.Join(s, ",")
	}
	for _, tt := range []struct {
		f    ListFilter
		want string
	}{
		{ListFilter{}, "j3,j2,j1,j0"},
		{ListFilter{Limit: 2}, "j3,j2"},
		{ListFilter{Limit: 2, Offset: 2}, "j1,j0"},
		{ListFilter{Offset: 3}, "j0"},
		{ListFilter{Statuses: []job.Status{job.Queued, job.Failed}}, "j3,j0"},
		{ListFilter{Model: "o4-mini-deep-research"}, "j3,j1"},
		{ListFilter{Statuses: []job.Status{job.Cancelled}}, ""},
	} {
		if got := ids(tt.f); got != tt.want {
			t.Errorf("ListJobs(%+v) = %q, want %q", tt.f, got, tt.want)
		}
	}
	if n, err := e.st.CountStatus(e.ctx, "", job.Running); err != nil || n != 1 {
		t.Errorf("CountStatus(all, running) = %d, %v; want 1", n, err)
	}
	if n, err := e.st.CountStatus(e.ctx, "gemini", job.Running); err != nil || n != 0 {
		t.Errorf("CountStatus(gemini, running) = %d, %v; want 0", n, err)
	}
}

// TestConcurrentUpdates: updates from several goroutines and two handles
// on one file (two "processes") all land.
func TestConcurrentUpdates(t *testing.T) {
	e := setup(t)
	other := e.open()
	j := e.create(job.Job{Status: job.Running})
	const workers, each = 6, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		st := e.st
		if w%2 == 1 {
			st = other
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if _, err := st.Update(e.ctx, j.ID, func(c *job.Job) error { c.PollErrors++; return nil }); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Update: %v", err)
	}
	got := e.get(j.ID)
	if got.Version != 1+workers*each || got.PollErrors != workers*each {
		t.Errorf("after %d updates: version %d, poll_errors %d; want %d, %d",
			workers*each, got.Version, got.PollErrors, 1+workers*each, workers*each)
	}
}

// TestActiveInMatchesJob keeps the SQL list of active statuses in step with
// job.Status.Active.
func TestActiveInMatchesJob(t *testing.T) {
	for _, s := range job.All {
		if got := strings.Contains(activeIn, "'"+string(s)+"'"); got != s.Active() {
			t.Errorf("activeIn contains %s = %v, but %s.Active() = %v", s, got, s, s.Active())
		}
	}
}
