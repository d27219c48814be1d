-- 0002: spend. What each job was submitted under (the prices in force, its
-- estimate and its optional cost cap), one row per ended attempt so a
-- resubmit or a delete never erases what was paid, and the month each
-- once-a-month notice was last sent. Times as in 0001.

ALTER TABLE jobs ADD COLUMN prices            TEXT NOT NULL DEFAULT '{}'; -- JSON cost.Prices at submission
ALTER TABLE jobs ADD COLUMN estimate_low_usd  REAL NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN estimate_high_usd REAL NOT NULL DEFAULT 0;    -- reserved while the job is active
ALTER TABLE jobs ADD COLUMN max_cost_usd      REAL;                       -- NULL: no per-job cap

-- No foreign key on purpose: deleting a job keeps what its attempts cost.
CREATE TABLE attempts (
    job_id      TEXT    NOT NULL,
    attempt     INTEGER NOT NULL,
    provider    TEXT    NOT NULL,
    model       TEXT    NOT NULL,
    title       TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL,              -- how the attempt ended
    cost_usd    REAL    NOT NULL DEFAULT 0,
    usage       TEXT    NOT NULL DEFAULT '{}', -- JSON job.Usage
    started_at  INTEGER,                       -- submitted_at; NULL if the provider never confirmed it
    finished_at INTEGER NOT NULL,
    PRIMARY KEY (job_id, attempt)
);

-- A month's spend: finished_at in [start, end).
CREATE INDEX attempts_finished ON attempts (finished_at);

CREATE TABLE notices (
    key     TEXT    PRIMARY KEY, -- which notice, e.g. budget-80
    month   TEXT    NOT NULL,    -- YYYY-MM (UTC) it was last sent for
    sent_at INTEGER NOT NULL
);

-- Jobs that already ended keep the cost of their current attempt (earlier
-- attempts' costs were not kept before this version).
INSERT INTO attempts (job_id, attempt, provider, model, title, status, cost_usd, usage, started_at, finished_at)
SELECT j.id, j.attempt, j.provider, j.model, COALESCE(r.title, ''), j.status, j.cost_usd, j.usage,
       j.submitted_at, COALESCE(j.finished_at, j.updated_at)
FROM jobs j LEFT JOIN reports r ON r.job_id = j.id
WHERE j.status IN ('completed', 'incomplete', 'failed', 'cancelled', 'unconfirmed')
  AND (j.cost_usd > 0 OR j.provider_job_id IS NOT NULL OR j.submitted_at IS NOT NULL OR j.status = 'unconfirmed');
