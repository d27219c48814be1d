-- 0006: a counter of job writes. Every insert, update or delete of a job
-- adds one, in the same transaction, by trigger (so writes by any code,
-- older Deepr versions included, count). The change feed reads it to tell
-- a commit that touched jobs from one that did not (the lease renewal
-- every heartbeat), and compares job versions only after the first kind.

CREATE TABLE job_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO job_changes (id, n) VALUES (1, 0);

CREATE TRIGGER job_changes_insert AFTER INSERT ON jobs
BEGIN
    UPDATE job_changes SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER job_changes_update AFTER UPDATE ON jobs
BEGIN
    UPDATE job_changes SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER job_changes_delete AFTER DELETE ON jobs
BEGIN
    UPDATE job_changes SET n = n + 1 WHERE id = 1;
END;
