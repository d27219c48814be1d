package store

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
)

// TestSearchMigrationFrom0001: a database written by the first schema,
// with reports in it, opens with every report searchable the new way:
// plain-text snippets, word forms, CJK inside sentences, source domains.
func TestSearchMigrationFrom0001(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	v1, err := migrationFS.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{string(v1), "PRAGMA user_version = 1"}
	docs := []struct{ id, prompt, md, url string }{
		{"old1", "Heat pumps in Norway", "# Heat pumps\n\nNorway's **heat pump** market grew; prices fell.", "https://www.example.jp/heat"},
		{"old2", "中文报告", "中文研究显示，氢能源很重要。", "https://news.example.cn/a"},
		{"old3", "Solar", "Solaire panels are [cheap](https://x.example).", ""},
		{"old4", "Søren Kierkegaard", "Two analyses of his reception in Łódź.", ""},
	}
	for i, d := range docs {
		stmts = append(stmts,
			fmt.Sprintf(`INSERT INTO jobs (seq, id, prompt, provider, model, status, created_at, updated_at, finished_at, next_poll_at)
				VALUES (%d, '%s', '%s', 'openai', 'o3-deep-research', 'completed', %d, %d, %d, 0)`, i+1, d.id, d.prompt, i, i, i),
			fmt.Sprintf(`INSERT INTO reports (job_id, title, markdown, created_at) VALUES ('%s', '%s', '%s', %d)`,
				d.id, d.prompt, strings.ReplaceAll(d.md, "'", "''"), i),
			// 0001's Finish indexed the markdown as it was.
			fmt.Sprintf(`INSERT INTO search (rowid, prompt, title, body) VALUES (%d, '%s', '%s', '%s')`,
				i+1, d.prompt, d.prompt, strings.ReplaceAll(d.md, "'", "''")))
		if d.url != "" {
			stmts = append(stmts, fmt.Sprintf(`INSERT INTO citations (job_id, pos, idx, url, title, start, "end")
				VALUES ('%s', 0, 1, '%s', 'Source title', 0, 3)`, d.id, d.url))
		}
	}
	// A job without a report stays out of the index.
	stmts = append(stmts, `INSERT INTO jobs (seq, id, prompt, status, created_at, updated_at, next_poll_at)
		VALUES (9, 'queued1', 'heat pumps again', 'queued', 0, 0, 0)`)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	// What the first schema found, word by word.
	words := []string{"heat", "pumps", "norway", "prices", "market", "solaire", "panels", "cheap", "two", "analyses", "kierkegaard", "søren", "łódź", "reception"}
	before := map[string][]string{}
	for _, w := range words {
		rows, err := db.Query(`SELECT j.id FROM search JOIN jobs j ON j.seq = search.rowid WHERE search MATCH ? ORDER BY j.id`, `"`+w+`"`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			before[w] = append(before[w], id)
		}
		rows.Close()
		if len(before[w]) == 0 {
			t.Fatalf("the first schema finds nothing for %q: the test's library is wrong", w)
		}
	}
	db.Close()

	st, err := Open(path)
	if err != nil {
		t.Fatalf("Open(old database): %v", err)
	}
	defer st.Close()
	e := &env{t: t, ctx: t.Context(), path: path, clock: newClock(), st: st}
	if n := e.count(`SELECT count(*) FROM search_stale`); n != 0 {
		t.Errorf("%d rows still stale after Open, want 0", n)
	}
	if n := e.count(`SELECT count(*) FROM search_text`); n != 4 {
		t.Errorf("search has %d rows, want 4 (one per report)", n)
	}
	for _, w := range words {
		got := map[string]bool{}
		for _, id := range e.searchIDs(w+" ", SearchOptions{}) {
			got[id] = true
		}
		for _, id := range before[w] {
			if !got[id] {
				t.Errorf("after the upgrade %q no longer finds %s", w, id)
			}
		}
	}
	for _, tt := range []struct{ q, want, snippet string }{
		{"heat pump ", "old1", "\x02Heat\x03 \x02pumps\x03 Norway's \x02heat\x03 \x02pump\x03 market grew; prices fell."},
		{"price", "old1", "Heat pumps Norway's heat pump market grew; \x02prices\x03 fell."},
		{"研究", "old2", "中文\x02研究\x03显示，氢能源很重要。"},
		{"example.jp", "old1", ""},
		{"solair", "old3", "\x02Solaire\x03 panels are cheap."},
		{"x.example", "", ""},
		{"analysis ", "old4", "Two \x02analyses\x03 of his reception in Łódź."},
		{"soren ", "old4", "\x02Søren\x03 Kierkegaard"},
		{"lodz ", "old4", "Two analyses of his reception in \x02Łódź\x03."},
	} {
		hits, err := hitsOf(st.Search(e.ctx, tt.q, SearchOptions{}))
		if err != nil {
			t.Fatalf("Search(%q): %v", tt.q, err)
		}
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.Job.ID)
		}
		if strings.Join(ids, ",") != tt.want {
			t.Errorf("Search(%q) = %v, want %q", tt.q, ids, tt.want)
		}
		if tt.snippet != "" && len(hits) > 0 && hits[0].Snippet != tt.snippet {
			t.Errorf("Search(%q) snippet %q, want %q", tt.q, hits[0].Snippet, tt.snippet)
		}
	}
}

