package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
)

// ThreadJob is one job of a thread: the research it follows up on and the
// follow-ups of it.
type ThreadJob struct {
	Job job.Job `json:"job"`
	// Depth is 0 for the thread's root, 1 for its follow-ups, and so on.
	Depth int `json:"depth"`
	// CostUSD is what every ended attempt of the job cost.
	CostUSD float64 `json:"cost_usd"`
}

// Thread returns the thread a job belongs to (exact id; ErrNotFound): its
// root (the parent of its parent ..., up to the first job without one or
// whose parent was deleted) and every follow-up below the root, depth
// first, each level in creation order. missingParent is the id of a
// deleted parent of the root, "" when the root is new research.
//
// Imported jobs may name each other as parents in a cycle (A follows B,
// B follows A, or a job itself): the root is then the oldest job of the
// cycle, and every job is listed once, whichever job the thread is asked
// for.
func (s *Store) Thread(ctx context.Context, id string) (jobs []ThreadJob, missingParent string, err error) {
	start, err := s.GetJob(ctx, id)
	if err != nil {
		return nil, "", err
	}
	root, missingParent, err := s.threadRoot(ctx, start)
	if err != nil {
		return nil, "", fmt.Errorf("reading the thread of job %s: %w", id, err)
	}
	// Every job has one parent, so the walk down from the root reaches a
	// job a second time only by coming back to the root (when the root is
	// in a cycle): leaving the root out below it lists each job once, and
	// the walk ends.
	rows, err := s.db.QueryContext(ctx, `WITH RECURSIVE t(id, depth) AS (
			SELECT id, 0 FROM jobs WHERE id = ?1
			UNION ALL
			SELECT j.id, t.depth + 1 FROM jobs j JOIN t ON j.parent_id = t.id WHERE j.id <> ?1
		)
		SELECT `+jobColsJ+`, t.depth, coalesce((SELECT sum(a.cost_usd) FROM attempts a WHERE a.job_id = j.id), 0)
		FROM t JOIN jobs j ON j.id = t.id`, root.ID)
	if err != nil {
		return nil, "", fmt.Errorf("reading the thread of job %s: %w", id, err)
	}
	defer rows.Close()
	var all []ThreadJob
	for rows.Next() {
		var tj ThreadJob
		if tj.Job, err = scanJob(rows, &tj.Depth, &tj.CostUSD); err != nil {
			return nil, "", fmt.Errorf("reading the thread of job %s: %w", id, err)
		}
		all = append(all, tj)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("reading the thread of job %s: %w", id, err)
	}
	return depthFirst(root.ID, all), missingParent, nil
}

// depthFirst orders the jobs of a thread: the root, then each follow-up
// followed by its own follow-ups, siblings oldest first (by id on a tie).
func depthFirst(rootID string, all []ThreadJob) []ThreadJob {
	slices.SortFunc(all, func(a, b ThreadJob) int {
		if c := a.Job.CreatedAt.Compare(b.Job.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Job.ID, b.Job.ID)
	})
	children := map[string][]ThreadJob{}
	var out []ThreadJob
	for _, tj := range all {
		if tj.Job.ID == rootID {
			out = append(out, tj)
		} else {
			children[tj.Job.ParentID] = append(children[tj.Job.ParentID], tj)
		}
	}
	// A stack of jobs still to list, the next on top.
	var stack []ThreadJob
	push := func(id string) {
		kids := children[id]
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, kids[i])
		}
	}
	push(rootID)
	for len(stack) > 0 {
		tj := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		out = append(out, tj)
		push(tj.Job.ID)
	}
	return out
}

// threadRoot walks up from j through its parents to the root of its
// thread: the first job without a parent, or whose parent was deleted
// (missingParent is then that parent's id), or, when the parents come
// back to a job already passed, the oldest job of that cycle.
func (s *Store) threadRoot(ctx context.Context, j job.Job) (root job.Job, missingParent string, err error) {
	path := []job.Job{j}
	seen := map[string]int{j.ID: 0}
	for {
		cur := path[len(path)-1]
		if cur.ParentID == "" {
			return cur, "", nil
		}
		if i, ok := seen[cur.ParentID]; ok {
			return oldest(path[i:]), "", nil
		}
		p, err := scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, cur.ParentID))
		if errors.Is(err, sql.ErrNoRows) {
			return cur, cur.ParentID, nil
		}
		if err != nil {
			return job.Job{}, "", err
		}
		seen[p.ID] = len(path)
		path = append(path, p)
	}
}

// oldest is the job created first (the smaller id on a tie), as the
// thread's walk orders siblings.
func oldest(jobs []job.Job) job.Job {
	o := jobs[0]
	for _, j := range jobs[1:] {
		if j.CreatedAt.Before(o.CreatedAt) || (j.CreatedAt.Equal(o.CreatedAt) && j.ID < o.ID) {
			o = j
		}
	}
	return o
}
