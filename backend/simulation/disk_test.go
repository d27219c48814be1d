package simulation

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/deepr-desktop/deepr/backend/job"
)

// The disk under the data folder fails and comes back. "Unplugged", the
// reports folder is moved away and a file stands in its place, so every
// folder write fails (as on a full disk or a drive gone) while the
// database, elsewhere on the same disk here, still works. Plugged back,
// the poller must write every folder it could not, by itself, within its
// longest wait.

// reportsDir is the data folder's reports folder; awayDir is where it
// waits while the disk is unplugged.
func (w *world) reportsDir() string { return filepath.Join(w.env["DEEPR_DATA_DIR"], "reports") }
func (w *world) awayDir() string    { return filepath.Join(w.root, "reports-away") }

// disk unplugs the disk or plugs it back.
func (w *world) disk(t *rapid.T) {
	if !w.unplugged {
		if err := os.Rename(w.reportsDir(), w.awayDir()); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if err := os.WriteFile(w.reportsDir(), []byte("the disk is gone"), 0o600); err != nil {
			t.Fatal(err)
		}
		w.unplugged = true
		t.Logf("disk unplugged: report folders cannot be written")
		return
	}
	if err := os.Remove(w.reportsDir()); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(w.awayDir(), w.reportsDir()); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	w.unplugged = false
	// The poller's longest wait between two tries is an hour.
	w.clk.Load().advance(time.Hour + time.Minute)
	w.tick(t)
	t.Logf("disk plugged back; an hour later")
	if due := w.foldersDue(); len(due) > 0 {
		w.broken(t, "folders-heal", "an hour after the disk came back, %d saved reports still have no folder: %v (disk notice %q)",
			len(due), due, w.svc.Health().DiskNotice)
	}
}

// foldersDue lists the jobs with a saved report whose folder the
// database does not record as written from the job as it is now.
func (w *world) foldersDue() []string {
	rows, err := w.db.QueryContext(w.ctx, `SELECT j.id FROM jobs j WHERE (j.report_path = '' OR j.mirrored_version < j.version)
		AND EXISTS (SELECT 1 FROM reports r WHERE r.job_id = j.id) ORDER BY j.id`)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			w.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// checkFolders: a folder the database records as written holds that job's
// report, and no two jobs record one folder (compared without case, as
// macOS and Windows do). Checked while the disk is plugged in.
func (w *world) checkFolders(t *rapid.T, jobs map[string]job.Job) {
	if w.unplugged {
		return
	}
	due := map[string]bool{}
	for _, id := range w.foldersDue() {
		due[id] = true
	}
	owner := map[string]string{}
	for id, j := range jobs {
		if j.ReportPath == "" {
			continue
		}
		key := strings.ToLower(j.ReportPath)
		if other, ok := owner[key]; ok {
			w.broken(t, "folder-shared", "jobs %s and %s both record the folder %s", other, id, j.ReportPath)
		}
		owner[key] = id
		if due[id] {
			continue
		}
		md, err := os.Stat(filepath.Join(j.ReportPath, "report.md"))
		meta, merr := os.ReadFile(filepath.Join(j.ReportPath, "metadata.json"))
		var m struct {
			ID string `json:"id"`
		}
		if err != nil || md.Size() == 0 || merr != nil || json.Unmarshal(meta, &m) != nil || m.ID != id {
			w.broken(t, "folder-good", "job %s records %s as written, but it is not its complete folder (report.md: %v; metadata.json: %v, id %q)",
				id, j.ReportPath, err, merr, m.ID)
		}
	}
}
