package mirror

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
)

// due lists the jobs whose folder the database says must be written.
func due(t *testing.T, st *store.Store) []string {
	t.Helper()
	ids, err := st.MirrorDue(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// wantGoodFolder checks that j's recorded folder holds its own report.
func wantGoodFolder(t *testing.T, st *store.Store, id string) job.Job {
	t.Helper()
	j, err := st.GetJob(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if j.ReportPath == "" || check(j.ReportPath) != folderOK {
		t.Fatalf("job %s: report_path %q is not a complete folder", id, j.ReportPath)
	}
	if got, _ := owner(j.ReportPath); got != id {
		t.Fatalf("job %s: its folder %s holds job %q", id, j.ReportPath, got)
	}
	md, _ := os.ReadFile(filepath.Join(j.ReportPath, ReportFile))
	if !strings.Contains(string(md), "text of ") {
		t.Fatalf("job %s: report.md lacks the report:\n%s", id, md)
	}
	return j
}

// A folder write that fails (here: reports/ is a file) leaves the job due;
// once the cause is gone Heal writes it, and nothing is due any more.
func TestHealAfterAFailedWrite(t *testing.T) {
	ctx := t.Context()
	st, data := rebuildStore(t)
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	blocker := filepath.Join(data, "reports")
	if err := os.WriteFile(blocker, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	j := finishedJob(t, st, data, "Blocked", false)
	rep, _ := st.GetReport(ctx, j.ID)
	if _, err := Save(ctx, st, data, j, rep); err == nil {
		t.Fatal("Save into a blocked reports folder succeeded")
	}
	if got := due(t, st); !slices.Equal(got, []string{j.ID}) {
		t.Fatalf("due after a failed write = %v, want [%s]", got, j.ID)
	}
	res, err := Heal(ctx, st, data, 0)
	if err != nil || res.Failed != 1 || res.Written != 0 || res.Err == nil {
		t.Fatalf("Heal while blocked = %+v, %v; want one failure", res, err)
	}
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	res, err = Heal(ctx, st, data, 0)
	if err != nil || res.Written != 1 || res.Failed != 0 {
		t.Fatalf("Heal after the cause went = %+v, %v; want one written", res, err)
	}
	wantGoodFolder(t, st, j.ID)
	if got := due(t, st); len(got) != 0 {
		t.Fatalf("still due after Heal: %v", got)
	}
}

// A job that changed after its folder was written (a question was saved,
// a rewrite failed) is due again, and Heal writes what the database says.
func TestHealRewritesAStaleFolder(t *testing.T) {
	ctx := t.Context()
	st, data := rebuildStore(t)
	j := finishedJob(t, st, data, "Stale", false)
	rep, _ := st.GetReport(ctx, j.ID)
	j, err := Save(ctx, st, data, j, rep)
	if err != nil || len(due(t, st)) != 0 {
		t.Fatalf("Save = %v; due %v", err, due(t, st))
	}
	if _, err := st.Update(ctx, j.ID, func(c *job.Job) error { c.Error = "changed later"; return nil }); err != nil {
		t.Fatal(err)
	}
	if got := due(t, st); !slices.Equal(got, []string{j.ID}) {
		t.Fatalf("due after a change = %v, want [%s]", got, j.ID)
	}
	if res, err := Heal(ctx, st, data, 0); err != nil || res.Written != 1 {
		t.Fatalf("Heal = %+v, %v", res, err)
	}
	b, _ := os.ReadFile(filepath.Join(wantGoodFolder(t, st, j.ID).ReportPath, MetadataFile))
	var m job.Job
	if err := json.Unmarshal(b, &m); err != nil || m.Error != "changed later" {
		t.Fatalf("metadata.json after Heal: error %q, %v", m.Error, err)
	}
}

// Two jobs never share a folder: not ids that differ only in case (on
// macOS and Windows those name one folder), not canonical ids that share
// their first eight characters, not two jobs an older version recorded in
// one folder. Deleting one never removes the other's copy.
func TestFoldersAreNeverShared(t *testing.T) {
	created := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	a := RelDir(job.Job{ID: "Report-A", Prompt: "Same title", CreatedAt: created})
	b := RelDir(job.Job{ID: "report-a", Prompt: "Same title", CreatedAt: created})
	if strings.EqualFold(a, b) {
		t.Fatalf("Report-A and report-a share the folder %s (case-insensitive)", a)
	}
	c := RelDir(job.Job{ID: "abcdefgh11", Prompt: "Same title", CreatedAt: created})
	d := RelDir(job.Job{ID: "abcdefgh22", Prompt: "Same title", CreatedAt: created})
	if strings.EqualFold(c, d) {
		t.Fatalf("abcdefgh11 and abcdefgh22 share the folder %s", c)
	}

	ctx := t.Context()
	st, data := rebuildStore(t)
	first := finishedJob(t, st, data, "Same title", true)
	second := finishedJob(t, st, data, "Same title", false)
	// An older version recorded both in the first one's folder.
	if _, err := st.Update(ctx, second.ID, func(c *job.Job) error { c.ReportPath = first.ReportPath; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := Repair(ctx, st, data); err != nil {
		t.Fatal(err)
	}
	one, two := wantGoodFolder(t, st, first.ID), wantGoodFolder(t, st, second.ID)
	if strings.EqualFold(one.ReportPath, two.ReportPath) {
		t.Fatalf("both jobs still record %s", one.ReportPath)
	}
	// Deleting the first removes its folder only.
	if err := st.DeleteJob(ctx, one.ID); err != nil {
		t.Fatal(err)
	}
	if err := Remove(ctx, st, data, one); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(one.ReportPath); !os.IsNotExist(err) {
		t.Errorf("the deleted job's folder is still there: %v", err)
	}
	wantGoodFolder(t, st, two.ID)
}

// Remove never deletes a folder that another job records or whose
// metadata.json names another job.
func TestRemoveLeavesOthersFolders(t *testing.T) {
	ctx := t.Context()
	st, data := rebuildStore(t)
	kept := finishedJob(t, st, data, "Kept", true)
	gone := finishedJob(t, st, data, "Gone", false)
	gone.ReportPath = kept.ReportPath // a stale record pointing at another's folder
	if err := st.DeleteJob(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	if err := Remove(ctx, st, data, gone); err != nil {
		t.Fatal(err)
	}
	wantGoodFolder(t, st, kept.ID)
}

// On a full disk (a 1 MiB tmpfs) the folder cannot be written; once space
// returns Heal writes it. Needs permission to mount (root); skipped
// elsewhere, where TestHealAfterAFailedWrite covers the same path.
func TestHealAfterAFullDisk(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	ctx := t.Context()
	st, _ := rebuildStore(t)
	data := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", data).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", data).Run() })
	filler := filepath.Join(data, "filler")
	if err := os.WriteFile(filler, make([]byte, 2<<20), 0o600); err == nil { // fills it: what fits stays
		t.Fatal("a 2 MiB file fit on a 1 MiB tmpfs")
	}
	j := finishedJob(t, st, data, "Full disk", false)
	rep, _ := st.GetReport(ctx, j.ID)
	rep.Markdown = "text of " + strings.Repeat("x", 64<<10)
	if _, err := Save(ctx, st, data, j, rep); err == nil {
		t.Fatal("Save on a full disk succeeded")
	}
	if got := due(t, st); !slices.Equal(got, []string{j.ID}) {
		t.Fatalf("due on a full disk = %v", got)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if res, err := Heal(ctx, st, data, 0); err != nil || res.Written != 1 {
		t.Fatalf("Heal after space returned = %+v, %v", res, err)
	}
	wantGoodFolder(t, st, j.ID)
}
