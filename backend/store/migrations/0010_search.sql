-- 0009: search on what FTS5 does itself. The word columns are stemmed by
-- FTS5's porter tokenizer, and hold the text folded by searchq.Fold, while
-- snippet() and highlight() read the text as written from search_text (an
-- external content table: FTS5 keeps only the index). The rows cannot be
-- folded in SQL, so every report is listed in search_stale and indexed in
-- Go when the database is opened (Store.reindexStale): the reports, their
-- questions and citations are all kept, only the index is rebuilt.

DROP TABLE search;

-- The text of each search row as written (seq = jobs.seq). The cjk column
-- stays empty: its bigrams are derived from the other columns whenever
-- they are needed. A row is here exactly when the job is in the index.
CREATE TABLE search_text (
    seq     INTEGER PRIMARY KEY,
    prompt  TEXT NOT NULL DEFAULT '',
    title   TEXT NOT NULL DEFAULT '',
    body    TEXT NOT NULL DEFAULT '',
    sources TEXT NOT NULL DEFAULT '',
    cjk     TEXT NOT NULL DEFAULT ''
);

-- The report text comes first: snippet(search, -1, ...) takes the first
-- column of the best score, so a report's own words are shown before its
-- sources, prompt or title.
CREATE VIRTUAL TABLE search USING fts5 (
    body, sources, prompt, title, cjk,
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '2 3',
    content = 'search_text',
    content_rowid = 'seq'
);

-- The index's terms (stems), to complete a word being typed.
CREATE VIRTUAL TABLE search_terms USING fts5vocab (search, row);

DELETE FROM search_stale;
INSERT INTO search_stale (seq)
SELECT j.seq FROM jobs j JOIN reports r ON r.job_id = j.id;
