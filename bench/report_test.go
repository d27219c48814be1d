package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriteDocReplacesOnlyTheGeneratedSection(t *testing.T) {
	p := filepath.Join(t.TempDir(), "benchmarks.md")
	before := "# Benchmarks\n\nintro\n\n" + docBegin + "\n\nold table\n\n" + docEnd + "\n\n## Kept\n\ntext\n"
	if err := os.WriteFile(p, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	table := render([]row{{figure: "Idle CPU", value: "0.05 s", base: "0.02 s", ratio: "x2.50", target: "≤ x1.5", met: false}})
	if err := writeDoc(p, table); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	s := string(b)
	if strings.Contains(s, "old table") || !strings.Contains(s, "| Idle CPU | 0.05 s | 0.02 s | x2.50 | ≤ x1.5 | **no** |") ||
		!strings.HasPrefix(s, "# Benchmarks\n\nintro\n\n") || !strings.HasSuffix(s, "## Kept\n\ntext\n") {
		t.Errorf("doc after writeDoc:\n%s", s)
	}
	// Written twice, one section.
	if err := writeDoc(p, table); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(p)
	if n := strings.Count(string(b), docBegin); n != 1 {
		t.Errorf("%d generated sections, want 1", n)
	}
}

func TestMedianAndRatio(t *testing.T) {
	if got := median([]time.Duration{3 * time.Second, time.Second, 2 * time.Second}); got != 2*time.Second {
		t.Errorf("median = %s, want 2s", got)
	}
	if got := ratio(3, 2); got != "x1.50" {
		t.Errorf("ratio(3, 2) = %q", got)
	}
	if got := ratio(1, 0); got != "" {
		t.Errorf("ratio(1, 0) = %q, want none", got)
	}
}
