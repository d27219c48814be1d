package library

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
)

// benchReports is DEEPR_BENCH_REPORTS (10000 for the documented numbers),
// else 1000 so that `make bench` stays quick.
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

// benchExport writes n reports of about 10 KB as an export folder: the
// reports go into a database through InsertFinished, then ExportAll writes
// the folders. It returns the folder and how long the export took.
func benchExport(b *testing.B, n int) (string, time.Duration) {
	st := open(b)
	r := rand.New(rand.NewPCG(7, 8))
	words := strings.Fields("heat pump hydrogen storage grid price market solar wind policy subsidy efficiency " +
		"install winter climate Norway Japan cost report study energy demand supply battery network")
	var items []store.Finished
	for i := range n {
		var md strings.Builder
		for md.Len() < 10<<10 {
			fmt.Fprintf(&md, "## Section %d\n\n", md.Len())
			for k := range 80 {
				if k > 0 {
					md.WriteByte(' ')
				}
				md.WriteString(words[r.IntN(len(words))])
			}
			md.WriteString(".\n\n")
		}
		created := t0.Add(-time.Duration(i) * time.Hour)
		fin := created.Add(20 * time.Minute)
		j := job.Job{ID: fmt.Sprintf("%05dbench", i), Status: job.Completed, Provider: "openai", Model: "o3-deep-research",
			Prompt: words[r.IntN(len(words))] + " " + words[r.IntN(len(words))], CreatedAt: created, FinishedAt: &fin, CostUSD: 1}
		cs := []job.Citation{{Index: 1, URL: "https://www.example.jp/" + strconv.Itoa(i), Title: "Source", Start: 0, End: 5}}
		items = append(items, store.Finished{Job: j, Report: store.Report{Markdown: md.String(), Citations: cs}})
	}
	if _, err := st.InsertFinished(context.Background(), items); err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(b.TempDir(), "export")
	start := time.Now()
	if _, err := ExportAll(context.Background(), st, dir); err != nil {
		b.Fatal(err)
	}
	return dir, time.Since(start)
}

// BenchmarkImport imports DEEPR_BENCH_REPORTS report folders of about
// 10 KB (default 1,000) into an empty database per iteration and prints
// reports per second; the export that made the folders is timed once.
func BenchmarkImport(b *testing.B) {
	n := benchReports(b)
	dir, took := benchExport(b, n)
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		st := open(b)
		b.StartTimer()
		start := time.Now()
		res, err := Import(context.Background(), st, dir)
		total += time.Since(start)
		if err != nil || len(res.Imported) != n {
			b.Fatalf("Import = %d imported, %d damaged, %v", len(res.Imported), len(res.Damaged), err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/total.Seconds(), "reports/s")
	b.ReportMetric(float64(n)/took.Seconds(), "export-reports/s")
}
