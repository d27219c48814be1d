package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
)

// libraryHome is a data folder with three reports on heat pumps and one
// on coffee.
func libraryHome(t *testing.T) runCLI {
	t.Helper()
	root := t.TempDir()
	st, err := store.Open(filepath.Join(root, "data", "deepr.db"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	var fs []store.Finished
	for i, md := range []string{
		"# Heat pumps in Norway\n\nCold-climate heat pumps keep their efficiency.",
		"# Heat pump prices\n\nPrices of heat pumps fell.",
		"# District heating\n\nHeat networks and large heat pumps.",
		"# Coffee prices in 2025\n\nArabica prices rose.",
	} {
		fin := at.Add(time.Duration(i) * time.Hour)
		fs = append(fs, store.Finished{Job: job.Job{ID: fmt.Sprintf("lib%07d", i), Status: job.Completed, Provider: "openai", Model: "o3-deep-research",
			Prompt: strings.TrimPrefix(strings.SplitN(md, "\n", 2)[0], "# "), CreatedAt: fin, FinishedAt: &fin}, Report: store.Report{Markdown: md}})
	}
	if errs, err := st.InsertFinished(context.Background(), fs); err != nil || errs[0] != nil {
		t.Fatalf("InsertFinished = %v, %v", errs, err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return newHome(root)
}

func TestSearchPagesWithTotal(t *testing.T) {
	deepr := libraryHome(t)
	code, stdout, stderr := deepr("search", "--json", "--limit", "2", "--offset", "1", "heat")
	var got struct {
		Total  int `json:"total"`
		Offset int `json:"offset"`
		Hits   []struct {
			ID      string `json:"id"`
			Snippet string `json:"snippet"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); code != 0 || err != nil {
		t.Fatalf("deepr search --json = %d, %v:\n%s%s", code, err, stdout, stderr)
	}
	if got.Total != 3 || got.Offset != 1 || len(got.Hits) != 2 {
		t.Errorf("deepr search --json --limit 2 --offset 1 heat = total %d, offset %d, %d hits; want 3, 1, 2", got.Total, got.Offset, len(got.Hits))
	}
	_, stdout, stderr = deepr("search", "--limit", "2", "heat")
	if strings.Count(stdout, "lib") != 2 || !strings.Contains(stderr, "1-2 of 3 reports") || !strings.Contains(stderr, "--offset 2") {
		t.Errorf("deepr search --limit 2 heat:\n%s%s\nwant 2 hits, \"1-2 of 3 reports\" and how to see the next", stdout, stderr)
	}
	if code, _, _ := deepr("search", "--offset", "-1", "heat"); code != exitUsage {
		t.Errorf("deepr search --offset -1: exit %d, want a usage error", code)
	}
}

func TestSimilarAndSubmitNameACloseMatch(t *testing.T) {
	deepr := libraryHome(t)
	code, stdout, stderr := deepr("similar", "--json", "What do we know about heat pumps in cold climates?")
	var got []struct {
		Job     job.Job  `json:"job"`
		Matched []string `json:"matched"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); code != 0 || err != nil || len(got) == 0 {
		t.Fatalf("deepr similar --json = %d, %v:\n%s%s", code, err, stdout, stderr)
	}
	if got[0].Job.ID != "lib0000000" || !strings.Contains(strings.Join(got[0].Matched, " "), "cold") {
		t.Errorf("deepr similar: first %s matched %q; want lib0000000 matched on cold", got[0].Job.ID, got[0].Matched)
	}
	_, stdout, _ = deepr("similar", "Market outlook for electric scooters")
	if !strings.Contains(stdout, "No saved report") {
		t.Errorf("deepr similar on another subject:\n%s\nwant none", stdout)
	}
	_, _, stderr = deepr("submit", "--dry-run", "What do we know about heat pumps in cold climates?")
	if !strings.Contains(stderr, "you researched this before: lib0000000") || !strings.Contains(stderr, "matched: ") {
		t.Errorf("deepr submit --dry-run stderr:\n%s\nwant a note naming lib0000000 and the words that matched", stderr)
	}
	_, _, stderr = deepr("submit", "--dry-run", "Market outlook for electric scooters")
	if strings.Contains(stderr, "researched this before") {
		t.Errorf("deepr submit on another subject named a match:\n%s", stderr)
	}
}
