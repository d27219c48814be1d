package mirror

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Dir is the folder of j's report copy under the data folder abs: the
// folder recorded as its report_path when one of that name is in
// abs/reports (a folder keeps the name an earlier version gave it, also
// after the data folder moved), else abs/RelDir(j).
func Dir(abs string, j job.Job) string {
	if j.ReportPath != "" {
		base := filepath.Base(j.ReportPath)
		if base != "." && base != ".." && base != string(filepath.Separator) {
			kept := filepath.Join(abs, "reports", base)
			if kept == j.ReportPath {
				return kept
			}
			if _, err := os.Stat(kept); err == nil {
				return kept
			}
		}
	}
	return filepath.Join(abs, RelDir(j))
}

// Save writes j's report folder from rep and records it: its folder as
// report_path (when new or moved) and the job version it was written from
// (store.MarkMirrored). A folder another job also records (two jobs of an
// older version sharing one name) is left to that job: j moves to a folder
// of its own. It returns the job as stored last. On an error the database
// keeps the job due, and the poller writes it again (Heal).
func Save(ctx context.Context, st *store.Store, dataDir string, j job.Job, rep store.Report) (job.Job, error) {
	abs, err := absData(dataDir)
	if err != nil {
		return j, err
	}
	dir := Dir(abs, j)
	if own := filepath.Join(abs, RelDir(j)); dir != own {
		shared, err := st.FolderShared(ctx, j.ID, dir)
		if err != nil {
			return j, err
		}
		if shared {
			dir = own
		}
	}
	if _, err := writeIn(dir, j, rep, false); err != nil {
		return j, err
	}
	if j.ReportPath != dir {
		from, clean := j.Version, false
		updated, err := st.Update(ctx, j.ID, func(c *job.Job) error {
			clean = c.Version == from
			c.ReportPath = dir
			return nil
		})
		if err != nil {
			return j, fmt.Errorf("the report copy of job %s was written to %s but could not be recorded: %w", j.ID, dir, err)
		}
		j = updated
		if !clean {
			return j, nil // the job changed meanwhile: its folder stays due
		}
	}
	if _, err := st.MarkMirrored(ctx, j.ID, j.Version); err != nil {
		return j, err
	}
	return j, nil
}

// HealResult says what Heal did.
type HealResult struct {
	Written int       // folders written and recorded
	Failed  int       // folders that could not be written (Err says why)
	Err     error     // the failures, joined
	Jobs    []job.Job // the jobs as stored after their folder was written
}

// Heal writes the folders the database says are due (store.MirrorDue): at
// most limit of them (limit <= 0: all). A failing folder does not stop the
// others; the database keeps it due.
func Heal(ctx context.Context, st *store.Store, dataDir string, limit int) (HealResult, error) {
	var res HealResult
	ids, err := st.MirrorDue(ctx, limit)
	if err != nil {
		return res, err
	}
	var errs []error
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		j, err := st.GetJob(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		var rep store.Report
		if err == nil {
			rep, err = st.GetReport(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
		}
		if err == nil {
			j, err = Save(ctx, st, dataDir, j, rep)
		}
		if err != nil {
			res.Failed++
			errs = append(errs, err)
			continue
		}
		res.Written++
		res.Jobs = append(res.Jobs, j)
	}
	res.Err = errors.Join(errs...)
	return res, nil
}

// Remove deletes j's report folder after the job was deleted: only a
// folder in the data folder's reports, that no other job records, and
// whose metadata.json (when readable) names j. A folder holding another
// job's report is never removed.
func Remove(ctx context.Context, st *store.Store, dataDir string, j job.Job) error {
	if j.ReportPath == "" || dataDir == "" {
		return nil
	}
	abs, err := absData(dataDir)
	if err != nil {
		return err
	}
	dir := j.ReportPath
	if filepath.Dir(dir) != filepath.Join(abs, "reports") {
		return nil // not a folder Deepr made here
	}
	if shared, err := st.FolderShared(ctx, j.ID, dir); err != nil || shared {
		return err
	}
	if id, ok := owner(dir); ok && id != j.ID {
		return nil
	}
	return os.RemoveAll(dir)
}

// owner is the job id metadata.json in dir names ("", false when it cannot
// be read). It reads only up to the id (the first field).
func owner(dir string) (string, bool) {
	f, err := os.Open(filepath.Join(dir, MetadataFile))
	if err != nil {
		return "", false
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", false
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return "", false
		}
		if k == "id" {
			var id string
			if dec.Decode(&id) != nil {
				return "", false
			}
			return id, true
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return "", false
		}
	}
	return "", false
}

// absData is the data folder as an absolute path.
func absData(dataDir string) (string, error) {
	if dataDir == "" {
		return "", errors.New("writing the report copy: no data folder given")
	}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return "", fmt.Errorf("writing the report copy: %w", err)
	}
	return abs, nil
}
