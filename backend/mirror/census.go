package mirror

import (
	"context"
	"fmt"

	"github.com/deepr-desktop/deepr/backend/store"
)

// Census counts the saved reports and those without a good folder.
type Census struct {
	Reports int // jobs with a saved report
	Bad     int // of those: folder not written, not recorded, older than the job, gone or emptied
}

// Count is the doctor's look at the report folders: the reports the
// database says are due (store.MirrorDue) and those whose recorded folder
// is gone or emptied (quickCheck: stats only, no report is read).
func Count(ctx context.Context, st *store.Store) (Census, error) {
	var c Census
	jobs, err := st.ListJobs(ctx, store.ListFilter{})
	if err != nil {
		return c, fmt.Errorf("counting the report folders: %w", err)
	}
	ids := make([]string, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	has, err := st.HasReports(ctx, ids)
	if err != nil {
		return c, fmt.Errorf("counting the report folders: %w", err)
	}
	due, err := st.MirrorDue(ctx, 0)
	if err != nil {
		return c, err
	}
	bad := make(map[string]bool, len(due))
	for _, id := range due {
		bad[id] = true
	}
	for _, j := range jobs {
		if !has[j.ID] {
			continue
		}
		c.Reports++
		if bad[j.ID] || j.ReportPath == "" || quickCheck(j.ReportPath) != folderOK {
			c.Bad++
		}
	}
	return c, nil
}
