package recovery

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Paid reports whether a provider may still run or bill j: it was sent (or
// is being sent) and has not ended.
func Paid(j job.Job) bool {
	return j.Status == job.Submitting || j.Status == job.Running || j.Status == job.Unconfirmed
}

// Collect reads from st what a recovery file keeps: every job a provider
// may still run or bill (Paid), with the prices and estimate it was sent
// under, and every finished report whose folder copy is missing, with its
// text. It only reads.
func Collect(ctx context.Context, st *store.Store) ([]Entry, error) {
	paid, err := st.ListJobs(ctx, store.ListFilter{Statuses: []job.Status{job.Submitting, job.Running, job.Unconfirmed}})
	if err != nil {
		return nil, fmt.Errorf("listing the jobs in progress: %w", err)
	}
	ids := make([]string, len(paid))
	for i, j := range paid {
		ids[i] = j.ID
	}
	charges, err := st.Charges(ctx, ids...)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(paid))
	for _, j := range paid {
		e := Entry{Job: j}
		if c, ok := charges[j.ID]; ok {
			e.Charge = &c
		}
		out = append(out, e)
	}
	done, err := st.ListJobs(ctx, store.ListFilter{Statuses: []job.Status{job.Completed, job.Incomplete}})
	if err != nil {
		return out, fmt.Errorf("listing the finished jobs: %w", err)
	}
	for _, j := range done {
		if hasFolder(j) {
			continue
		}
		rep, err := st.GetReport(ctx, j.ID)
		if err != nil {
			continue // no report text to keep
		}
		rep.Raw = nil
		out = append(out, Entry{Job: j, Report: &rep})
	}
	return out, nil
}

// hasFolder reports whether j's report folder holds its report.md.
func hasFolder(j job.Job) bool {
	if j.ReportPath == "" {
		return false
	}
	_, err := os.Stat(filepath.Join(j.ReportPath, mirror.ReportFile))
	return err == nil
}
