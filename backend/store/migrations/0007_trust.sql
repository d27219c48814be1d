-- 0007: promises that hold on every provider (issue 22). Each part below
-- is one change; a database written by an earlier version keeps every job,
-- report, citation and attempt.

-- Money and time per attempt (issue 22: the cost cap travels with the job,
-- an unconfirmed run keeps its reservation, the budget at send time, the
-- maximum job age per attempt).
-- queued_at: when the job's current attempt was queued (a submit or a
-- resubmit); the maximum job age of a queued job is measured from it. A
-- job written by an earlier version takes its created_at.
ALTER TABLE jobs ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0;
UPDATE jobs SET queued_at = created_at;
-- unconfirmed_reserve_usd: an attempt that ended unconfirmed and was then
-- resubmitted may still be running (and billing) at the provider: its
-- high estimate stays reserved for the month it was sent in.
ALTER TABLE attempts ADD COLUMN unconfirmed_reserve_usd REAL NOT NULL DEFAULT 0;

-- A cancelled run is billed for what it used, and a run that cannot be
-- stopped is kept (issue 22, Money: cancel). cancel_requested_at: when the
-- user cancelled a job while it ran at the provider; the job stays running
-- until the provider says how the run ended, so its cost (and, where the
-- provider cannot stop it, its report) is recorded. NULL: never.
ALTER TABLE jobs ADD COLUMN cancel_requested_at INTEGER DEFAULT NULL;

-- The estimate's history compares like with like (issue 22, Money: history
-- sharpens only comparable requests). options: the JSON job.Options an
-- attempt was sent with, '' when not known. Attempts of jobs that still
-- exist take their job's options (a resubmit keeps them); those of jobs
-- deleted before this version stay '' and are compared with none.
ALTER TABLE attempts ADD COLUMN options TEXT NOT NULL DEFAULT '';
UPDATE attempts SET options = (SELECT j.options FROM jobs j WHERE j.id = attempts.job_id)
WHERE kind = 'research' AND EXISTS (SELECT 1 FROM jobs j WHERE j.id = attempts.job_id);

-- Helper calls reserve before they are sent (issue 22, Money: ask, clarify
-- and brief reserve and settle in one write). A helper call's high estimate
-- is reserved here, under the budget rule, in the write that admits it; the
-- write that records its cost (an attempts row with the same id) deletes
-- it, and a failed call deletes it. One left by a process that died is
-- settled at its high estimate once expires_at has passed (an attempts row
-- with status unconfirmed). A new table: earlier databases have none open.
CREATE TABLE helper_reservations (
    id          TEXT    PRIMARY KEY,         -- the call's id, its attempts.job_id once settled
    kind        TEXT    NOT NULL,            -- ask | clarify | brief
    about       TEXT    NOT NULL DEFAULT '', -- the job it is about, '' for none
    provider    TEXT    NOT NULL,
    model       TEXT    NOT NULL,
    title       TEXT    NOT NULL DEFAULT '',
    high_usd    REAL    NOT NULL,            -- reserved against the monthly budget
    reserved_at INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
