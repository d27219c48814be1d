package research_test

import (
	"context"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/paths"
	"github.com/deepr-desktop/deepr/backend/store"
)

// TestParentCycleThreadAndFollowUp: reports imported with parents that
// form a cycle (A follows B, B follows A) make a thread that lists each
// job once, and on every provider a follow-up of one of them is estimated
// and sent (its context is its parent alone) and joins the thread once.
func TestParentCycleThreadAndFollowUp(t *testing.T) {
	for _, prov := range providerOrder {
		t.Run(prov, func(t *testing.T) {
			p := newBudgetProc(t, nil)
			a, b := "cyclea"+prov, "cycleb"+prov
			// Another process imports them, as `deepr import` does.
			st, err := store.Open(paths.Dirs{Data: p.env["DEEPR_DATA_DIR"]}.Database())
			if err != nil {
				t.Fatal(err)
			}
			var items []store.Finished
			for i, ids := range [][2]string{{a, b}, {b, a}} {
				created := t0.Add(time.Duration(i-48) * time.Hour)
				items = append(items, store.Finished{
					Job: job.Job{ID: ids[0], ParentID: ids[1], Status: job.Completed, Provider: prov, Model: fleetModels[prov],
						Prompt: "Heat pumps, part " + ids[0], CreatedAt: created, FinishedAt: &created},
					Report: store.Report{Markdown: "Heat pumps work in the cold (" + ids[0] + ")."},
				})
			}
			errs, err := st.InsertFinished(context.Background(), items)
			st.Close()
			if err != nil || errs[0] != nil || errs[1] != nil {
				t.Fatalf("importing the cycle: %v %v", err, errs)
			}

			ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
			defer cancel()
			for _, id := range []string{a, b} {
				th, err := p.svc.Thread(ctx, id)
				if err != nil || len(th.Jobs) != 2 || th.Root != a || th.MissingParent != "" {
					t.Fatalf("Thread(%s) = root %q, %d jobs, missing %q, %v; want root %s and 2 jobs", id, th.Root, len(th.Jobs), th.MissingParent, err, a)
				}
			}

			r := request(prov, "And in Finnish winters?")
			r.ParentID = b
			res, err := p.svc.Submit(ctx, r)
			if err != nil {
				t.Fatalf("a follow-up of a job in a cycle: %v", err)
			}
			p.tick()
			if j := p.get(res.Job.ID); j.Status != job.Running || j.ParentID != b {
				t.Errorf("the follow-up is %s following %q, want running following %s", j.Status, j.ParentID, b)
			}
			if n := p.creates[prov](); n != 1 {
				t.Errorf("%d runs reached %s, want the follow-up's 1", n, prov)
			}
			th, err := p.svc.Thread(ctx, res.Job.ID)
			if err != nil || len(th.Jobs) != 3 || th.Root != a {
				t.Fatalf("the follow-up's thread: root %q, %d jobs, %v; want root %s and 3 jobs", th.Root, len(th.Jobs), err, a)
			}
			seen := map[string]bool{}
			for _, tj := range th.Jobs {
				if seen[tj.Job.ID] {
					t.Errorf("the thread lists %s twice", tj.Job.ID)
				}
				seen[tj.Job.ID] = true
			}
		})
	}
}
