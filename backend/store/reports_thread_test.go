package store

import (
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// TestMigrateFollowUpsFromV3WithData: a database at schema version 3 (the
// spend and search migrations applied to v1 data, with an attempt and a
// charge written as version 3 did) opens with every job, report, citation,
// attempt and search row kept, every job as new research, and follow-ups
// work on it at once.
func TestMigrateFollowUpsFromV3WithData(t *testing.T) {
	e, db, jobs, reports := oldSchema(t, 3)
	if _, err := db.Exec(`UPDATE jobs SET prices = '{"provider":"openai","model":"o3-deep-research","input_per_mtok":10}',
		estimate_low_usd = 1, estimate_high_usd = 4 WHERE id = 'runn0000006'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 3"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	e.st = e.open() // applies 0004 and later
	for id, want := range jobs {
		got := e.get(id)
		if got.ParentID != "" || got.ParentContext != "" {
			t.Errorf("job %s after migrating has parent %q (%q), want none", id, got.ParentID, got.ParentContext)
		}
		sameJob(t, "job "+id+" after migrating", got, want)
	}
	for id, want := range reports {
		got, err := e.st.GetReport(e.ctx, id)
		if err != nil || got.Markdown != want.Markdown || len(got.Citations) != len(want.Citations) {
			t.Errorf("report of %s after migrating: %+v, %v", id, got, err)
		}
	}
	if n := e.count(`SELECT count(*) FROM attempts`); n != 4 {
		t.Errorf("%d attempts after migrating, want the 4 of version 3", n)
	}
	if c, err := e.st.GetCharge(e.ctx, "runn0000006"); err != nil || c.EstimateHighUSD != 4 {
		t.Errorf("charge after migrating = %+v, %v", c, err)
	}
	if hits, err := hitsOf(e.st.Search(e.ctx, "matcha", SearchOptions{})); err != nil || len(hits) != 1 {
		t.Errorf("search after migrating: %v, %v", hits, err)
	}

	// A follow-up of a migrated report, and one of that: one thread.
	f1 := e.create(job.Job{Prompt: "Deeper on matcha", Provider: "openai", Model: "o3-deep-research",
		ParentID: "done0000001", ParentContext: job.ContextPrevious})
	e.clock.Advance(time.Second)
	f2 := e.create(job.Job{Prompt: "Deeper still", Provider: "openai", Model: "o3-deep-research",
		ParentID: f1.ID, ParentContext: job.ContextReport})
	if got := e.get(f2.ID); got.ParentID != f1.ID || got.ParentContext != job.ContextReport {
		t.Fatalf("follow-up read back with parent %q (%q)", got.ParentID, got.ParentContext)
	}
	th, missing, err := e.st.Thread(e.ctx, f2.ID)
	if err != nil || missing != "" || len(th) != 3 {
		t.Fatalf("Thread = %+v, %q, %v; want 3 jobs", th, missing, err)
	}
	for i, want := range []struct {
		id    string
		depth int
		usd   float64
	}{{"done0000001", 0, 1.485}, {f1.ID, 1, 0}, {f2.ID, 2, 0}} {
		if th[i].Job.ID != want.id || th[i].Depth != want.depth || th[i].CostUSD != want.usd {
			t.Errorf("thread[%d] = %s depth %d $%v, want %s depth %d $%v", i, th[i].Job.ID, th[i].Depth, th[i].CostUSD, want.id, want.depth, want.usd)
		}
	}
	e.reopen()
	if got := e.get(f1.ID); got.ParentID != "done0000001" {
		t.Errorf("after reopening the parent is %q", got.ParentID)
	}
}

// TestThreadOrderAndDeletedParent: siblings in creation order, each with
// its own follow-ups under it; a deleted root leaves its follow-ups a
// thread of their own that names the missing parent.
func TestThreadOrderAndDeletedParent(t *testing.T) {
	e := setup(t)
	root := e.create(job.Job{Prompt: "root", Status: job.Completed})
	e.clock.Advance(time.Second)
	a := e.create(job.Job{Prompt: "a", ParentID: root.ID, ParentContext: job.ContextPrevious})
	e.clock.Advance(time.Second)
	e.create(job.Job{Prompt: "b", ParentID: root.ID, ParentContext: job.ContextPrevious})
	e.clock.Advance(time.Second)
	a1 := e.create(job.Job{Prompt: "a1", ParentID: a.ID, ParentContext: job.ContextPrevious})
	th, _, err := e.st.Thread(e.ctx, root.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, j := range th {
		got = append(got, j.Job.Prompt)
	}
	if want := "root a a1 b"; strings.Join(got, " ") != want {
		t.Errorf("thread order %q, want %q", strings.Join(got, " "), want)
	}
	if err := e.st.DeleteJob(e.ctx, root.ID); err != nil {
		t.Fatal(err)
	}
	th, missing, err := e.st.Thread(e.ctx, a1.ID)
	if err != nil || missing != root.ID || len(th) != 2 || th[0].Job.ID != a.ID {
		t.Errorf("thread after deleting the root = %+v, %q, %v", th, missing, err)
	}
	if _, _, err := e.st.Thread(e.ctx, "nosuchjob"); err == nil {
		t.Error("Thread of an unknown job: no error")
	}
}
