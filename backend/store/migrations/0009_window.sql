-- The window speaks from one source (issue 25).
--
-- clarified is what the user wrote when the prompt is a research brief a
-- helper model wrote from it: JSON {question, answers: [{question, answer}]},
-- '' for every other job (and every job written before this version).
ALTER TABLE jobs ADD COLUMN clarified TEXT NOT NULL DEFAULT '';

-- key_checks remembers, per provider, the last "Test key" (when, whether it
-- passed, what it said) and since when its key is the one in force, so
-- Settings can say when a key last worked (with the runs the provider
-- accepted since, read from the jobs).
CREATE TABLE key_checks (
  provider      TEXT PRIMARY KEY,
  tested_at     INTEGER NOT NULL DEFAULT 0,  -- unix nanoseconds; 0: never tested
  test_ok       INTEGER NOT NULL DEFAULT 0,
  test_message  TEXT NOT NULL DEFAULT '',
  last_ok_at    INTEGER NOT NULL DEFAULT 0,  -- the last passed test; 0: none
  since         INTEGER NOT NULL DEFAULT 0   -- the key was set or cleared then; 0: not known
);
