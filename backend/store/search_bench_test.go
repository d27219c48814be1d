package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/searchq"
)

// benchReports is the library size of the search benchmarks:
// DEEPR_BENCH_REPORTS (10000 for the documented numbers), else 1000 so
// that `make bench` stays quick.
func benchReports(b *testing.B) int {
	if v := os.Getenv("DEEPR_BENCH_REPORTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("DEEPR_BENCH_REPORTS=%q: want a positive number", v)
		}
		return n
	}
	return 1000
}

// vocabulary is a made-up language of n words built from syllables, so
// that prefixes spread like a real language's (unlike word1, word12, ...).
func vocabulary(r *rand.Rand, n int) []string {
	syl := []string{"ka", "to", "ri", "men", "sol", "ar", "hy", "dro", "gen", "pum", "te", "la", "vo", "ne", "stra", "bel", "qui", "or", "an", "es",
		"cor", "di", "fu", "pla", "mi", "ter", "us", "ion", "al", "ve"}
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for len(out) < n {
		k := 1 + r.IntN(4)
		var w strings.Builder
		for range k {
			w.WriteString(syl[r.IntN(len(syl))])
		}
		if s := w.String(); !seen[s] && len(s) > 2 {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// benchReport is about size bytes of markdown: headings, paragraphs of
// Zipf-distributed words with the benchmark's query words mixed in, bold,
// links and lists; one report in 20 has a Chinese paragraph.
func benchReport(r *rand.Rand, z *rand.Zipf, vocab []string, size int, cjk bool) string {
	topical := []string{"heat", "pumps", "pump", "hydrogen", "prices", "price", "storage", "solaire", "grid"}
	var b strings.Builder
	for b.Len() < size {
		fmt.Fprintf(&b, "## %s %s\n\n", vocab[z.Uint64()], vocab[z.Uint64()])
		for range 3 {
			for w := range 60 {
				if w > 0 {
					b.WriteByte(' ')
				}
				switch x := r.IntN(100); {
				case x < 2:
					b.WriteString(topical[r.IntN(len(topical))])
				case x < 4:
					fmt.Fprintf(&b, "**%s**", vocab[z.Uint64()])
				case x < 5:
					fmt.Fprintf(&b, "[%s](https://%s.example/%d)", vocab[z.Uint64()], vocab[z.Uint64()], r.IntN(1000))
				default:
					b.WriteString(vocab[z.Uint64()])
				}
			}
			b.WriteString(".\n\n")
		}
		b.WriteString("- " + vocab[z.Uint64()] + "\n- " + vocab[z.Uint64()] + "\n\n")
		if cjk {
			b.WriteString("中文研究显示，氢能源与储能的成本正在下降。东京的研究者也调查了热泵。\n\n")
		}
	}
	return b.String()
}

// benchLibrary is a database of n finished reports of about size bytes,
// loaded through InsertFinished (the import path).
func benchLibrary(b *testing.B, n, size int) *env {
	e := setup(b)
	r := rand.New(rand.NewPCG(5, 6))
	z := rand.NewZipf(r, 1.07, 2, 19999)
	vocab := vocabulary(r, 20000)
	now := e.clock.Now()
	var batch []Finished
	flush := func() {
		errs, err := e.st.InsertFinished(e.ctx, batch)
		if err != nil {
			b.Fatal(err)
		}
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		batch = batch[:0]
	}
	for i := range n {
		fin := now.Add(-time.Duration(i) * time.Hour)
		j := job.Job{ID: fmt.Sprintf("j%06d", i), Status: job.Completed, Provider: "openai", Model: "o3-deep-research",
			Prompt: vocab[z.Uint64()] + " " + vocab[z.Uint64()] + " " + vocab[z.Uint64()], CreatedAt: fin, FinishedAt: &fin}
		var cs []job.Citation
		for k := range 12 {
			host := vocab[z.Uint64()] + ".example"
			if k == 0 && i%50 == 0 {
				host = "www.example.jp"
			}
			cs = append(cs, job.Citation{Index: k + 1, URL: "https://" + host + "/" + strconv.Itoa(k), Title: vocab[z.Uint64()] + " report", Start: k, End: k + 1})
		}
		batch = append(batch, Finished{Job: j, Report: Report{Markdown: benchReport(r, z, vocab, size, i%20 == 0), Citations: cs}})
		if len(batch) == bulkBatch {
			flush()
		}
	}
	flush()
	return e
}

// percentile of sorted durations, in milliseconds.
func percentile(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return float64(s[i]) / float64(time.Millisecond)
}

// rawFTS is the baseline: the same FTS5 expression Search sends, run
// directly on the search table: bm25 order, the first 50 rows, with FTS5's
// own snippet() when snippets is set (what a search page needs) or rowids
// only.
func rawFTS(ctx context.Context, db *sql.DB, q string, snippets bool) (int, error) {
	pq, err := searchq.Parse(q)
	if err != nil {
		return 0, err
	}
	cols := "rowid, ''"
	if snippets {
		cols = "rowid, snippet(search, -1, char(2), char(3), '…', 24)"
	}
	rows, err := db.QueryContext(ctx, `SELECT `+cols+` FROM search WHERE search MATCH ? ORDER BY rank LIMIT 50`, pq.FTS(nil))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var sn string
		if err := rows.Scan(&id, &sn); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}

// BenchmarkSearchLibrary searches a library of DEEPR_BENCH_REPORTS reports
// of about 30 KB (default 1,000) and times every query against the raw
// FTS5 query on the same database, side by side (see rawFTS). It prints
// percentiles (ms), the p95 ratio, the list query's percentiles and the
// database size.
func BenchmarkSearchLibrary(b *testing.B) {
	n := benchReports(b)
	start := time.Now()
	e := benchLibrary(b, n, 30<<10)
	built := time.Since(start)
	b.Logf("built %d reports of ~30 KB in %s", n, built.Round(time.Millisecond))
	b.Run("import", func(b *testing.B) {
		for b.Loop() {
		}
		b.ReportMetric(float64(n)/built.Seconds(), "import-reports/s")
	})
	for _, bc := range []struct{ name, q string }{
		{"two-words", "heat pump "},
		{"typing-prefix", "hydro"},
		{"word-forms", "price "},
		{"rare-word", "solaire "},
		{"cjk", "研究"},
		{"source-domain", "example.jp "},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var ours, raw, ids []time.Duration
			for b.Loop() {
				t := time.Now()
				hits, err := hitsOf(e.st.Search(e.ctx, bc.q, SearchOptions{}))
				ours = append(ours, time.Since(t))
				if err != nil || len(hits) == 0 {
					b.Fatalf("Search(%q) = %d hits, %v", bc.q, len(hits), err)
				}
				t = time.Now()
				if _, err := rawFTS(e.ctx, e.st.db, bc.q, true); err != nil {
					b.Fatalf("raw FTS5 %q: %v", bc.q, err)
				}
				raw = append(raw, time.Since(t))
				t = time.Now()
				if _, err := rawFTS(e.ctx, e.st.db, bc.q, false); err != nil {
					b.Fatalf("raw FTS5 %q: %v", bc.q, err)
				}
				ids = append(ids, time.Since(t))
			}
			b.ReportMetric(percentile(ours, 0.5), "search-p50-ms")
			b.ReportMetric(percentile(ours, 0.95), "search-p95-ms")
			b.ReportMetric(percentile(raw, 0.5), "raw-p50-ms")
			b.ReportMetric(percentile(raw, 0.95), "raw-p95-ms")
			b.ReportMetric(percentile(ours, 0.95)/percentile(raw, 0.95), "p95-ratio")
			b.ReportMetric(percentile(ids, 0.95), "raw-ids-p95-ms")
		})
	}
	b.Run("list", func(b *testing.B) {
		var lib, list []time.Duration
		for b.Loop() {
			t := time.Now()
			if hits, err := hitsOf(e.st.Search(e.ctx, "", SearchOptions{Offset: 200})); err != nil || len(hits) != min(50, max(n-200, 0)) {
				b.Fatalf("library page = %d, %v", len(hits), err)
			}
			lib = append(lib, time.Since(t))
			t = time.Now()
			if _, err := e.st.ListJobs(e.ctx, ListFilter{Limit: 50, Offset: 200}); err != nil {
				b.Fatal(err)
			}
			list = append(list, time.Since(t))
		}
		b.ReportMetric(percentile(lib, 0.5), "library-page-p50-ms")
		b.ReportMetric(percentile(lib, 0.95), "library-page-p95-ms")
		b.ReportMetric(percentile(list, 0.95), "listjobs-p95-ms")
	})
	b.Run("db-size", func(b *testing.B) {
		for b.Loop() {
		}
		if _, err := e.st.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			b.Fatal(err)
		}
		size := int64(0)
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if fi, err := os.Stat(e.path + suffix); err == nil {
				size += fi.Size()
			}
		}
		var text int64
		if err := e.st.db.QueryRow(`SELECT sum(length(CAST(markdown AS BLOB))) FROM reports`).Scan(&text); err != nil {
			b.Fatal(err)
		}
		b.Logf("database %s: %.1f MB on disk for %.1f MB of report text (%d reports)", filepath.Base(e.path),
			float64(size)/(1<<20), float64(text)/(1<<20), n)
		b.ReportMetric(float64(size)/(1<<20), "db-MB")
		b.ReportMetric(float64(text)/(1<<20), "report-text-MB")
	})
}
