-- 0004: follow-up research. A job may follow up on another ("Go deeper"):
-- parent_id names it (NULL for new research; no foreign key, so deleting a
-- parent keeps its follow-ups and their thread shows the parent as gone),
-- parent_context says how the parent's context was sent (see
-- job.Context*). Every existing job is new research.

ALTER TABLE jobs ADD COLUMN parent_id      TEXT;
ALTER TABLE jobs ADD COLUMN parent_context TEXT NOT NULL DEFAULT '';

CREATE INDEX jobs_parent ON jobs (parent_id) WHERE parent_id IS NOT NULL;
