package store

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// writerEnv names the database file TestWriterProcess writes to; the test
// does nothing when it is unset.
const writerEnv = "DEEPR_STORE_TEST_WRITER"

// TestWriterProcess is not a test of its own: holdWriter runs the test
// binary again with only this test and writerEnv set, as a second process
// that writes as an import does. It opens the database, starts a write
// transaction (InsertFinished's), adds a finished job in it, prints
// "ready" and holds the transaction until its stdin closes, then commits.
func TestWriterProcess(t *testing.T) {
	path := os.Getenv(writerEnv)
	if path == "" {
		t.Skip("only run as a helper process")
	}
	st, err := Open(path)
	if err != nil {
		fmt.Println("open:", err)
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	err = st.write(ctx, func(tx *sql.Tx) error {
		it := Finished{Job: job.Job{ID: "writer1", Status: job.Completed, Prompt: "Written by the other process"},
			Report: Report{Markdown: "Quince orchards."}}
		if err := st.insertFinishedTx(ctx, tx, it, st.now()); err != nil {
			return err
		}
		fmt.Println("ready")
		_, _ = io.Copy(io.Discard, os.Stdin)
		return nil
	})
	if err != nil {
		fmt.Println("write:", err)
		t.Fatal(err)
	}
}

// holdWriter starts TestWriterProcess on path and returns once it holds
// its write transaction; the returned function lets it commit and waits
// for it to end.
func holdWriter(t *testing.T, path string) (release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestWriterProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), writerEnv+"="+path)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			in.Close()
			_, _ = io.Copy(io.Discard, out)
			if err := cmd.Wait(); err != nil {
				t.Errorf("the writer process: %v", err)
			}
		})
	}
	t.Cleanup(release)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("the writer process said %q (%v), want ready", line, err)
	}
	return release
}

// TestReadersDoNotWaitForAWriter: while another process holds a write
// transaction (a large import), opening the database and every read of
// list, search, show and status succeed at once, and Open commits nothing.
func TestReadersDoNotWaitForAWriter(t *testing.T) {
	e := setup(t)
	root := e.create(job.Job{Status: job.Running, Prompt: "Quince cultivation"})
	e.finish(root.ID, Report{Markdown: "Quince **orchards** in Portugal.", Citations: []job.Citation{{Index: 1, URL: "https://example.org/q", Title: "Q", Start: 0, End: 6}}})
	e.clock.Advance(time.Second)
	child := e.create(job.Job{Prompt: "Deeper on quince", ParentID: root.ID, ParentContext: job.ContextReport})
	e.st.Close()

	release := holdWriter(t, e.path)

	// Busy timeout is 5 s: anything that waits for the writer's lock
	// fails here long before that.
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	opened := make(chan error, 1)
	var st *Store
	go func() {
		var err error
		st, err = Open(e.path)
		opened <- err
	}()
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("Open while another process writes: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("Open while another process writes did not return within 3 s")
	}
	defer st.Close()
	if n := st.Commits(); n != 0 {
		t.Errorf("Open of an up-to-date database committed %d write transactions, want 0", n)
	}
	if jobs, err := st.ListJobs(ctx, ListFilter{}); err != nil || len(jobs) != 2 {
		t.Errorf("ListJobs while another process writes = %d jobs, %v; want the 2 committed", len(jobs), err)
	}
	if hits, err := hitsOf(st.Search(ctx, "quince", SearchOptions{})); err != nil || len(hits) != 1 {
		t.Errorf("Search while another process writes = %v, %v; want the committed report", hits, err)
	}
	if rep, err := st.GetReport(ctx, root.ID); err != nil || len(rep.Citations) != 1 {
		t.Errorf("GetReport while another process writes = %+v, %v", rep, err)
	}
	if _, err := st.GetJob(ctx, child.ID[:8]); err != nil {
		t.Errorf("GetJob by prefix while another process writes: %v", err)
	}
	if th, _, err := st.Thread(ctx, child.ID); err != nil || len(th) != 2 {
		t.Errorf("Thread while another process writes = %d jobs, %v; want 2", len(th), err)
	}
	if has, err := st.HasReports(ctx, []string{root.ID}); err != nil || !has[root.ID] {
		t.Errorf("HasReports while another process writes = %v, %v", has, err)
	}
	if _, err := st.CountStatus(ctx, "", job.Completed); err != nil {
		t.Errorf("CountStatus while another process writes: %v", err)
	}
	if _, _, err := st.CurrentLease(ctx); err != nil {
		t.Errorf("CurrentLease while another process writes: %v", err)
	}
	if _, err := st.Questions(ctx, root.ID); err != nil {
		t.Errorf("Questions while another process writes: %v", err)
	}
	if _, err := st.MonthSpend(ctx, e.clock.Now().UTC().Format("2006-01")); err != nil {
		t.Errorf("MonthSpend while another process writes: %v", err)
	}

	release()
	if _, err := st.GetJob(t.Context(), "writer1"); err != nil {
		t.Errorf("the writer's job after it committed: %v", err)
	}
}

// TestOpenUpToDateWritesNothing: opening a database whose schema is
// current starts no write transaction, while an older schema is migrated,
// each step exactly once, by two processes opening it at once.
func TestOpenUpToDateWritesNothing(t *testing.T) {
	e, db, jobs, _ := oldSchema(t, 3)
	if _, err := db.Exec("PRAGMA user_version = 3"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	stores := make([]*Store, 2)
	errs := make([]error, 2)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = Open(e.path)
		}()
	}
	wg.Wait()
	applied := uint64(0)
	for i, st := range stores {
		if errs[i] != nil {
			t.Fatalf("Open %d of a version 3 database: %v", i, errs[i])
		}
		applied += st.Commits()
		st.Close()
	}
	if applied < uint64(len(ms)-3) {
		t.Errorf("the two Opens committed %d transactions, want at least the %d migrations after version 3", applied, len(ms)-3)
	}
	e.st = e.open()
	var v int
	if err := e.st.db.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != len(ms) {
		t.Errorf("user_version = %d (%v), want %d", v, err, len(ms))
	}
	for id := range jobs {
		e.get(id)
	}
	if n := e.st.Commits(); n != 0 {
		t.Errorf("Open of an up-to-date database committed %d write transactions, want 0", n)
	}
	if n := e.count(`SELECT count(*) FROM search_stale`); n != 0 {
		t.Errorf("%d search rows left stale after migrating, want 0", n)
	}
}

// TestCheckWrite: the doctor's write check writes nothing, and says the
// database cannot be written while another process holds the write lock
// (after the 5 s busy timeout: SQLite's wait for a lock ignores ctx).
func TestCheckWrite(t *testing.T) {
	e := setup(t)
	before := e.st.Commits()
	if err := e.st.CheckWrite(e.ctx); err != nil {
		t.Fatalf("CheckWrite: %v", err)
	}
	if n := e.st.Commits() - before; n != 0 {
		t.Errorf("CheckWrite committed %d transactions, want 0", n)
	}
	holdWriter(t, e.path)
	err := e.st.CheckWrite(e.ctx)
	if err == nil || !strings.Contains(err.Error(), "cannot be written now") || !strings.Contains(err.Error(), "locked") {
		t.Errorf("CheckWrite while another process writes = %v, want an error saying it cannot be written now (locked)", err)
	}
}
