package research_test

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/recovery"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/store"
)

// restart opens the database now at u's path in a new service on the same
// folders, as the next start of Deepr does.
func restart(t *testing.T, u *unit) *unit {
	t.Helper()
	st, err := store.Open(u.dirs.Database())
	if err != nil {
		t.Fatal(err)
	}
	st.Now = fixedClock{}.Now
	cfg := u.svc.Config()
	load := func() (config.Config, error) { return cfg, nil }
	return startUnit(t, base{dirs: u.dirs, load: load, cfg: cfg, st: st}, u.secrets)
}

// removeOpenDatabase deletes the database file Deepr has open. Windows
// refuses (SQLite opens it without FILE_SHARE_DELETE; store.TestReplaced
// checks that), so there the loss cannot happen and the test ends.
func removeOpenDatabase(t *testing.T, path string) {
	t.Helper()
	err := os.Remove(path)
	if err != nil && runtime.GOOS == "windows" {
		t.Skipf("Windows does not let the open database be deleted: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestDatabaseReplacedUnderThePoller: the database file is deleted (or
// replaced by a new one) while a paid run is in progress. The poller stops
// with an error naming the path, calls the provider no more, and keeps the
// run in a recovery file; the next start on the database at that path
// takes the run over and saves its report and cost.
func TestDatabaseReplacedUnderThePoller(t *testing.T) {
	for _, replace := range []bool{false, true} {
		name := map[bool]string{false: "deleted", true: "replaced"}[replace]
		t.Run(name, func(t *testing.T) {
			u := newUnit(t, nil)
			j := u.mkJob(job.Running)
			u.prov.snaps[j.ProviderJobID] = provider.Snapshot{ID: j.ProviderJobID, Status: provider.StatusInProgress}
			if err := u.svc.Tick(u.ctx); err != nil {
				t.Fatal(err)
			}
			path := u.dirs.Database()
			removeOpenDatabase(t, path)
			if replace { // the next command creates a new database there
				other, err := store.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				other.Close()
			}

			err := u.svc.Tick(u.ctx)
			if !errors.Is(err, store.ErrReplaced) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Tick after the file was %s = %v, want store.ErrReplaced naming %s", name, err, path)
			}
			fetches := len(u.prov.fetches)
			_ = u.svc.Tick(u.ctx)
			if len(u.prov.fetches) != fetches {
				t.Errorf("the provider was called after the poller stopped")
			}
			h := u.svc.Health()
			if h.Poller != research.PollerStopped || !strings.Contains(h.DatabaseNotice, path) {
				t.Errorf("health: poller %q, database notice %q; want stopped, naming %s", h.Poller, h.DatabaseNotice, path)
			}
			if st := u.svc.Stopped(err); !strings.Contains(st.DatabaseNotice, path) {
				t.Errorf("Stopped(err).DatabaseNotice = %q, want it to name %s", st.DatabaseNotice, path)
			}
			pending, _ := recovery.Pending(u.dirs.Data)
			if len(pending) != 1 || !strings.Contains(err.Error(), pending[0]) {
				t.Fatalf("recovery files %v; want one, named by the error %q", pending, err)
			}
			if err := u.svc.Close(); err != nil {
				t.Fatal(err)
			}

			// The next start, on the database now at that path.
			u2 := restart(t, u)
			u2.prov.snaps[j.ProviderJobID] = provider.Snapshot{ID: j.ProviderJobID, JobID: j.ID, Status: provider.StatusCompleted,
				Report: "# Tea\n\nTea came from China.", Usage: job.Usage{InputTokens: 1_000_000, OutputTokens: 100_000}}
			if err := u2.svc.Tick(u2.ctx); err != nil {
				t.Fatal(err)
			}
			got := u2.stored(j.ID)
			if got.Status != job.Completed || got.ProviderJobID != j.ProviderJobID || got.CostUSD <= 0 || got.Prompt != j.Prompt {
				t.Fatalf("the run taken over: %s, provider id %q, cost %v, prompt %q; want completed with its report and a cost",
					got.Status, got.ProviderJobID, got.CostUSD, got.Prompt)
			}
			rep, err := u2.st.GetReport(u2.ctx, j.ID)
			if err != nil || !strings.Contains(rep.Markdown, "Tea came from China.") {
				t.Errorf("report of the run taken over: %v; want its text", err)
			}
			if pending, _ := recovery.Pending(u.dirs.Data); len(pending) != 0 {
				t.Errorf("recovery files still pending after the take-over: %v", pending)
			}
			if _, err := os.Stat(recovery.Dir(u.dirs.Data)); err != nil {
				t.Errorf("recovery folder: %v", err)
			}
			if h := u2.svc.Health(); !strings.Contains(h.DatabaseNotice, "took over 1 run") {
				t.Errorf("health after the take-over: database notice %q, want it to say a run was taken over", h.DatabaseNotice)
			}
			noCLI(t, u2.svc.Health().DatabaseNotice)
		})
	}
}

// TestWaitEndsWhenTheDatabaseIsLost: `deepr wait` (Service.Wait) returns
// the poller's error instead of waiting for a job nobody polls.
func TestWaitEndsWhenTheDatabaseIsLost(t *testing.T) {
	u := newUnit(t, nil)
	j := u.mkJob(job.Running)
	u.prov.snaps[j.ProviderJobID] = provider.Snapshot{ID: j.ProviderJobID, Status: provider.StatusInProgress}
	removeOpenDatabase(t, u.dirs.Database())
	done := make(chan error, 1)
	go func() {
		_, err := u.svc.Wait(u.ctx, research.WaitRequest{ID: j.ID})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, store.ErrReplaced) || !strings.Contains(err.Error(), u.dirs.Database()) {
			t.Errorf("Wait = %v, want store.ErrReplaced naming %s", err, u.dirs.Database())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return within 10s of the database file being deleted")
	}
}
