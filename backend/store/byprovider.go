package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
)

// GetJobByProviderID finds the job the provider knows by providerJobID
// (for webhooks). ErrNotFound when no job has that id.
func (s *Store) GetJobByProviderID(ctx context.Context, providerJobID string) (job.Job, error) {
	pid := strings.TrimSpace(providerJobID)
	if pid == "" {
		return job.Job{}, fmt.Errorf("no provider id given: %w", ErrNotFound)
	}
	j, err := scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE provider_job_id = ?`, pid))
	if errors.Is(err, sql.ErrNoRows) {
		return job.Job{}, fmt.Errorf("provider id %q: %w", pid, ErrNotFound)
	}
	if err != nil {
		return job.Job{}, fmt.Errorf("reading job with provider id %s: %w", pid, err)
	}
	return j, nil
}
