package store

import (
	"errors"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// finish completes a running job with a report through Finish.
func (e *env) finish(id string, rep Report) job.Job {
	e.t.Helper()
	now := e.clock.Now()
	j, err := e.st.Finish(e.ctx, id, rep, func(c *job.Job) error {
		c.Status = job.Completed
		c.ProviderStatus = "completed"
		c.FinishedAt = &now
		return nil
	})
	if err != nil {
		e.t.Fatalf("Finish(%s): %v", id, err)
	}
	return j
}

func (e *env) searchIDs(q string, o SearchOptions) []string {
	e.t.Helper()
	hits, err := hitsOf(e.st.Search(e.ctx, q, o))
	if err != nil {
		e.t.Fatalf("Search(%q): %v", q, err)
	}
	ids := []string{}
	for _, h := range hits {
		ids = append(ids, h.Job.ID)
	}
	return ids
}

// TestFinishAtomic: a failure anywhere in Finish leaves the job, report,
// citations and search index exactly as they were.
func TestFinishAtomic(t *testing.T) {
	e := setup(t)
	// A real SQLite failure in the middle of the transaction, after the job
	// row and the report were written: a citation the database refuses.
	if _, err := e.st.db.Exec(`CREATE TRIGGER refuse_citation BEFORE INSERT ON citations
		WHEN NEW.url = 'https://refused.example' BEGIN SELECT RAISE(ABORT, 'citation refused'); END`); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	good := Report{Title: "Kumquat", Markdown: "kumquat report", Citations: []job.Citation{{Index: 1, URL: "https://ok.example", Start: 0, End: 7}}}
	bad := good
	bad.Citations = append([]job.Citation{}, good.Citations...)
	bad.Citations = append(bad.Citations, job.Citation{Index: 2, URL: "https://refused.example", Start: 1, End: 2})
	complete := func(c *job.Job) error { c.Status = job.Completed; c.CostUSD = 9; return nil }
	tests := []struct {
		name string
		rep  Report
		fn   func(*job.Job) error
	}{
		{"citation refused by the database", bad, complete},
		{"fn error", good, func(c *job.Job) error { c.Status = job.Completed; return boom }},
		{"illegal transition", good, func(c *job.Job) error { c.Status = job.Queued; return nil }},
		{"report of another job", Report{JobID: "someone-else", Markdown: "kumquat"}, complete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.create(job.Job{Status: job.Running, Prompt: "citrus"})
			if _, err := e.st.Finish(e.ctx, before.ID, tt.rep, tt.fn); err == nil {
				t.Fatal("Finish: no error")
			}
			e.reopen()
			sameJob(t, "job after a failed Finish", e.get(before.ID), before)
			if _, err := e.st.GetReport(e.ctx, before.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("GetReport after a failed Finish: err = %v, want ErrNotFound", err)
			}
			if n := e.count(`SELECT count(*) FROM citations WHERE job_id = ?`, before.ID); n != 0 {
				t.Errorf("%d citations after a failed Finish, want 0", n)
			}
			if ids := e.searchIDs("kumquat", SearchOptions{}); len(ids) != 0 {
				t.Errorf("search finds %v after a failed Finish, want nothing", ids)
			}
		})
	}
}

// TestFinishReplacesReport: a second Finish replaces report, citations and
// the indexed text.
func TestFinishReplacesReport(t *testing.T) {
	e := setup(t)
	j := e.create(job.Job{Status: job.Running, Prompt: "fruit"})
	e.finish(j.ID, Report{Markdown: "about kumquat", Citations: []job.Citation{{Index: 1, URL: "u1"}, {Index: 2, URL: "u2"}}})
	e.clock.Advance(time.Minute)
	j2 := e.finish(j.ID, Report{Markdown: "about papaya", Citations: []job.Citation{{Index: 1, URL: "u3"}}})
	if j2.Version != 3 {
		t.Errorf("version after two Finishes = %d, want 3", j2.Version)
	}
	rep, err := e.st.GetReport(e.ctx, j.ID)
	if err != nil || rep.Markdown != "about papaya" || len(rep.Citations) != 1 || rep.Citations[0].URL != "u3" {
		t.Errorf("GetReport = %+v, %v; want the second report with one citation u3", rep, err)
	}
	if rep.Title != "fruit" {
		t.Errorf("report title = %q, want the job title %q when none is given", rep.Title, "fruit")
	}
	if ids := e.searchIDs("kumquat", SearchOptions{}); len(ids) != 0 {
		t.Errorf("old text still found: %v", ids)
	}
	if ids := e.searchIDs("papaya", SearchOptions{}); len(ids) != 1 {
		t.Errorf("new text found in %v, want one job", ids)
	}
	if n := e.count(`SELECT count(*) FROM search`); n != 1 {
		t.Errorf("search rows = %d, want 1", n)
	}
}

func TestDeleteJobCascades(t *testing.T) {
	e := setup(t)
	keep := e.create(job.Job{Status: job.Running, Prompt: "keep"})
	e.finish(keep.ID, Report{Markdown: "durian everywhere", Citations: []job.Citation{{Index: 1, URL: "k"}}})
	j := e.create(job.Job{Status: job.Running, Prompt: "delete me"})
	e.finish(j.ID, Report{Markdown: "durian report", Citations: []job.Citation{{Index: 1, URL: "a"}, {Index: 2, URL: "b"}}})
	if ids := e.searchIDs("durian", SearchOptions{}); len(ids) != 2 {
		t.Fatalf("before delete: search finds %v, want 2 jobs", ids)
	}
	if err := e.st.DeleteJob(e.ctx, j.ID); err != nil {
		t.Fatalf("DeleteJob: %v", err)
	}
	if _, err := e.st.GetJob(e.ctx, j.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetJob after delete: %v, want ErrNotFound", err)
	}
	if _, err := e.st.GetReport(e.ctx, j.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetReport after delete: %v, want ErrNotFound", err)
	}
	for table, want := range map[string]int{"reports": 1, "citations": 1, "search": 1} {
		if n := e.count(`SELECT count(*) FROM ` + table); n != want {
			t.Errorf("%s rows after delete = %d, want %d", table, n, want)
		}
	}
	if ids := e.searchIDs("durian", SearchOptions{}); len(ids) != 1 || ids[0] != keep.ID {
		t.Errorf("after delete: search finds %v, want only %s", ids, keep.ID)
	}
	if ids := e.searchIDs("", SearchOptions{}); len(ids) != 1 || ids[0] != keep.ID {
		t.Errorf("after delete: empty search lists %v, want only %s", ids, keep.ID)
	}
	if err := e.st.DeleteJob(e.ctx, j.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second DeleteJob: %v, want ErrNotFound", err)
	}
}

// hitsOf is the hits of a search page.
func hitsOf(r Results, err error) ([]Hit, error) { return r.Hits, err }
