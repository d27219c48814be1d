package research_test

import (
	"os"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// folderCheck is the doctor's "report folders" line.
func folderCheck(t *testing.T, u *unit) research.Check {
	t.Helper()
	for _, c := range u.svc.Doctor(u.ctx, "").Checks {
		if c.Name == "report folders" {
			return c
		}
	}
	t.Fatal("the doctor has no report folders line")
	return research.Check{}
}

// The doctor counts saved reports without a good folder (never written,
// deleted by hand) and says what to do; a rebuild makes it pass.
func TestDoctorCountsReportsWithoutAGoodFolder(t *testing.T) {
	u := newUnit(t, nil)
	if c := folderCheck(t, u); !c.OK || c.Detail != "no saved reports yet" {
		t.Fatalf("empty library: %+v", c)
	}
	a := u.finish(job.Completed, "First report", nil)
	u.finish(job.Completed, "Second report", nil)
	if c := folderCheck(t, u); c.OK || !strings.Contains(c.Detail, "2 of 2 saved reports have no complete folder") || !strings.Contains(c.Detail, "deepr mirror rebuild") {
		t.Fatalf("two reports never written: %+v", c)
	}
	if res, err := u.svc.RebuildMirror(u.ctx, false); err != nil || res.Written != 2 {
		t.Fatalf("RebuildMirror = %+v, %v", res, err)
	}
	if c := folderCheck(t, u); !c.OK || !strings.Contains(c.Detail, "2 saved reports, each with its folder") {
		t.Fatalf("after the rebuild: %+v", c)
	}
	if err := os.RemoveAll(u.stored(a.ID).ReportPath); err != nil {
		t.Fatal(err)
	}
	if c := folderCheck(t, u); c.OK || !strings.Contains(c.Detail, "1 of 2") {
		t.Fatalf("a folder deleted by hand: %+v", c)
	}
}
