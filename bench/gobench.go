package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// The library's figures before issue 27 moved search onto FTS5's own
// stemming and snippets (docs/benchmarks.md, 10,000 reports): the database
// was 2.83 times its report text, and import ran at 1,525 reports/s.
const (
	dbRatioBefore = 2.83
	importBefore  = 1525
)

// metrics of one benchmark line: unit -> value ("ns/op", "gets/job", ...).
type metrics map[string]float64

// goBench runs `go test -bench pattern` in pkg and returns each benchmark's
// metrics by name (without the -N suffix).
func goBench(ctx context.Context, pkg, pattern, benchtime string, env ...string) (map[string]metrics, error) {
	tags := "sqlite_fts5"
	args := []string{"test", "-tags", tags, "-run", "^$", "-bench", pattern, "-benchtime", benchtime, "-benchmem", pkg}
	logf("go %s", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go test -bench %s %s: %w\n%s", pattern, pkg, err, out.String())
	}
	res := map[string]metrics{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i]
		}
		m := metrics{}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				m[f[i+1]] = v
			}
		}
		res[name] = m
	}
	return res, nil
}

// goRows runs the poll-cycle and library benchmarks.
func goRows(ctx context.Context, reports int) ([]row, error) {
	var rows []row
	poll, err := goBench(ctx, "./backend/worker/", "PollCycle", "3x")
	if err != nil {
		return nil, err
	}
	if m, ok := poll["BenchmarkPollCycle/unchanged"]; ok {
		rows = append(rows,
			row{figure: "Poll cycle, 1,000 running jobs: provider requests per job", value: fmt.Sprintf("%.3f", m["gets/job"]), target: "exactly 1", met: m["gets/job"] == 1},
			row{figure: "Poll cycle: CPU per cycle, jobs unchanged", value: fmt.Sprintf("%.0f ms (%.0f allocs, %.1f MB)", m["cpu-ms/cycle"], m["allocs/op"], m["B/op"]/1e6), target: "–", met: true,
				note: "the in-process fake server's side of each request included"},
			row{figure: "Poll cycle: average CPU share at a 30 s interval", value: fmt.Sprintf("%.2f%% of a core", m["cpu%@30s"]), target: "< 2% of a core", met: m["cpu%@30s"] < 2,
				note: "an upper bound: includes the fake server"},
			row{figure: "Poll cycle: database commits, jobs unchanged", value: fmt.Sprintf("%.0f per cycle", m["commits/cycle"]), target: "no write per unchanged job", met: m["commits/cycle"] <= 1,
				note: "at most one: the lease renewal"},
		)
	}
	if m, ok := poll["BenchmarkPollCycle/progressing"]; ok {
		rows = append(rows, row{figure: "Poll cycle: database commits, every job's progress changed", value: fmt.Sprintf("%.0f per cycle", m["commits/cycle"]), target: "one per changed job", met: m["commits/cycle"] <= 1001,
			note: fmt.Sprintf("%.0f ms CPU per cycle", m["cpu-ms/cycle"])})
	}

	det, err := goBench(ctx, "./backend/research/", "Detection", "20x")
	if err != nil {
		return nil, err
	}
	if m, ok := det["BenchmarkDetection/polling"]; ok {
		rows = append(rows, row{figure: "Detection latency, polling every 1 s (provider done → committed + event)", value: fmt.Sprintf("max %.0f ms (p50 %.0f)", m["max-ms"], m["p50-ms"]),
			target: "≤ interval + 0.5 s (1,500 ms)", met: m["max-ms"] <= 1500, note: "20 jobs, whole process over HTTP"})
	}
	if m, ok := det["BenchmarkDetection/webhooks"]; ok {
		rows = append(rows, row{figure: "Detection latency, signed webhook", value: fmt.Sprintf("p99 %.0f ms (p50 %.0f)", m["p99-ms"], m["p50-ms"]),
			target: "p99 ≤ 1 s", met: m["p99-ms"] <= 1000, note: "20 jobs, polling an hour away"})
	}

	n := fmt.Sprintf("DEEPR_BENCH_REPORTS=%d", reports)
	lib, err := goBench(ctx, "./backend/store/", "SearchLibrary", "20x", n)
	if err != nil {
		return nil, err
	}
	for _, q := range []struct{ name, label string }{
		{"two-words", "`heat pump`"}, {"typing-prefix", "`hydro` (typing)"}, {"word-forms", "`price`"},
		{"rare-word", "`solaire`"}, {"cjk", "`研究` (CJK)"}, {"source-domain", "`example.jp` (a source's domain)"},
	} {
		m, ok := lib["BenchmarkSearchLibrary/"+q.name]
		if !ok {
			continue
		}
		rows = append(rows, row{figure: fmt.Sprintf("Search %s, %d reports of ~30 KB: p50 / p95", q.label, reports),
			value: fmt.Sprintf("%.1f / %.1f ms", m["search-p50-ms"], m["search-p95-ms"]), base: fmt.Sprintf("%.1f / %.1f ms raw FTS5", m["raw-p50-ms"], m["raw-p95-ms"]),
			ratio: fmt.Sprintf("x%.2f", m["p95-ratio"]), target: "p95 ≤ x1.5 raw FTS5", met: m["p95-ratio"] <= 1.5})
	}
	if m, ok := lib["BenchmarkSearchLibrary/list"]; ok {
		rows = append(rows, row{figure: "Library page (50 rows) and job list: p95", value: fmt.Sprintf("%.1f ms / %.1f ms", m["library-page-p95-ms"], m["listjobs-p95-ms"]), target: "–", met: true})
	}
	if m, ok := lib["BenchmarkSearchLibrary/db-size"]; ok {
		r := m["db-MB"] / m["report-text-MB"]
		rows = append(rows, row{figure: "Database size", value: fmt.Sprintf("%.0f MB", m["db-MB"]), base: fmt.Sprintf("%.0f MB of report text", m["report-text-MB"]),
			ratio: ratio(m["db-MB"], m["report-text-MB"]), target: fmt.Sprintf("≤ x%.2f (x%.2f before issue 27, +10%%)", dbRatioBefore*1.1, dbRatioBefore), met: r <= dbRatioBefore*1.1})
	}
	if m, ok := lib["BenchmarkSearchLibrary/import"]; ok {
		rows = append(rows, row{figure: fmt.Sprintf("Import of %d reports of ~30 KB (store, with the search index)", reports), value: fmt.Sprintf("%.0f reports/s", m["import-reports/s"]),
			target: "–", met: true, note: "building the search library"})
	}
	imp, err := goBench(ctx, "./backend/library/", "Import", "1x", n)
	if err != nil {
		return nil, err
	}
	if m, ok := imp["BenchmarkImport"]; ok {
		rows = append(rows, row{figure: fmt.Sprintf("Import of %d report folders (~10 KB)", reports), value: fmt.Sprintf("%.0f reports/s", m["reports/s"]),
			target: fmt.Sprintf("≥ %d reports/s (before issue 27)", importBefore), met: m["reports/s"] >= importBefore, note: fmt.Sprintf("export %.0f reports/s", m["export-reports/s"])})
	}
	exp, err := exportRows(ctx)
	return append(rows, exp...), err
}

