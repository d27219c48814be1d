package main

import (
	"fmt"
	"os"
	"sync"
)

// readyOnce makes Ready report only the first paint.
var readyOnce sync.Once

// Ready is called by the frontend once its first frame is painted. It
// records the start-up time in the log and, for `make bench` (BENCH_READY=1
// in the environment), prints "bench: ready" on stdout, which the benchmark
// times from the launch (bench/window.go).
func (a *App) Ready() {
	readyOnce.Do(func() {
		if a.log != nil {
			a.log.Debug("window painted")
		}
		if os.Getenv("BENCH_READY") == "1" {
			fmt.Fprintln(os.Stdout, "bench: ready")
		}
	})
}
