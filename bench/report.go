package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// row is one figure of the table.
type row struct {
	figure string // what is measured
	value  string // Deepr's number
	base   string // the template's number, or the raw query's; "" when none
	ratio  string // value / base, "" when none
	target string
	met    bool
	note   string // why it is missed, or how it was measured
}

// render prints the rows as a Markdown table headed by the date and the machine.
func render(rows []row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %s.\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), machine())
	b.WriteString("| Figure | Deepr | Baseline | Ratio | Target | Met | Notes |\n|---|---:|---:|---:|---|:---:|---|\n")
	for _, r := range rows {
		met := "yes"
		if !r.met {
			met = "**no**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.figure, r.value, dash(r.base), dash(r.ratio), r.target, met, r.note)
	}
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// machine names the cores and memory of this machine.
func machine() string {
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		for _, line := range strings.Split(string(b), "\n") {
			if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil {
				mem = fmt.Sprintf(", %.1f GiB memory", float64(kb)/(1<<20))
				break
			}
		}
	}
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = " (" + strings.TrimSpace(v) + ")"
				break
			}
		}
	}
	return fmt.Sprintf("%d cores%s%s, %s/%s, %s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// Markers around the generated part of docs/benchmarks.md.
const (
	docBegin = "<!-- make bench: begin (generated, do not edit by hand) -->"
	docEnd   = "<!-- make bench: end -->"
)

// writeDoc replaces the generated section of path with table, or appends
// one when the file has none.
func writeDoc(path, table string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	section := docBegin + "\n\n" + table + "\n" + docEnd
	i, j := strings.Index(s, docBegin), strings.Index(s, docEnd)
	if i >= 0 && j > i {
		s = s[:i] + section + s[j+len(docEnd):]
	} else {
		s = strings.TrimRight(s, "\n") + "\n\n## `make bench`\n\n" + section + "\n"
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

func ratio(a, b float64) string {
	if b <= 0 {
		return ""
	}
	return fmt.Sprintf("x%.2f", a/b)
}