// exportRows are the exports of hostile reports (backend/export's
// BenchmarkExportHostile): time and peak memory of each.
func exportRows(ctx context.Context) ([]row, error) {
	res, err := goBench(ctx, "./backend/export/", "ExportHostile", "1x")
	if err != nil {
		return nil, err
	}
	var rows []row
	for _, c := range []struct{ name, label string }{
		{"huge-line-pdf", "PDF export of a report that is one 5 MB line"},
		{"huge-line-docx", "DOCX export of a report that is one 5 MB line"},
		{"10000-rows-pdf", "PDF export of a 10,000-row table"},
		{"long-row-pdf", "PDF export of a table row three pages tall"},
		{"nested-50-pdf", "PDF export of lists nested 50 deep"},
	} {
		m, ok := res["BenchmarkExportHostile/"+c.name]
		if !ok {
			continue
		}
		r := row{figure: c.label + ": peak memory / time", value: fmt.Sprintf("%.0f MiB / %.1f s", m["peak-MiB"], m["s"]), target: "–", met: true,
			note: "resident memory of the whole process (VmHWM)"}
		if c.name == "huge-line-pdf" {
			r.target, r.met = "< 300 MiB, < 30 s", m["peak-MiB"] < 300 && m["s"] < 30
			r.base = "629 MiB / 21.9 s before issue 26"
		}
		rows = append(rows, r)
	}
	return rows, nil
}
