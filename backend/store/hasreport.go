package store

import (
	"context"
	"fmt"
	"strings"
)

// HasReports tells, for each of the exact job ids, whether a report text is
// saved for it (an incomplete run may have none). Ids without a report are
// absent from the map.
func (s *Store) HasReports(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	const chunk = 500 // well under SQLite's bound-parameter limit
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		part := ids[:n]
		ids = ids[n:]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := `SELECT job_id FROM reports WHERE length(markdown) > 0 AND job_id IN (?` + strings.Repeat(",?", len(part)-1) + `)`
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("looking up saved reports: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				_ = rows.Close()
				return nil, err
			}
			out[id] = true
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