// TestReindexResumes: rows left stale (a crash during the rebuild) are
// rebuilt at the next Open, and stale rows of deleted jobs are dropped.
func TestReindexResumes(t *testing.T) {
	e := setup(t)
	var ids []string
	for i := range reindexBatch + 5 {
		j := e.create(job.Job{Status: job.Running, Prompt: fmt.Sprintf("report %d", i)})
		e.finish(j.ID, Report{Markdown: "About **kumquat** farming."})
		ids = append(ids, j.ID)
	}
	// A crash during the rebuild after an upgrade: every row listed as
	// stale, half of them already out of the index.
	if _, err := e.st.db.Exec(`INSERT INTO search_stale (seq) SELECT seq FROM jobs`); err != nil {
		t.Fatal(err)
	}
	err := e.st.write(e.ctx, func(tx *sql.Tx) error {
		for seq := range int64(len(ids) / 2) {
			if err := unindexTx(e.ctx, tx, seq+1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(e.searchIDs("kumquat", SearchOptions{Limit: 1000})); got != len(ids)-len(ids)/2 {
		t.Fatalf("before the rebuild kumquat finds %d reports, want %d", got, len(ids)-len(ids)/2)
	}
	if err := e.st.DeleteJob(e.ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	e.reopen()
	if n := e.count(`SELECT count(*) FROM search_stale`); n != 0 {
		t.Errorf("%d rows still stale after Open, want 0", n)
	}
	if n := e.count(`SELECT count(*) FROM search_text WHERE body LIKE '%**%'`); n != 0 {
		t.Errorf("%d rows hold markdown, want 0", n)
	}
	if n := e.count(`SELECT count(*) FROM search_text`); n != len(ids)-1 {
		t.Errorf("%d search rows, want %d", n, len(ids)-1)
	}
	if got := len(e.searchIDs("kumquat", SearchOptions{Limit: 1000})); got != reindexBatch+4 {
		t.Errorf("kumquat finds %d reports, want %d", got, reindexBatch+4)
	}
}

// TestUnindexLeavesNoTrace: the index holds folded words the text does
// not; replacing and deleting a report removes exactly those (a wrong
// 'delete' would leave terms behind or corrupt the index).
func TestUnindexLeavesNoTrace(t *testing.T) {
	e := setup(t)
	j := e.create(job.Job{Status: job.Running, Prompt: "Søren's zygomorphic analyses"})
	e.finish(j.ID, Report{Markdown: "Zygomorphic flowers of Łódź: two analyses, criteria and phenomena."})
	if ids := e.searchIDs("zygomorphic ", SearchOptions{}); len(ids) != 1 {
		t.Fatalf("zygomorphic finds %v", ids)
	}
	if err := e.st.DeleteJob(e.ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	for _, term := range []string{"zygomorph", "soren", "lodz", "analysi", "criterion", "phenomenon"} {
		if n := e.count(`SELECT count(*) FROM search_terms WHERE term = '` + term + `'`); n != 0 {
			t.Errorf("the index still holds %q after the report was deleted", term)
		}
	}
	if _, err := e.st.db.Exec(`INSERT INTO search (search, rank) VALUES ('integrity-check', 0)`); err != nil {
		t.Errorf("integrity-check: %v", err)
	}
}
