package mirror

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/render"
	"github.com/deepr-desktop/deepr/backend/store"
)

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Green tea: health effects?", "green-tea-health-effects"},
		{"Müller & Söhne — Café Straße", "muller-sohne-cafe-strasse"},
		{"中文 标题", "research"},
		{"中文 and English", "and-english"},
		{"", "research"},
		{"   ", "research"},
		{"../..", "research"},
		{"../../etc/passwd", "etc-passwd"},
		{`a/b\c`, "a-b-c"},
		{"C:\\Windows\\System32", "c-windows-system32"},
		{"..", "research"},
		{"🍵🍵🍵", "research"},
		{"COVID-19 in 2020", "covid-19-in-2020"},
		{strings.Repeat("word ", 30), "word-word-word-word-word-word-word-word-word"}, // 44: a 10th word would pass 48
		{strings.Repeat("x", 100), strings.Repeat("x", 48)},
		{"abc " + strings.Repeat("y", 60), "abc-" + strings.Repeat("y", 44)},
	}
	for _, tt := range tests {
		got := slug(tt.in)
		if got != tt.want {
			t.Errorf("slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(got) > 48 || strings.Contains(got, "..") || strings.ContainsAny(got, `/\`) {
			t.Errorf("slug(%q) = %q: longer than 48 or contains a separator or ..", tt.in, got)
		}
	}
}

func TestRelDir(t *testing.T) {
	created := time.Date(2025, 12, 31, 23, 30, 0, 0, time.FixedZone("minus5", -5*3600)) // 2026-01-01 in UTC
	tests := []struct {
		j    job.Job
		want string
	}{
		{job.Job{ID: "abcdef1234", Prompt: "Tea history\nmore", CreatedAt: created}, "2026-01-01_tea-history_abcdef1234"},
		{job.Job{ID: "ab", Prompt: "", CreatedAt: created}, "2026-01-01_research_ab"},
		{job.Job{ID: "0f8fad5b-d9cb-469f-a165-70867728950e", Prompt: "x", CreatedAt: created}, "2026-01-01_x_0f8fad5b-d9cb-469f-a165-70867728950e"},
		// ids an older import let in: letters and digits, then a hash of the whole id
		{job.Job{ID: "../../x", Prompt: "../../etc", CreatedAt: created}, "2026-01-01_etc_x-9cdf6a50"},
		{job.Job{ID: "..", Prompt: "..", CreatedAt: created}, "2026-01-01_research_job-5ec1f7e7"},
		{job.Job{ID: "ABC/def", Prompt: "x", CreatedAt: created}, "2026-01-01_x_abcdef-4b764cce"},
	}
	for _, tt := range tests {
		got := RelDir(tt.j)
		want := filepath.Join("reports", tt.want)
		if got != want {
			t.Errorf("RelDir(id %q, prompt %q) = %q, want %q", tt.j.ID, tt.j.Prompt, got, want)
		}
		if strings.Contains(got, "..") || filepath.Dir(got) != "reports" {
			t.Errorf("RelDir = %q: escapes reports/ or contains ..", got)
		}
	}
}

func sample() (job.Job, store.Report) {
	created := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	fin := created.Add(25 * time.Minute)
	j := job.Job{ID: "k3j9x0qa7z", Status: job.Completed, Provider: "openai", Model: "o3-deep-research",
		Prompt: "History of tea", CreatedAt: created, UpdatedAt: fin, FinishedAt: &fin, NextPollAt: created,
		Usage: job.Usage{InputTokens: 10, OutputTokens: 20}, CostUSD: 1.5, Attempt: 1, Version: 4}
	rep := store.Report{JobID: j.ID, Title: "History of tea", Markdown: "Tea came to Europe [1] and [2]; again [1].\n",
		Citations: []job.Citation{
			{Index: 2, URL: "https://b.example/x?y=(1)", Title: "B [brackets]", Start: 30, End: 33},
			{Index: 1, URL: "https://a.example", Title: "", Start: 20, End: 23},
			{Index: 1, URL: "https://a.example", Title: "", Start: 40, End: 43},
		}}
	return j, rep
}

