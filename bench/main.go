// Command bench is `make bench`: it measures Deepr against its targets and
// prints one table, figure beside target, and writes it into
// docs/benchmarks.md with the date and the machine.
//
// Figures:
//   - the desktop window (window.go): idle CPU and idle memory of the
//     whole process tree (WebKit's processes included) with 20 finished
//     reports, and start-up to the first painted frame with 10,000
//     reports, each against the stock Wails v2 Svelte template built on
//     this machine from `wails init -t svelte` (template.go);
//   - the Go benchmarks (gobench.go): a poll cycle over 1,000 running jobs
//     against the in-repo fake, and the library at 10,000 reports.
//
// It is a measurement, not a test: nothing here fails `make test`. Run it
// from the repository root after `make build`:
//
//	go run -tags sqlite_fts5 ./bench -app build/bin/deepr
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"
)

func main() {
	app := flag.String("app", "build/bin/deepr", "the Deepr binary to measure (built by make build)")
	cache := flag.String("cache", "build/bench", "folder for the template build and the seeded databases (kept between runs)")
	idle := flag.Duration("idle", 60*time.Second, "length of the idle window (the template uses a few tens of ms a minute: a shorter window measures the tick)")
	reports := flag.Int("reports", 10000, "reports in the library for start-up and search")
	doc := flag.String("doc", "docs/benchmarks.md", "file whose generated section receives the table (empty: print only)")
	skipGo := flag.Bool("skip-go", false, "skip the Go benchmarks (poll cycle, library)")
	skipWindow := flag.Bool("skip-window", false, "skip the window measurements")
	skipBig := flag.Bool("skip-big", false, "skip saving a big report")
	bigMB := flag.Int("big-mb", 50, "size in MB of the report whose save is measured, per provider")
	bigProfile := flag.String("big-profile", "", "folder to write each provider's allocation profile of the save into (go tool pprof)")
	child := flag.String("save-child", "", "internal: run as the child process of the big-report figure")
	flag.Parse()
	if *child != "" {
		if err := saveChild(*child); err != nil {
			fail(err)
		}
		return
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var rows []row
	logf("machine: %s", machine())
	if !*skipWindow {
		r, err := windowRows(ctx, windowConfig{app: *app, cache: *cache, idle: *idle, reports: *reports})
		if err != nil {
			fail(err)
		}
		rows = append(rows, r...)
	}
	if !*skipGo {
		r, err := goRows(ctx, *reports)
		if err != nil {
			fail(err)
		}
		rows = append(rows, r...)
	}
	if !*skipBig {
		r, err := bigReportRows(ctx, *cache, *bigMB, *bigProfile)
		if err != nil {
			fail(err)
		}
		rows = append(rows, r...)
	}
	table := render(rows)
	fmt.Print(table)
	if *doc != "" {
		if err := writeDoc(*doc, table); err != nil {
			fail(err)
		}
		logf("wrote the table into %s", filepath.Clean(*doc))
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
