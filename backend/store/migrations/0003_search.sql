-- 0003: search that finds what people type. The search table gains the
-- report as plain text (body), the cited sources' titles and domains
-- (sources) and CJK bigrams (cjk), plus prefix indexes for search as one
-- types. SQL alone cannot strip markdown or cut bigrams, so the rows are
-- filled here from what SQL can read (every report stays searchable at
-- once) and listed in search_stale; Open rebuilds those rows in Go.

DROP TABLE search;

CREATE VIRTUAL TABLE search USING fts5 (
    prompt, title, body, sources, cjk,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

INSERT INTO search (rowid, prompt, title, body, sources, cjk)
SELECT j.seq, j.prompt, r.title, r.markdown,
       coalesce((SELECT group_concat(c.title || ' ' || c.url, char(10)) FROM citations c WHERE c.job_id = j.id), ''),
       ''
FROM jobs j JOIN reports r ON r.job_id = j.id;

-- Search rows that still need rebuilding in Go (rowid = jobs.seq).
CREATE TABLE search_stale (
    seq INTEGER PRIMARY KEY
);

INSERT INTO search_stale (seq)
SELECT j.seq FROM jobs j JOIN reports r ON r.job_id = j.id;
