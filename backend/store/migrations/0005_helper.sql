-- 0005: the helper model. Every helper call (a clarifying question, a
-- research brief, a question about a report) costs something: it is kept
-- as an attempt row of its own kind, with its own id in job_id (never a
-- job's id) and the job it was about, so the month's spend and the budget
-- count it like research. Questions about a report and their answers are
-- kept with the report (deleted with it; what they cost stays in attempts).
-- Every existing attempt is research.

ALTER TABLE attempts ADD COLUMN kind  TEXT NOT NULL DEFAULT 'research'; -- research | ask | clarify | brief
ALTER TABLE attempts ADD COLUMN about TEXT NOT NULL DEFAULT '';         -- a helper call: the job it was about

CREATE TABLE questions (
    id         TEXT    PRIMARY KEY,                                     -- also its attempts.job_id
    job_id     TEXT    NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    question   TEXT    NOT NULL,
    answer     TEXT    NOT NULL,
    provider   TEXT    NOT NULL,
    model      TEXT    NOT NULL,
    usage      TEXT    NOT NULL DEFAULT '{}',                           -- JSON job.Usage
    cost_usd   REAL    NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE INDEX questions_job ON questions (job_id, created_at);
