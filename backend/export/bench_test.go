package export

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkExportHostile exports the hostile reports of the layout tests
// and reports each export's time and the process's peak resident memory
// during it (VmHWM, reset first; Linux), for make bench. The target: a
// report that is one 5 MB line as PDF in under 300 MiB and 30 s.
func BenchmarkExportHostile(b *testing.B) {
	_, line := words(5<<20/9, " ")
	_, cell := words(3000, " ")
	var rows, nested strings.Builder
	rows.WriteString("| n | word |\n|---|---|\n")
	for i := range 10000 {
		fmt.Fprintf(&rows, "| %d | w%06dx |\n", i, i)
	}
	for i := range 50 {
		fmt.Fprintf(&nested, "%s- item %d\n", strings.Repeat("  ", i), i)
	}
	for _, c := range []struct{ name, format, md string }{
		{"huge-line-pdf", PDF, line},
		{"huge-line-docx", DOCX, line},
		{"10000-rows-pdf", PDF, rows.String()},
		{"long-row-pdf", PDF, "| a | b | c | d |\n|---|---|---|---|\n| x | " + cell + " | y | z |\n"},
		{"nested-50-pdf", PDF, nested.String()},
	} {
		b.Run(c.name, func(b *testing.B) {
			r := sampleReport()
			r.Markdown, r.Citations = c.md, nil
			peak, secs := 0.0, 0.0
			for b.Loop() {
				debug.FreeOSMemory()                                      // what an earlier export left is not counted
				_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM to the current RSS
				start := time.Now()
				if _, err := Export(io.Discard, c.format, r); err != nil {
					b.Fatal(err)
				}
				secs = max(secs, time.Since(start).Seconds())
				peak = max(peak, float64(statusKiB("VmHWM"))/1024)
			}
			b.ReportMetric(peak, "peak-MiB")
			b.ReportMetric(secs, "s")
		})
	}
}

// statusKiB reads a field of /proc/self/status in KiB (0 when there is none).
func statusKiB(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == field+":" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}
