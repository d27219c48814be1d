package mirror

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/deepr-desktop/deepr/backend/store"
)

// RebuildResult says what Rebuild found and did.
type RebuildResult struct {
	Reports int `json:"reports"` // jobs with a report (with onlyMissing: a complete, recorded folder counts as one)
	Missing int `json:"missing"` // of those, folders that did not exist
	Damaged int `json:"damaged"` // folders with report.md missing, empty or unreadable, or metadata.json missing or not JSON
	Written int `json:"written"` // folders written
	Moved   int `json:"moved"`   // report_path values updated (the data folder moved)
	Failed  int `json:"failed"`  // jobs whose folder could not be written or recorded (see the error)
}

// Folder states found by check.
const (
	folderOK = iota
	folderMissing
	folderDamaged
)

// check tells whether dir holds a complete report copy: a readable,
// non-empty report.md and a metadata.json that is valid JSON.
func check(dir string) int {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return folderMissing
	}
	md, err := os.ReadFile(filepath.Join(dir, ReportFile))
	if err != nil || len(md) == 0 {
		return folderDamaged
	}
	meta, err := os.ReadFile(filepath.Join(dir, MetadataFile))
	if err != nil || !json.Valid(meta) {
		return folderDamaged
	}
	return folderOK
}

// quickCheck is check by file sizes only (three stats, no reads), for the
// check at every start: a folder or file gone, or emptied, is found; a
// metadata.json whose text was damaged in place needs Rebuild.
func quickCheck(dir string) int {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return folderMissing
	}
	for _, f := range []string{ReportFile, MetadataFile} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			return folderDamaged
		}
	}
	return folderOK
}

// Repair is the check a process runs when it takes the poller lease:
// Rebuild with onlyMissing, but folders are judged by quickCheck, so a
// library of 10,000 reports costs one query and 30,000 stats, not reading
// every report again.
func Repair(ctx context.Context, st *store.Store, dataDir string) (RebuildResult, error) {
	return rebuild(ctx, st, dataDir, true, quickCheck)
}

// Rebuild writes report folders again from the database: with onlyMissing
// set, only the folders that are missing or damaged (see RebuildResult);
// otherwise every job's folder. A job whose report_path is not its folder
// under dataDir (the data folder moved) gets report_path updated, and only
// after its folder is complete. It goes on after a failing job and returns
// all failures joined; it stops early only when ctx ends.
func Rebuild(ctx context.Context, st *store.Store, dataDir string, onlyMissing bool) (RebuildResult, error) {
	return rebuild(ctx, st, dataDir, onlyMissing, check)
}

func rebuild(ctx context.Context, st *store.Store, dataDir string, onlyMissing bool, check func(string) int) (RebuildResult, error) {
	var res RebuildResult
	if dataDir == "" {
		return res, errors.New("rebuilding the report copies: no data folder given")
	}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return res, fmt.Errorf("rebuilding the report copies: %w", err)
	}
	jobs, err := st.ListJobs(ctx, store.ListFilter{})
	if err != nil {
		return res, fmt.Errorf("rebuilding the report copies: %w", err)
	}
	uses := map[string]int{} // folders recorded, without case: two jobs must not share one
	for _, j := range jobs {
		if j.ReportPath != "" {
			uses[strings.ToLower(j.ReportPath)]++
		}
	}
	var errs []error
	for _, j := range jobs {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		dir := Dir(abs, j)
		state := check(dir)
		shared := j.ReportPath != "" && uses[strings.ToLower(j.ReportPath)] > 1
		if onlyMissing && state == folderOK && j.ReportPath == dir && !shared {
			res.Reports++
			continue // complete and recorded: nothing to read or write
		}
		rep, err := st.GetReport(ctx, j.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue // no report: no folder
		}
		if err != nil {
			errs = append(errs, err)
			res.Failed++
			continue
		}
		res.Reports++
		switch state {
		case folderMissing:
			res.Missing++
		case folderDamaged:
			res.Damaged++
		}
		saved, err := Save(ctx, st, abs, j, rep)
		if err != nil {
			errs = append(errs, err)
			res.Failed++
			continue
		}
		res.Written++
		if j.ReportPath != saved.ReportPath {
			if shared {
				uses[strings.ToLower(j.ReportPath)]--
			}
			res.Moved++
		}
	}
	return res, errors.Join(errs...)
}
