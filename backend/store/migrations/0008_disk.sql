-- Report folders that heal (issue 23). mirrored_version is the job version
-- its report folder (report.md + metadata.json) was last written from; a
-- job with a report whose folder is not recorded (report_path = '') or is
-- older than the row (mirrored_version < version) is due for a rewrite,
-- which the poller does when it can. Folders recorded by earlier versions
-- are taken as current (the lease holder still checks they exist).
ALTER TABLE jobs ADD COLUMN mirrored_version INTEGER NOT NULL DEFAULT 0;
UPDATE jobs SET mirrored_version = version WHERE report_path <> '';
CREATE INDEX jobs_mirror_due ON jobs (id) WHERE report_path = '' OR mirrored_version < version;

-- Imported ids are not trusted (issue 23). An imported job whose id is not
-- one Deepr makes (job.ValidID) gets a new id; origin_id keeps the id it
-- had, cleaned of control characters and cut short ('' for every other
-- job). Two jobs never come from the same origin, so importing a folder
-- again finds the job it became. Existing ids are left as they are.
ALTER TABLE jobs ADD COLUMN origin_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX jobs_origin ON jobs (origin_id) WHERE origin_id <> '';
