package store

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// Run with: go test -tags sqlite_fts5 -bench . -run '^$' ./backend/store/

func BenchmarkDueJobs(b *testing.B) {
	e := setup(b)
	insertJobs(b, e.st, 1000, job.Running, e.clock.Now())
	now := e.clock.Now()
	b.ReportAllocs()
	for b.Loop() {
		js, err := e.st.DueJobs(e.ctx, now, 0)
		if err != nil || len(js) != 1000 {
			b.Fatalf("DueJobs = %d, %v", len(js), err)
		}
	}
}

func BenchmarkUpdate(b *testing.B) {
	e := setup(b)
	insertJobs(b, e.st, 100, job.Running, e.clock.Now())
	j := e.create(job.Job{Status: job.Running})
	b.ReportAllocs()
	for b.Loop() {
		_, err := e.st.Update(e.ctx, j.ID, func(c *job.Job) error {
			c.Progress.Steps++
			c.NextPollAt = c.NextPollAt.Add(time.Second)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFinish saves a 4 KB report with 20 citations (replacing the
// previous one) together with the job row.
func BenchmarkFinish(b *testing.B) {
	e := setup(b)
	j := e.create(job.Job{Status: job.Running})
	r := rand.New(rand.NewPCG(1, 2))
	rep := Report{Markdown: randomText(r, 600), Raw: []byte(strings.Repeat("x", 8<<10))}
	for i := range 20 {
		rep.Citations = append(rep.Citations, job.Citation{Index: i + 1, URL: fmt.Sprintf("https://example.com/%d", i), Title: "Source", Start: i * 10, End: i*10 + 5})
	}
	b.ReportAllocs()
	for b.Loop() {
		_, err := e.st.Finish(e.ctx, j.ID, rep, func(c *job.Job) error { c.CostUSD += 0.01; return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetJob(b *testing.B) {
	e := setup(b)
	js := insertJobs(b, e.st, 1000, job.Running, e.clock.Now())
	id := js[500].ID
	b.Run("exact", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.st.GetJob(e.ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("prefix", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.st.GetJob(e.ctx, id[:6]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// randomText is n words from a Zipf-distributed vocabulary of 5,000.
func randomText(r *rand.Rand, n int) string {
	z := rand.NewZipf(r, 1.1, 1, 4999)
	var sb strings.Builder
	for i := range n {
		if i > 0 {
			sb.WriteByte(' ')
		}
		fmt.Fprintf(&sb, "word%d", z.Uint64())
	}
	return sb.String()
}
