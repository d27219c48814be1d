package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/store"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func open(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "deepr.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	st.Now = func() time.Time { return t0 }
	t.Cleanup(func() { st.Close() })
	return st
}

// finished adds a finished job with a report to st.
func finished(t testing.TB, st *store.Store, j job.Job, rep store.Report) job.Job {
	t.Helper()
	status := j.Status
	j.Status = job.Running
	j, err := st.CreateJob(context.Background(), j)
	if err != nil {
		t.Fatalf("CreateJob: %v", err)
	}
	fin := j.CreatedAt.Add(20 * time.Minute)
	j, err = st.Finish(context.Background(), j.ID, rep, func(c *job.Job) error {
		c.Status, c.FinishedAt, c.CostUSD, c.ProviderStatus = status, &fin, 0.75, string(status)
		c.Usage = job.Usage{InputTokens: 100, OutputTokens: 2000, WebSearchCalls: 4}
		return nil
	})
	if err != nil {
		t.Fatalf("Finish: %v", err)
	}
	return j
}

// sampleLibrary fills st with reports in several scripts, with and without
// citations, and one job that has no report.
func sampleLibrary(t testing.TB, st *store.Store) []job.Job {
	docs := []struct {
		prompt, md string
		status     job.Status
		cites      []job.Citation
	}{
		{"Heat pumps in cold climates", "# Heat pumps\n\nThey work at **-25 °C** ([example.jp](https://www.example.jp/hp)).\n\n| Model | COP |\n|---|---|\n| A | 3.1 |",
			job.Completed, []job.Citation{{Index: 1, URL: "https://www.example.jp/hp", Title: "Cold-climate study", Start: 35, End: 69}}},
		{"Русский отчёт о чае", "Чай пришёл в Россию в XVII веке.", job.Completed, nil},
		{"中文研究报告", "中文研究显示，氢能源很重要。\n\n- 一\n- 二", job.Incomplete,
			[]job.Citation{{Index: 1, URL: "https://news.example.cn/a", Title: "新闻", Start: 0, End: 4}, {Index: 2, URL: "https://b.example", Title: "B", Start: 5, End: 6}}},
		{"日本語: 東京タワー [test] *stars*", "東京タワーの高さは333メートルです。🍵", job.Completed, nil},
		{"Prices of solar panels", "Solaire prices fell.\n\n---\n\nA rule above, trailing text.", job.Completed, nil},
	}
	var out []job.Job
	for i, d := range docs {
		j := finished(t, st, job.Job{Prompt: d.prompt, Provider: "openai", Model: "o3-deep-research",
			Status: d.status, CreatedAt: t0.Add(-time.Duration(i+1) * 24 * time.Hour)},
			store.Report{Markdown: d.md, Citations: d.cites})
		out = append(out, j)
	}
	if _, err := st.CreateJob(context.Background(), job.Job{Prompt: "still queued", Model: "o3-deep-research"}); err != nil {
		t.Fatal(err)
	}
	return out
}

