-- 0001: jobs, reports, citations, full-text search and the poller lease.
-- Times are UTC unix nanoseconds (INTEGER); the smallest int64 stands for
-- the zero time.Time in NOT NULL columns, NULL for a nil pointer.

CREATE TABLE jobs (
    seq             INTEGER PRIMARY KEY,           -- stable rowid, the search table's rowid
    id              TEXT    NOT NULL UNIQUE,
    prompt          TEXT    NOT NULL,
    provider        TEXT    NOT NULL DEFAULT '',
    model           TEXT    NOT NULL DEFAULT '',
    options         TEXT    NOT NULL DEFAULT '{}', -- JSON job.Options
    status          TEXT    NOT NULL,
    provider_status TEXT    NOT NULL DEFAULT '',
    provider_job_id TEXT    UNIQUE,                -- NULL when empty
    attempt         INTEGER NOT NULL DEFAULT 1,
    error           TEXT    NOT NULL DEFAULT '',
    progress        TEXT    NOT NULL DEFAULT '{}', -- JSON job.Progress
    usage           TEXT    NOT NULL DEFAULT '{}', -- JSON job.Usage
    cost_usd        REAL    NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    submitted_at    INTEGER,
    finished_at     INTEGER,
    next_poll_at    INTEGER NOT NULL,
    poll_errors     INTEGER NOT NULL DEFAULT 0,
    report_path     TEXT    NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1
);

-- Due jobs: status IN (active) AND next_poll_at <= now ORDER BY next_poll_at.
CREATE INDEX jobs_due ON jobs (status, next_poll_at);
-- Listing, newest first.
CREATE INDEX jobs_created ON jobs (created_at, id);
-- Watching for changes (ListFilter.UpdatedAfter).
CREATE INDEX jobs_updated ON jobs (updated_at);
-- provider_job_id is indexed by its UNIQUE constraint.

CREATE TABLE reports (
    job_id     TEXT    PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    title      TEXT    NOT NULL,
    markdown   TEXT    NOT NULL,
    raw        BLOB,
    created_at INTEGER NOT NULL
);

CREATE TABLE citations (
    job_id TEXT    NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    pos    INTEGER NOT NULL, -- order in the report's list
    idx    INTEGER NOT NULL, -- job.Citation.Index (1-based, repeats for one source cited twice)
    url    TEXT    NOT NULL,
    title  TEXT    NOT NULL DEFAULT '',
    start  INTEGER NOT NULL,
    "end"  INTEGER NOT NULL,
    PRIMARY KEY (job_id, pos)
);

-- One row per job with a report; rowid = jobs.seq. Kept in sync by Finish
-- and DeleteJob.
CREATE VIRTUAL TABLE search USING fts5 (
    prompt, title, body,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE lease (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    holder    TEXT    NOT NULL,
    heartbeat INTEGER NOT NULL
);
