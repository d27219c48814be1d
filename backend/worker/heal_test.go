package worker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// A report whose folder cannot be written (the reports folder is blocked,
// as by a full disk) is written by the poller once it can: it waits a
// minute, then two, says why in Health.Disk meanwhile, and wakes for the
// retry by itself; once written, the notice goes.
func TestPollerWritesAFolderOnceItCan(t *testing.T) {
	e := setup(t)
	if err := os.MkdirAll(e.cfg.DataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	blocker := filepath.Join(e.cfg.DataDir, "reports")
	if err := os.WriteFile(blocker, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	j := e.mkJob(job.Running, nil)
	e.prov.setFetch(func(id string) (provider.Snapshot, error) {
		return provider.Snapshot{ID: id, Status: "completed", Report: "The report"}, nil
	})
	e.tick()
	if got := e.get(j.ID); got.Status != job.Completed || got.ReportPath != "" {
		t.Fatalf("job: %s; want completed without a folder", describe(got))
	}
	h := e.w.Health()
	if !strings.Contains(h.Disk, "1 saved report(s) have no copy") || !strings.Contains(h.Disk, "tries again") {
		t.Fatalf("Health.Disk = %q; want the reason and the retry", h.Disk)
	}
	if want := e.clock.Now().Add(time.Minute); h.NextCheck == nil || !h.NextCheck.Equal(want) {
		t.Fatalf("NextCheck = %v, want the retry at %v", h.NextCheck, want)
	}
	// Still blocked a minute later: the next wait is two minutes.
	e.clock.Advance(time.Minute)
	e.tick()
	if h := e.w.Health(); h.NextCheck == nil || !h.NextCheck.Equal(e.clock.Now().Add(2*time.Minute)) {
		t.Fatalf("NextCheck after a second failure = %v, want in 2 minutes", h.NextCheck)
	}
	// Space returns; the poller writes the folder at its retry.
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Minute)
	e.tick()
	got := e.get(j.ID)
	if want := filepath.Join(e.cfg.DataDir, mirror.RelDir(got)); got.ReportPath != want {
		t.Fatalf("report_path = %q, want %q", got.ReportPath, want)
	}
	if md, err := os.ReadFile(filepath.Join(got.ReportPath, mirror.ReportFile)); err != nil || !strings.Contains(string(md), "The report") {
		t.Fatalf("report.md: %v\n%s", err, md)
	}
	if h := e.w.Health(); h.Disk != "" || h.NextCheck != nil {
		t.Fatalf("after the write: Disk %q, NextCheck %v; want both clear", h.Disk, h.NextCheck)
	}
}
