package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
)

// hostileIDs are ids no job may be created with (job.ValidID).
var hostileIDs = []string{"\x1b]52;c;ZXZpbA==\x07", strings.Repeat("a", 100000), "Report-A", "a/b", "..", "report_a", "abc\u202e"}

func TestCreateRefusesIDsDeeprDoesNotMake(t *testing.T) {
	e := setup(t)
	for _, id := range hostileIDs {
		_, err := e.st.CreateJob(e.ctx, job.Job{ID: id, Prompt: "p", Provider: "openai", Model: "m"})
		if err == nil || !strings.Contains(err.Error(), "not a job id Deepr makes") || len(err.Error()) > 400 {
			t.Errorf("CreateJob(id %.40q) = %.500v, want a short error saying it is not a job id Deepr makes", id, err)
		}
		errs, err := e.st.InsertFinished(e.ctx, []Finished{{Job: job.Job{ID: id, Status: job.Completed, Prompt: "p"}, Report: Report{Markdown: "x"}}})
		if err != nil || errs[0] == nil || !strings.Contains(errs[0].Error(), "not a job id Deepr makes") || errors.Is(errs[0], ErrExists) {
			t.Errorf("InsertFinished(id %.40q) = %.500v, %v; want the item refused", id, errs, err)
		}
	}
	if n := e.count(`SELECT count(*) FROM jobs`); n != 0 {
		t.Errorf("%d jobs written, want none", n)
	}
	if j := e.create(job.Job{ID: "7f9c2ba4-e88f-4d1b-9a3e-0c1d2e3f4a5b"}); j.ID != "7f9c2ba4-e88f-4d1b-9a3e-0c1d2e3f4a5b" {
		t.Errorf("a lowercase UUID became %q", j.ID)
	}
}

// TestOldRowsWithOddIDsStillWork: a database written before ids were
// checked keeps its jobs: they list, read, update and delete.
func TestOldRowsWithOddIDsStillWork(t *testing.T) {
	e := setup(t)
	for i, id := range []string{"Report-A", "report_b", "x\x1b[31mred"} {
		ok := e.create(job.Job{Status: job.Completed})
		if _, err := e.st.db.ExecContext(e.ctx, `UPDATE jobs SET id = ? WHERE id = ?`, id, ok.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.get(id); got.ID != id {
			t.Errorf("old row %d read back as %q", i, got.ID)
		}
	}
	if jobs, err := e.st.ListJobs(e.ctx, ListFilter{}); err != nil || len(jobs) != 3 {
		t.Fatalf("ListJobs = %d jobs, %v; want 3", len(jobs), err)
	}
	e.update("Report-A", func(j *job.Job) { j.Error = "touched" })
	for _, id := range []string{"Report-A", "report_b", "x\x1b[31mred"} {
		if err := e.st.DeleteJob(e.ctx, id); err != nil {
			t.Errorf("DeleteJob(%q): %v", id, err)
		}
	}
}

// TestOriginID: the id a job had where it was imported from is kept, and a
// second job from the same origin is already in the library.
func TestOriginID(t *testing.T) {
	e := setup(t)
	items := []Finished{
		{Job: job.Job{ID: "newid00001", OriginID: "Report-A", Status: job.Completed, Prompt: "a"}, Report: Report{Markdown: "x"}},
		{Job: job.Job{ID: "newid00002", OriginID: "Report-A", Status: job.Completed, Prompt: "a again"}, Report: Report{Markdown: "x"}},
		{Job: job.Job{ID: "newid00003", OriginID: "report-a", Status: job.Completed, Prompt: "b"}, Report: Report{Markdown: "x"}},
	}
	errs, err := e.st.InsertFinished(e.ctx, items)
	if err != nil || errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], ErrExists) || !strings.Contains(errs[1].Error(), "newid00001") {
		t.Fatalf("InsertFinished = %v, %v; want the second refused as already in the library as newid00001", errs, err)
	}
	if got := e.get("newid00001"); got.OriginID != "Report-A" {
		t.Errorf("origin_id = %q, want Report-A", got.OriginID)
	}
	known, err := e.st.ImportedIDs(e.ctx, []string{"Report-A", "report-a", "newid00001", "Nope"})
	if err != nil || len(known) != 3 || known["Report-A"] != "newid00001" || known["report-a"] != "newid00003" || known["newid00001"] != "newid00001" {
		t.Errorf("ImportedIDs = %v, %v", known, err)
	}
	if id, err := NewID(); err != nil || !job.ValidID(id) || len(id) != 10 {
		t.Errorf("NewID() = %q, %v", id, err)
	}
}
