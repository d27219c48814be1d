package store

// Ids from elsewhere: the rule a new job's id must meet, and how an import
// finds the jobs it made before.

import (
	"context"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
)

// NewID returns a new job id, as CreateJob draws one (10 lowercase letters
// and digits), for a caller that must know a job's id before it is
// written: an import that replaces ids Deepr does not make.
func NewID() (string, error) { return newID() }

// checkNewID refuses an id a new job may not have (job.ValidID); the
// error quotes at most the id's first 40 bytes.
func checkNewID(id string) error {
	if job.ValidID(id) {
		return nil
	}
	shown := fmt.Sprintf("%q", id)
	if len(id) > 40 {
		shown = fmt.Sprintf("%q... (%d bytes)", id[:40], len(id))
	}
	return fmt.Errorf("the id %s is not a job id Deepr makes (1 to %d lowercase letters, digits and '-', starting with a letter or digit): leave it empty to get a new one", shown, job.MaxIDLen)
}

// ImportedIDs finds the jobs already made from ids found in imported
// files: for each key that is the id of a job (a job kept its id, or a row
// from before ids were checked) or the origin_id of one (see
// job.Job.OriginID), the id of that job. Keys found nowhere are absent.
func (s *Store) ImportedIDs(ctx context.Context, keys []string) (map[string]string, error) {
	out := map[string]string{}
	const chunk = 400
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		in := strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")
		args := make([]any, 0, 2*len(part))
		for _, k := range part {
			args = append(args, k)
		}
		args = append(args, args...)
		rows, err := s.db.QueryContext(ctx, `SELECT id, id FROM jobs WHERE id IN (`+in+`)
			UNION ALL SELECT origin_id, id FROM jobs WHERE origin_id <> '' AND origin_id IN (`+in+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("looking up imported ids: %w", err)
		}
		for rows.Next() {
			var key, id string
			if err := rows.Scan(&key, &id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("looking up imported ids: %w", err)
			}
			if _, ok := out[key]; !ok {
				out[key] = id
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("looking up imported ids: %w", err)
		}
	}
	return out, nil
}
