-- What AI assistants spend (issue 29, `deepr mcp`). via says through which
-- face a paid request came: '' for the window and the CLI (every row an
-- earlier version wrote), 'assistant' for an MCP client. A job keeps it
-- (jobs.via), each attempt it ends records it (attempts.via) and a helper
-- call carries it from its reservation to its attempt row, so the spend
-- view and `deepr costs` show what assistants spent, also after a delete.
ALTER TABLE jobs ADD COLUMN via TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN via TEXT NOT NULL DEFAULT '';
ALTER TABLE helper_reservations ADD COLUMN via TEXT NOT NULL DEFAULT '';
