package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
)

// TestListAndStatusNameProviderAndModel: `deepr list` and `deepr status`
// show each job's provider and model by the display names the service
// gives (issue 24), so an Azure run is told from an OpenAI one.
func TestListAndStatusNameProviderAndModel(t *testing.T) {
	root := t.TempDir()
	st, err := store.Open(filepath.Join(root, "data", "deepr.db"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct{ id, provider, model, wantProvider, wantModel string }{
		{"openai0001", "openai", "o3-deep-research", "OpenAI", "o3 deep research"},
		{"azure00001", "azure", "team-o4-mini-dr", "Azure OpenAI", "team-o4-mini-dr (o4-mini deep research)"},
		{"gemini0001", "gemini", "deep-research-preview-04-2026", "Gemini", "Deep Research (April 2026 preview)"},
		{"perplex001", "perplexity", "sonar-deep-research", "Perplexity", "Sonar Deep Research (async API)"},
	}
	var fin []store.Finished
	for i, c := range cases {
		created := at.Add(time.Duration(i) * time.Hour)
		fin = append(fin, store.Finished{Job: job.Job{ID: c.id, Status: job.Completed, Provider: c.provider, Model: c.model,
			Prompt: "Tea on " + c.provider, CreatedAt: created, FinishedAt: &created}, Report: store.Report{Markdown: "Tea."}})
	}
	if errs, err := st.InsertFinished(context.Background(), fin); err != nil {
		t.Fatal(err)
	} else {
		for _, e := range errs {
			if e != nil {
				t.Fatal(e)
			}
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	deepr := newHome(root)
	code, out, errOut := deepr("list")
	if code != 0 {
		t.Fatalf("list: exit %d, %s", code, errOut)
	}
	if !strings.Contains(out, "PROVIDER") {
		t.Errorf("list has no provider column:\n%s", out)
	}
	for _, c := range cases {
		line := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, c.id) {
				line = l
			}
		}
		if !strings.Contains(line, c.wantProvider) || !strings.Contains(line, c.wantModel) {
			t.Errorf("list shows %s as %q, want %q and %q in it", c.id, line, c.wantProvider, c.wantModel)
		}
		code, out, errOut := deepr("status", c.id)
		want := "Model     " + c.wantModel + " on " + c.wantProvider
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("status %s: exit %d, %s\n%s\nwant the line %q", c.id, code, errOut, out, want)
		}
	}
}
