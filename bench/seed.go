package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/store"
)

// seed makes a data folder whose database holds n finished reports of
// about 4 KB (headings, paragraphs, a list, 8 citations), with their report
// folders written as the app writes them (so the start-up check finds them
// complete), once: it is kept in cache and reused while its stamp file
// says n.
func seed(ctx context.Context, cache string, n int) (string, error) {
	dir, err := filepath.Abs(filepath.Join(cache, fmt.Sprintf("data-%d", n)))
	if err != nil {
		return "", err
	}
	stamp := filepath.Join(dir, ".seeded")
	if b, err := os.ReadFile(stamp); err == nil && strings.TrimSpace(string(b)) == fmt.Sprint(n) {
		return dir, nil
	}
	_ = os.RemoveAll(dir)
	logf("seeding %d reports into %s", n, dir)
	st, err := store.Open(filepath.Join(dir, "deepr.db"))
	if err != nil {
		return "", err
	}
	defer st.Close()
	now := time.Now().UTC()
	topics := []string{"heat pumps in cold climates", "hydrogen storage", "solar subsidies", "tea markets in China", "battery recycling", "grid-scale storage", "urban cycling", "coffee prices"}
	var batch []store.Finished
	flush := func() error {
		errs, err := st.InsertFinished(ctx, batch)
		if err != nil {
			return err
		}
		for _, e := range errs {
			if e != nil {
				return e
			}
		}
		batch = batch[:0]
		return nil
	}
	for i := range n {
		fin := now.Add(-time.Duration(i) * time.Hour)
		sub := fin.Add(-20 * time.Minute)
		topic := topics[i%len(topics)]
		j := job.Job{ID: fmt.Sprintf("bench%06d", i), Status: job.Completed, Provider: "openai", Model: "o4-mini-deep-research",
			Prompt: fmt.Sprintf("Research %s, report %d", topic, i), CreatedAt: sub, SubmittedAt: &sub, FinishedAt: &fin,
			ProviderJobID: fmt.Sprintf("resp_bench%06d", i)}
		var cs []job.Citation
		for k := range 8 {
			cs = append(cs, job.Citation{Index: k + 1, URL: fmt.Sprintf("https://source%d.example/%d", k, i), Title: fmt.Sprintf("Source %d on %s", k+1, topic), Start: k * 10, End: k*10 + 5})
		}
		j.ReportPath = filepath.Join(dir, mirror.RelDir(j))
		rep := store.Report{Markdown: benchMarkdown(topic, i), Citations: cs}
		if _, err := mirror.Write(dir, j, rep); err != nil {
			return "", err
		}
		batch = append(batch, store.Finished{Job: j, Report: rep})
		if len(batch) == 500 {
			if err := flush(); err != nil {
				return "", err
			}
		}
	}
	if err := flush(); err != nil {
		return "", err
	}
	return dir, os.WriteFile(stamp, []byte(fmt.Sprint(n)), 0o644)
}

func benchMarkdown(topic string, i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s (%d)\n\n", topic, i)
	for s := 1; s <= 4; s++ {
		fmt.Fprintf(&b, "## Section %d\n\n", s)
		for p := 0; p < 3; p++ {
			fmt.Fprintf(&b, "Findings on %s: the evidence from field studies and market data points to steady change, with **costs** falling and adoption rising in most regions [%d]. ", topic, p+1)
			b.WriteString("Measurements vary by season and by site; the sources disagree on the size of the effect but agree on its direction.\n\n")
		}
		b.WriteString("- first point\n- second point\n- third point\n\n")
	}
	return b.String()
}
