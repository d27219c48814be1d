package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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

// maxThreadDepth bounds the walk up a chain of parents.
const maxThreadDepth = 1000

// Thread returns the thread a job belongs to (exact id; ErrNotFound): its
// root (the parent of its parent ..., up to the first job without one or
// whose parent was deleted) and every follow-up below the root, depth
// first, each level in creation order. missingParent is the id of a
// deleted parent of the root, "" when the root is new research.
func (s *Store) Thread(ctx context.Context, id string) (jobs []ThreadJob, missingParent string, err error) {
	root, err := s.GetJob(ctx, id)
	if err != nil {
		return nil, "", err
	}
	for range maxThreadDepth {
		if root.ParentID == "" {
			break
		}
		p, err := scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, root.ParentID))
		if errors.Is(err, sql.ErrNoRows) {
			missingParent = root.ParentID
			break
		}
		if err != nil {
			return nil, "", fmt.Errorf("reading the thread of job %s: %w", id, err)
		}
		root = p
	}
	rows, err := s.db.QueryContext(ctx, `WITH RECURSIVE t(id, depth, path) AS (
			SELECT id, 0, printf('%020d', created_at) || id FROM jobs WHERE id = ?
			UNION ALL
			SELECT j.id, t.depth + 1, t.path || '/' || printf('%020d', j.created_at) || j.id
			FROM jobs j JOIN t ON j.parent_id = t.id WHERE t.depth < ?
		)
		SELECT `+jobColsJ+`, t.depth, coalesce((SELECT sum(a.cost_usd) FROM attempts a WHERE a.job_id = j.id), 0)
		FROM t JOIN jobs j ON j.id = t.id ORDER BY t.path`, root.ID, maxThreadDepth)
	if err != nil {
		return nil, "", fmt.Errorf("reading the thread of job %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var tj ThreadJob
		if tj.Job, err = scanJob(rows, &tj.Depth, &tj.CostUSD); err != nil {
			return nil, "", fmt.Errorf("reading the thread of job %s: %w", id, err)
		}
		jobs = append(jobs, tj)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("reading the thread of job %s: %w", id, err)
	}
	return jobs, missingParent, nil
}
