package main

import "os"

// prepareWebKit runs before the window exists. Deepr's pages are text,
// lists and tables: they need no GPU compositing, and WebKitGTK's
// accelerated compositing mode, entered on demand for scrolling panes and
// sticky headers, costs the web process about 100 MiB and slows the first
// frame (docs/benchmarks.md). A value the user set wins.
func prepareWebKit() {
	if _, set := os.LookupEnv("WEBKIT_DISABLE_COMPOSITING_MODE"); !set {
		_ = os.Setenv("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
	}
}
