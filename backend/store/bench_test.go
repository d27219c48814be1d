package store

import (
	"database/sql"
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

// BenchmarkSearch searches 10,000 reports of about 3-4 KB each.
func BenchmarkSearch(b *testing.B) {
	e := setup(b)
	r := rand.New(rand.NewPCG(3, 4))
	now := e.clock.Now()
	// Load in one transaction through the same code Finish uses.
	err := e.st.write(e.ctx, func(tx *sql.Tx) error {
		for i := range 10000 {
			fin := now.Add(-time.Duration(i) * time.Minute)
			j := job.Job{ID: fmt.Sprintf("j%05d", i), Status: job.Completed, Provider: "openai", Model: "o3-deep-research",
				Prompt: randomText(r, 12), CreatedAt: fin, UpdatedAt: fin, NextPollAt: fin, FinishedAt: &fin, Attempt: 1, Version: 1}
			args, err := jobArgs(j)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO jobs (`+jobCols+`) VALUES (`+strings.Repeat("?, ", len(args)-1)+`?)`, args...); err != nil {
				return err
			}
			if err := e.st.putReportTx(e.ctx, tx, j, Report{Markdown: randomText(r, 550)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name, q string
		o       SearchOptions
	}{
		{"two-words", "word17 word123", SearchOptions{}},
		{"common-word", "word1", SearchOptions{}},
		{"prefix", "word12*", SearchOptions{}},
		{"by-date", "word17", SearchOptions{Sort: "date"}},
		{"empty-query", "", SearchOptions{}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				hits, err := e.st.Search(e.ctx, bc.q, bc.o)
				if err != nil || len(hits) == 0 {
					b.Fatalf("Search(%q) = %d hits, %v", bc.q, len(hits), err)
				}
			}
		})
	}
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