// searchAll is the ids and snippets of a few searches.
func searchAll(t *testing.T, st *store.Store) string {
	var b strings.Builder
	for _, q := range []string{"heat pump", "чай", "研究", "東京", "price", "example.jp", "solair", ""} {
		hits, err := hitsOf(st.Search(context.Background(), q, store.SearchOptions{}))
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		fmt.Fprintf(&b, "%q:", q)
		for _, h := range hits {
			fmt.Fprintf(&b, " %s=%q", h.Job.ID, h.Snippet)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := open(t)
	jobs := sampleLibrary(t, src)
	dir := filepath.Join(t.TempDir(), "export")

	res, err := ExportAll(ctx, src, dir)
	if err != nil {
		t.Fatalf("ExportAll: %v", err)
	}
	if len(res.Reports) != len(jobs) {
		t.Fatalf("exported %d reports, want %d", len(res.Reports), len(jobs))
	}
	var ix Index
	b, err := os.ReadFile(filepath.Join(dir, IndexJSON))
	if err != nil || json.Unmarshal(b, &ix) != nil || ix.Format != 1 || len(ix.Reports) != len(jobs) || !ix.ExportedAt.Equal(t0) {
		t.Fatalf("index.json = %s, %v", b, err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, IndexMarkdown))
	for _, e := range ix.Reports {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(e.Folder), mirror.ReportFile)); err != nil {
			t.Errorf("index entry %s: %v", e.Folder, err)
		}
		if !strings.Contains(string(md), "(<"+e.Folder+"/report.md>)") {
			t.Errorf("index.md has no link to %s:\n%s", e.Folder, md)
		}
	}
	if !strings.Contains(string(md), `日本語: 東京タワー \[test\] \*stars\*`) {
		t.Errorf("index.md does not escape titles:\n%s", md)
	}

	dst := open(t)
	got, err := Import(ctx, dst, dir)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if len(got.Imported) != len(jobs) || len(got.Skipped) != 0 || len(got.Damaged) != 0 {
		t.Fatalf("Import = %+v, want %d imported", got, len(jobs))
	}
	for _, j := range jobs {
		a, err := dst.GetJob(ctx, j.ID)
		if err != nil {
			t.Fatalf("imported job %s: %v", j.ID, err)
		}
		want := j
		want.Version, want.UpdatedAt, want.ReportPath = 1, t0, ""
		if aj, wj := mustJSON(a), mustJSON(want); aj != wj {
			t.Errorf("job %s after the round trip:\n got %s\nwant %s", j.ID, aj, wj)
		}
		r1, _ := src.GetReport(ctx, j.ID)
		r2, err := dst.GetReport(ctx, j.ID)
		if err != nil || r1.Title != r2.Title || r1.Markdown != r2.Markdown || !reflect.DeepEqual(r1.Citations, r2.Citations) {
			t.Errorf("report %s after the round trip:\n got %+v (%v)\nwant %+v", j.ID, r2, err, r1)
		}
	}
	if a, b := searchAll(t, src), searchAll(t, dst); a != b {
		t.Errorf("search results differ after the round trip:\n got %s\nwant %s", b, a)
	}

	// Importing again skips every report and changes nothing.
	again, err := Import(ctx, dst, dir)
	if err != nil || len(again.Imported) != 0 || len(again.Skipped) != len(jobs) || len(again.Damaged) != 0 {
		t.Fatalf("second Import = %+v, %v; want all skipped", again, err)
	}
	if !strings.Contains(again.Skipped[0].Reason, "already in the library") {
		t.Errorf("skip reason %q", again.Skipped[0].Reason)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestImportTodaysMirror: a folder as today's mirror writes it (job JSON
// plus title and citations) imports, from the folder, its reports/ parent
// or the data folder above it.
func TestImportTodaysMirror(t *testing.T) {
	ctx := context.Background()
	for _, dir := range []string{"testdata/mirror", "testdata/mirror/reports", "testdata/mirror/reports/2025-05-01_history-of-tea_k3j9x0qa"} {
		st := open(t)
		res, err := Import(ctx, st, dir)
		if err != nil || len(res.Imported) != 1 || res.Imported[0].JobID != "k3j9x0qa7z" {
			t.Fatalf("Import(%s) = %+v, %v", dir, res, err)
		}
		j, _ := st.GetJob(ctx, "k3j9x0qa7z")
		if j.Status != job.Completed || j.CostUSD != 1.5 || j.ProviderJobID != "resp_68a1" || j.Usage.WebSearchCalls != 5 ||
			!j.CreatedAt.Equal(time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)) || j.ReportPath != "" {
			t.Errorf("imported job = %+v", j)
		}
		rep, _ := st.GetReport(ctx, j.ID)
		if rep.Markdown != "Tea came to Europe [1] and [2]; again [1]." || len(rep.Citations) != 3 || rep.Citations[0].Title != "B [brackets]" {
			t.Errorf("imported report = %+v", rep)
		}
		if hits, _ := hitsOf(st.Search(ctx, "europe", store.SearchOptions{})); len(hits) != 1 {
			t.Errorf("the imported report is not searchable: %v", hits)
		}
	}
}

func TestImportDamaged(t *testing.T) {
	ctx := context.Background()
	src := open(t)
	good := finished(t, src, job.Job{Prompt: "Good one", Model: "m", Status: job.Completed}, store.Report{Markdown: "kumquat text"})
	dir := t.TempDir()
	if _, err := mirror.Write(dir, good, store.Report{Markdown: "kumquat text"}); err != nil {
		t.Fatal(err)
	}
	meta := func(mut func(m map[string]any)) string {
		m := map[string]any{"id": "x", "status": "completed", "prompt": "p", "created_at": "2025-01-01T00:00:00Z", "title": "t", "citations": []any{}}
		mut(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	cases := []struct {
		folder, metadata, report, reason string
	}{
		{"bad-json", `{"id": "a1", `, "text", "metadata.json is not valid JSON"},
		{"no-id", meta(func(m map[string]any) { delete(m, "id") }), "text", `metadata.json has no "id"`},
		{"no-status", meta(func(m map[string]any) { m["id"] = "b1"; delete(m, "status") }), "text", `has no "status"`},
		{"bad-status", meta(func(m map[string]any) { m["id"] = "b2"; m["status"] = "done" }), "text", `unknown status "done"`},
		{"running", meta(func(m map[string]any) { m["id"] = "b3"; m["status"] = "running" }), "text", "only completed or incomplete"},
		{"no-prompt", meta(func(m map[string]any) { m["id"] = "b4"; m["prompt"] = " " }), "text", `has no "prompt"`},
		{"no-created", meta(func(m map[string]any) { m["id"] = "b5"; delete(m, "created_at") }), "text", `has no "created_at"`},
		{"wrong-type", meta(func(m map[string]any) { m["id"] = "b6"; m["cost_usd"] = "lots" }), "text", "not valid JSON"},
		{"binary-report", meta(func(m map[string]any) { m["id"] = "b7" }), "\x00\x01PNG\xff", "report.md is not text"},
		{"no-report", meta(func(m map[string]any) { m["id"] = "b8" }), "", "report.md is missing"},
		{"no-metadata", "", "just a report", "metadata.json is missing"},
	}
	reports := filepath.Join(dir, "reports")
	for _, c := range cases {
		d := filepath.Join(reports, c.folder)
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if c.metadata != "" {
			os.WriteFile(filepath.Join(d, mirror.MetadataFile), []byte(c.metadata), 0o600)
		}
		if c.report != "" {
			os.WriteFile(filepath.Join(d, mirror.ReportFile), []byte(c.report), 0o600)
		}
	}
	os.MkdirAll(filepath.Join(reports, "empty-folder"), 0o700)
	os.MkdirAll(filepath.Join(dir, "unrelated"), 0o700) // not under reports/: ignored

	st := open(t)
	res, err := Import(ctx, st, dir)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if len(res.Imported) != 1 || res.Imported[0].JobID != good.ID {
		t.Errorf("imported %+v, want only %s", res.Imported, good.ID)
	}
	damaged := map[string]string{}
	for _, d := range res.Damaged {
		damaged[strings.TrimPrefix(d.Folder, "reports/")] = d.Reason
	}
	for _, c := range cases {
		if !strings.Contains(damaged[c.folder], c.reason) {
			t.Errorf("folder %s: reason %q, want %q", c.folder, damaged[c.folder], c.reason)
		}
	}
	if !strings.Contains(damaged["empty-folder"], "metadata.json is missing") {
		t.Errorf("empty folder: reason %q", damaged["empty-folder"])
	}
	if len(res.Damaged) != len(cases)+1 {
		t.Errorf("%d damaged, want %d: %+v", len(res.Damaged), len(cases)+1, res.Damaged)
	}
	if hits, _ := hitsOf(st.Search(ctx, "kumquat", store.SearchOptions{})); len(hits) != 1 {
		t.Errorf("the good report is not searchable after an import with damaged folders")
	}
}

func TestImportErrors(t *testing.T) {
	st := open(t)
	if _, err := Import(context.Background(), st, t.TempDir()); !errors.Is(err, ErrNoReports) {
		t.Errorf("Import(empty folder) = %v, want ErrNoReports", err)
	}
	if _, err := Import(context.Background(), st, filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "check the folder name") {
		t.Errorf("Import(missing folder) = %v", err)
	}
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, []byte("x"), 0o600)
	if _, err := Import(context.Background(), st, f); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("Import(file) = %v", err)
	}
	if _, err := ExportAll(context.Background(), st, f); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("ExportAll(file) = %v", err)
	}
	// Two jobs with the same date, title and first eight id characters
	// once shared a folder; folders carry the whole id now.
	clash := open(t)
	for _, id := range []string{"samepref1", "samepref2"} {
		finished(t, clash, job.Job{ID: id, Prompt: "Same title", Model: "m", Status: job.Completed, CreatedAt: t0}, store.Report{Markdown: "x"})
	}
	res, err := ExportAll(context.Background(), clash, t.TempDir())
	if err != nil || len(res.Reports) != 2 {
		t.Errorf("ExportAll of two jobs whose ids share 8 characters = %d reports, %v; want both", len(res.Reports), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Import(ctx, st, "testdata/mirror"); !errors.Is(err, context.Canceled) {
		t.Errorf("Import(cancelled) = %v", err)
	}
}

// hitsOf is the hits of a search page.
func hitsOf(r store.Results, err error) ([]store.Hit, error) { return r.Hits, err }
