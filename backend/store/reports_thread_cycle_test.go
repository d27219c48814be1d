package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// importJobs adds finished jobs as an import does (InsertFinished, which
// keeps parent ids as they are), the i-th created i seconds after t0;
// parents[id] is the parent of id ("" for none).
func (e *env) importJobs(ids []string, parents map[string]string) {
	e.t.Helper()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	items := make([]Finished, len(ids))
	for i, id := range ids {
		created := t0.Add(time.Duration(i) * time.Second)
		items[i] = Finished{
			Job: job.Job{ID: id, Status: job.Completed, Provider: "openai", Model: "o3-deep-research",
				Prompt: "Research " + id, ParentID: parents[id], CreatedAt: created, FinishedAt: &created},
			Report: Report{Markdown: "Report of " + id},
		}
	}
	errs, err := e.st.InsertFinished(e.ctx, items)
	if err != nil {
		e.t.Fatalf("InsertFinished: %v", err)
	}
	for i, err := range errs {
		if err != nil {
			e.t.Fatalf("InsertFinished item %s: %v", ids[i], err)
		}
	}
}

// threadOf returns the thread of id as "id/depth ..." and fails the test
// when a job is listed twice.
func (e *env) threadOf(id string) (string, string) {
	e.t.Helper()
	th, missing, err := e.st.Thread(e.ctx, id)
	if err != nil {
		e.t.Fatalf("Thread(%s): %v", id, err)
	}
	seen := map[string]bool{}
	var got []string
	for _, tj := range th {
		if seen[tj.Job.ID] {
			e.t.Errorf("Thread(%s) lists job %s twice (%d jobs in all)", id, tj.Job.ID, len(th))
		}
		seen[tj.Job.ID] = true
		got = append(got, fmt.Sprintf("%s/%d", tj.Job.ID, tj.Depth))
	}
	return strings.Join(got, " "), missing
}

// TestThreadParentCycles: imported jobs whose parents form a cycle make a
// thread that lists each job once, whichever job it is asked for: its root
// is the oldest job of the cycle, and jobs that follow one of the cycle
// hang below it as usual.
func TestThreadParentCycles(t *testing.T) {
	for _, c := range []struct {
		name    string
		ids     []string // in creation order
		parents map[string]string
		want    string
	}{
		{"two jobs following each other", []string{"cyca", "cycb", "cycc"},
			map[string]string{"cyca": "cycb", "cycb": "cyca", "cycc": "cyca"},
			"cyca/0 cycb/1 cycc/1"},
		{"three jobs in a ring", []string{"ringa", "ringb", "ringc", "ringd"},
			map[string]string{"ringa": "ringc", "ringb": "ringa", "ringc": "ringb", "ringd": "ringb"},
			"ringa/0 ringb/1 ringc/2 ringd/2"},
		{"a job following itself", []string{"selfa", "selfb"},
			map[string]string{"selfa": "selfa", "selfb": "selfa"},
			"selfa/0 selfb/1"},
		{"a chain below a cycle", []string{"tailp", "tailq", "tailr", "tails"},
			map[string]string{"tailp": "tailq", "tailq": "tailp", "tailr": "tailq", "tails": "tailr"},
			"tailp/0 tailq/1 tailr/2 tails/3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := setup(t)
			e.importJobs(c.ids, c.parents)
			for _, id := range c.ids {
				got, missing := e.threadOf(id)
				if got != c.want || missing != "" {
					t.Errorf("Thread(%s) = %q, missing %q; want %q, none missing", id, got, missing, c.want)
				}
			}
		})
	}
}

// TestThreadLongChain: a chain longer than any bound the walk once had is
// listed whole, from its first job, each job once.
func TestThreadLongChain(t *testing.T) {
	e := setup(t)
	const n = 1200
	ids := make([]string, n)
	parents := map[string]string{}
	for i := range ids {
		ids[i] = fmt.Sprintf("chain%05d", i)
		if i > 0 {
			parents[ids[i]] = ids[i-1]
		}
	}
	e.importJobs(ids, parents)
	th, missing, err := e.st.Thread(e.ctx, ids[n-1])
	if err != nil || missing != "" {
		t.Fatalf("Thread of the last job: %v, missing %q", err, missing)
	}
	if len(th) != n {
		t.Fatalf("the thread of a chain of %d jobs lists %d", n, len(th))
	}
	for i, tj := range th {
		if tj.Job.ID != ids[i] || tj.Depth != i {
			t.Fatalf("thread[%d] = %s depth %d, want %s depth %d", i, tj.Job.ID, tj.Depth, ids[i], i)
		}
	}
}