func TestWrite(t *testing.T) {
	data := t.TempDir()
	j, rep := sample()
	dir, err := Write(data, j, rep)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if want := filepath.Join(data, RelDir(j)); dir != want {
		t.Errorf("Write returned %q, want %q", dir, want)
	}
	for p, want := range map[string]os.FileMode{
		filepath.Join(data, "reports"): 0o700, dir: 0o700,
		filepath.Join(dir, ReportFile): 0o600, filepath.Join(dir, MetadataFile): 0o600,
	} {
		fi, err := os.Stat(p)
		// Modes only where the OS has them (Windows: ACLs, Go reports 0666/0777).
		if err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, err %v; want %v", p, fi.Mode().Perm(), err, want)
		}
	}
	md, _ := os.ReadFile(filepath.Join(dir, ReportFile))
	header := "# History of tea\n\n" +
		"- Job: k3j9x0qa7z (completed)\n- Model: o3-deep-research\n" +
		"- Created: 2025-05-01 10:00 UTC\n- Finished: 2025-05-01 10:25 UTC\n\n---\n\n"
	if body, ok := strings.CutPrefix(string(md), header); !ok || body != render.Markdown(rep.Markdown, rep.Citations) {
		t.Errorf("report.md:\n%s\nwant the header, then the report as render.Markdown numbers it", md)
	}
	if n := strings.Count(string(md), "## Sources"); n != 1 {
		t.Errorf("report.md has %d Sources lists, want 1", n)
	}
	var meta struct {
		job.Job
		Title     string         `json:"title"`
		Citations []job.Citation `json:"citations"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, MetadataFile))
	if err := json.Unmarshal(b, &meta); err != nil {
		t.Fatalf("metadata.json: %v\n%s", err, b)
	}
	if meta.ReportPath != dir {
		t.Errorf("metadata.json report_path = %q, want the folder %q", meta.ReportPath, dir)
	}
	if meta.ID != j.ID || meta.Status != j.Status || meta.CostUSD != j.CostUSD || !meta.FinishedAt.Equal(*j.FinishedAt) ||
		meta.Title != "History of tea" || !reflect.DeepEqual(meta.Citations, rep.Citations) {
		t.Errorf("metadata.json = %s", b)
	}
}

// TestWriteAtomic: rewriting leaves complete files and no temporary files,
// and a failed write keeps the previous complete copy.
func TestWriteAtomic(t *testing.T) {
	data := t.TempDir()
	j, rep := sample()
	var dir string
	for i := range 5 {
		rep.Markdown = strings.Repeat("line of text\n", 1000*(i+1))
		var err error
		if dir, err = Write(data, j, rep); err != nil {
			t.Fatalf("Write %d: %v", i, err)
		}
		md, _ := os.ReadFile(filepath.Join(dir, ReportFile))
		if !strings.HasSuffix(string(md), render.Markdown(rep.Markdown, rep.Citations)) || !strings.HasSuffix(string(md), "(<https://b.example/x?y=(1)>)\n") {
			t.Fatalf("Write %d: report.md incomplete (%d bytes)", i, len(md))
		}
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{MetadataFile, ReportFile}; !reflect.DeepEqual(names, want) {
		t.Errorf("folder holds %v, want only %v (no temporary files)", names, want)
	}

	// A failing write (a folder in the way of the target) leaves no temp file.
	if err := os.Remove(filepath.Join(dir, MetadataFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, MetadataFile), 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, MetadataFile, "keep"), []byte("x"), 0o600)
	if _, err := Write(data, j, rep); err == nil {
		t.Error("Write over a non-empty folder named metadata.json: no error")
	}
	entries, _ = os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind after a failed write", e.Name())
		}
	}
}

func TestWriteNoDataDir(t *testing.T) {
	j, rep := sample()
	if _, err := Write("", j, rep); err == nil {
		t.Error("Write with no data folder: no error")
	}
}

func TestRebuild(t *testing.T) {
	ctx := t.Context()
	st, data := rebuildStore(t)
	var want []string
	for i, prompt := range []string{"First report", "Second report", "Still running"} {
		j, err := st.CreateJob(ctx, job.Job{Prompt: prompt, Status: job.Running, Model: "o3-deep-research"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			continue // no report: no folder
		}
		now := time.Now()
		j, err = st.Finish(ctx, j.ID, store.Report{Markdown: "text of " + prompt, Citations: []job.Citation{{Index: 1, URL: "https://x.example"}}},
			func(c *job.Job) error {
				c.Status = job.Completed
				c.FinishedAt = &now
				c.ReportPath = filepath.Join("/old/place", RelDir(*c))
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, filepath.Join(data, RelDir(j)))
	}
	res, err := Rebuild(ctx, st, data, false)
	if err != nil || res.Reports != 2 || res.Written != 2 || res.Moved != 2 || res.Missing != 2 {
		t.Fatalf("Rebuild = %+v, %v; want 2 reports missing, written and moved", res, err)
	}
	// Delete the whole mirror; Rebuild brings it back.
	if err := os.RemoveAll(filepath.Join(data, "reports")); err != nil {
		t.Fatal(err)
	}
	res, err = Rebuild(ctx, st, data, true)
	if err != nil || res.Written != 2 || res.Missing != 2 || res.Moved != 0 {
		t.Fatalf("Rebuild(onlyMissing) after deleting the folder = %+v, %v; want 2 missing and written", res, err)
	}
	entries, _ := os.ReadDir(filepath.Join(data, "reports"))
	if len(entries) != 2 {
		t.Errorf("reports/ holds %d folders, want 2", len(entries))
	}
	for _, dir := range want {
		md, err := os.ReadFile(filepath.Join(dir, ReportFile))
		if err != nil || !strings.Contains(string(md), "text of ") || !strings.Contains(string(md), "## Sources") {
			t.Errorf("%s: %v\n%s", dir, err, md)
		}
		if _, err := os.Stat(filepath.Join(dir, MetadataFile)); err != nil {
			t.Errorf("%s: %v", MetadataFile, err)
		}
	}
	// Report paths now point into the new data folder, also in metadata.json.
	jobs, _ := st.ListJobs(ctx, store.ListFilter{Statuses: []job.Status{job.Completed}})
	for _, j := range jobs {
		if dir := filepath.Join(data, RelDir(j)); j.ReportPath != dir {
			t.Errorf("job %s report_path = %q, want %q", j.ID, j.ReportPath, dir)
		}
		b, _ := os.ReadFile(filepath.Join(j.ReportPath, MetadataFile))
		var m job.Job
		if json.Unmarshal(b, &m); m.ReportPath != j.ReportPath {
			t.Errorf("metadata.json report_path = %q, want %q", m.ReportPath, j.ReportPath)
		}
	}
}

func TestSourcesMarkdownKeepsHostileCitationsInert(t *testing.T) {
	got := SourcesMarkdown([]job.Citation{
		{Index: 1, URL: "https://example.com/a", Title: "Good [one]"},
		{Index: 2, URL: "javascript:window.__pwned=1", Title: `<b onmouseover="x">bad</b>`},
		{Index: 1, URL: "https://example.com/a", Title: "dup"},
	})
	if !strings.Contains(got, "1. [Good \\[one\\]](<https://example.com/a>)") {
		t.Errorf("http source not linked as expected:\n%s", got)
	}
	if strings.Contains(got, "](<javascript") || strings.Contains(strings.ReplaceAll(got, "\\<", ""), "<b ") {
		t.Errorf("hostile source became a link or raw HTML:\n%s", got)
	}
	if strings.Count(got, "\n1. ") != 1 {
		t.Errorf("duplicate index listed twice:\n%s", got)
	}
	if SourcesMarkdown(nil) != "" {
		t.Errorf("no citations should give no section")
	}
}

// rebuildStore opens a store in a temp folder and returns it with the data
// folder beside it.
func rebuildStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	tmp := t.TempDir()
	st, err := store.Open(filepath.Join(tmp, "deepr.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, filepath.Join(tmp, "data")
}

// finishedJob adds a completed job whose report is "text of <prompt>";
// with mirrored set its folder is written and recorded as the app does.
func finishedJob(t *testing.T, st *store.Store, data, prompt string, mirrored bool) job.Job {
	t.Helper()
	ctx := t.Context()
	j, err := st.CreateJob(ctx, job.Job{Prompt: prompt, Status: job.Running, Model: "o3-deep-research"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	rep := store.Report{Markdown: "text of " + prompt}
	if j, err = st.Finish(ctx, j.ID, rep, func(c *job.Job) error { c.Status = job.Completed; c.FinishedAt = &now; return nil }); err != nil {
		t.Fatal(err)
	}
	if !mirrored {
		return j
	}
	dir, err := Write(data, j, rep)
	if err != nil {
		t.Fatal(err)
	}
	if j, err = st.Update(ctx, j.ID, func(c *job.Job) error { c.ReportPath = dir; return nil }); err != nil {
		t.Fatal(err)
	}
	return j
}

func TestRebuildOnlyMissingOrDamaged(t *testing.T) {
	ctx := t.Context()
	st, data := rebuildStore(t)
	var jobs []job.Job
	for _, prompt := range []string{"Intact", "No report.md", "Broken metadata", "Empty report.md", "Never written"} {
		jobs = append(jobs, finishedJob(t, st, data, prompt, prompt != "Never written"))
	}
	dir := func(i int) string { return filepath.Join(data, RelDir(jobs[i])) }
	// The intact folder was edited by hand: still complete, so kept.
	if err := os.WriteFile(filepath.Join(dir(0), ReportFile), []byte("my notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir(1), ReportFile))
	os.WriteFile(filepath.Join(dir(2), MetadataFile), []byte(`{"id": "trunc`), 0o600)
	os.WriteFile(filepath.Join(dir(3), ReportFile), nil, 0o600)

	res, err := Rebuild(ctx, st, data, true)
	want := RebuildResult{Reports: 5, Missing: 1, Damaged: 3, Written: 4, Moved: 1}
	if err != nil || res != want {
		t.Fatalf("Rebuild(onlyMissing) = %+v, %v; want %+v", res, err, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dir(0), ReportFile)); string(b) != "my notes" {
		t.Errorf("a complete folder was rewritten: report.md = %q", b)
	}
	for i := 1; i < len(jobs); i++ {
		if check(dir(i)) != folderOK {
			t.Errorf("%s: folder still incomplete after Rebuild", jobs[i].Prompt)
		}
		b, _ := os.ReadFile(filepath.Join(dir(i), ReportFile))
		if !strings.Contains(string(b), "text of "+jobs[i].Prompt) {
			t.Errorf("%s: report.md = %q, want the report from the database", jobs[i].Prompt, b)
		}
	}
	if got, _ := st.GetJob(ctx, jobs[4].ID); got.ReportPath != dir(4) {
		t.Errorf("never-written job report_path = %q, want %q once written", got.ReportPath, dir(4))
	}
	// Nothing left to do: a second run writes nothing.
	if res, err := Rebuild(ctx, st, data, true); err != nil || res.Written != 0 || res.Reports != 5 {
		t.Errorf("second Rebuild(onlyMissing) = %+v, %v; want nothing written", res, err)
	}
	// Without onlyMissing every folder is written again.
	if res, err := Rebuild(ctx, st, data, false); err != nil || res.Written != 5 {
		t.Errorf("Rebuild(all) = %+v, %v; want 5 written", res, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir(0), ReportFile)); !strings.Contains(string(b), "text of Intact") {
		t.Errorf("Rebuild(all) kept a hand-edited report.md: %q", b)
	}
}

// TestRepairStatsOnly: the check at every start finds folders that are
// gone or emptied without reading any report, and leaves a folder whose
// metadata.json was damaged in place to Rebuild.
func TestRepairStatsOnly(t *testing.T) {
	ctx := t.Context()
	st, data := rebuildStore(t)
	var dirs []string
	for _, prompt := range []string{"Intact", "Emptied metadata", "Garbled metadata", "Folder deleted"} {
		dirs = append(dirs, finishedJob(t, st, data, prompt, true).ReportPath)
	}
	os.WriteFile(filepath.Join(dirs[1], MetadataFile), nil, 0o600)
	os.WriteFile(filepath.Join(dirs[2], MetadataFile), []byte(`{"id": "trunc`), 0o600)
	os.RemoveAll(dirs[3])

	res, err := Repair(ctx, st, data)
	if want := (RebuildResult{Reports: 4, Missing: 1, Damaged: 1, Written: 2}); err != nil || res != want {
		t.Fatalf("Repair = %+v, %v; want %+v", res, err, want)
	}
	for _, i := range []int{1, 3} {
		if check(dirs[i]) != folderOK {
			t.Errorf("folder %d still incomplete after Repair", i)
		}
	}
	if check(dirs[2]) != folderDamaged {
		t.Errorf("Repair read metadata.json (it should only stat)")
	}
	if res, err := Rebuild(ctx, st, data, true); err != nil || res.Damaged != 1 || res.Written != 1 {
		t.Errorf("Rebuild after Repair = %+v, %v; want the garbled folder rewritten", res, err)
	}
}

// TestWriteKeepsTheClarifiedRequest: a job sent as a research brief keeps
// the user's own question and answers in metadata.json, and its report is
// titled by the question when it has no title of its own (issue 25).
func TestWriteKeepsTheClarifiedRequest(t *testing.T) {
	j, rep := sample()
	j.Prompt = "Research brief. Estimate the history of tea trade routes."
	j.Clarified = &job.Clarified{Question: "How did tea reach Europe?", Answers: []job.Answer{{Question: "Which century?", Answer: "The 17th"}}}
	rep.Title = "" // the report has no title of its own: the job's is used
	dir, err := Write(t.TempDir(), j, rep)
	if err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, ReportFile))
	if !strings.HasPrefix(string(md), "# How did tea reach Europe?\n") {
		t.Errorf("report.md starts %q; want the user's question as its title", strings.SplitN(string(md), "\n", 2)[0])
	}
	var meta job.Job
	b, _ := os.ReadFile(filepath.Join(dir, MetadataFile))
	if err := json.Unmarshal(b, &meta); err != nil || !reflect.DeepEqual(meta.Clarified, j.Clarified) || meta.Prompt != j.Prompt {
		t.Errorf("metadata.json clarified = %+v, prompt %q (%v); want both the brief and %+v", meta.Clarified, meta.Prompt, err, j.Clarified)
	}
}
