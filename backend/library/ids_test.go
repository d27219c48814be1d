package library

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/store"
)

// osc52 writes "evil" to the clipboard of a terminal that prints it.
const osc52 = "\x1b]52;c;ZXZpbA==\x07"

// writeFolder writes a report folder whose metadata.json is the job plus
// the given fields.
func writeFolder(t *testing.T, dir, name string, fields map[string]any) {
	t.Helper()
	m := map[string]any{"status": "completed", "provider": "openai", "model": "o3-deep-research",
		"prompt": "Tea " + name, "created_at": "2025-05-01T10:00:00Z", "title": "Tea " + name, "citations": []any{}}
	for k, v := range fields {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	d := filepath.Join(dir, "reports", name)
	if err := os.MkdirAll(d, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, mirror.MetadataFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, mirror.ReportFile), []byte("Report of "+name), 0o600); err != nil {
		t.Fatal(err)
	}
}

// hasControl reports whether s holds a C0 or C1 control character other
// than a new line or a tab, or DEL.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' })
}

// TestImportHostileIDs: an imported id that is not one Deepr makes is
// replaced by a new one and kept, cleaned and cut short, as origin_id;
// follow-ups follow their parent's new id; nothing imported carries
// control characters; and importing again adds nothing.
func TestImportHostileIDs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	huge := strings.Repeat("a", 100000)
	folders := []struct {
		name   string
		fields map[string]any
		origin string // wanted origin_id ("" : the id is kept)
	}{
		{"osc", map[string]any{"id": osc52 + "x", "prompt": "Tea " + osc52 + "\u009b31m", "title": "Tea " + osc52,
			"model": "o3\x1b[2J", "provider": "openai\a", "error": "bad\x1b[31m\nnews", "provider_status": "completed\x1b[0m",
			"provider_job_id": "resp\x1b_x"}, "]52;c;ZXZpbA==x"},
		{"huge", map[string]any{"id": huge}, "aaaa"},
		{"upper", map[string]any{"id": "Report-A"}, "Report-A"},
		{"lower", map[string]any{"id": "report-a"}, ""},
		{"slash", map[string]any{"id": "a/b"}, "a/b"},
		{"dots", map[string]any{"id": ".."}, ".."},
		{"uuid", map[string]any{"id": "7f9c2ba4-e88f-4d1b-9a3e-0c1d2e3f4a5b"}, ""},
		// A thread with ids Deepr does not make; the follow-ups' folders
		// come before their parent's.
		{"a-child", map[string]any{"id": "Child-Y", "parent_id": "Root X"}, "Child-Y"},
		{"b-kid", map[string]any{"id": "kid3", "parent_id": "Root X"}, ""},
		{"c-grandchild", map[string]any{"id": "grandchild", "parent_id": "Child-Y"}, ""},
		{"z-root", map[string]any{"id": "Root X"}, "Root X"},
		// Parents that are not in the import: an odd one is dropped, a
		// canonical one is kept (its thread shows it as deleted).
		{"orphan", map[string]any{"id": "orphan1", "parent_id": "Gone/Parent"}, ""},
		{"keeps", map[string]any{"id": "keeps1", "parent_id": "gone0parent"}, ""},
	}
	for _, f := range folders {
		writeFolder(t, dir, f.name, f.fields)
	}
	st := open(t)
	res, err := Import(ctx, st, dir)
	if err != nil || len(res.Imported) != len(folders) || len(res.Damaged) != 0 || len(res.Skipped) != 0 {
		t.Fatalf("Import = %+v, %v; want %d imported", res, err, len(folders))
	}
	byFolder := map[string]job.Job{}
	seen := map[string]bool{}
	for _, e := range res.Imported {
		j, err := st.GetJob(ctx, e.JobID)
		if err != nil {
			t.Fatalf("imported %s as %.80q: %v", e.Folder, e.JobID, err)
		}
		if !job.ValidID(j.ID) || seen[j.ID] {
			t.Errorf("folder %s imported as %.80q: not a canonical id, or one already used", e.Folder, j.ID)
		}
		seen[j.ID] = true
		byFolder[strings.TrimPrefix(e.Folder, "reports/")] = j
		if _, err := st.GetReport(ctx, j.ID); err != nil {
			t.Errorf("the report of %s (%s): %v", e.Folder, j.ID, err)
		}
	}
	for _, f := range folders {
		j := byFolder[f.name]
		switch {
		case f.origin == "" && (j.ID != f.fields["id"] || j.OriginID != ""):
			t.Errorf("folder %s: id %q origin %q, want its own id %q kept", f.name, j.ID, j.OriginID, f.fields["id"])
		case f.origin != "" && (j.ID == f.fields["id"] || !strings.HasPrefix(j.OriginID, f.origin) || len(j.OriginID) > 300 || hasControl(j.OriginID)):
			t.Errorf("folder %s: id %q origin %.100q, want a new id and the origin %q kept (at most 300 bytes, no control characters)", f.name, j.ID, j.OriginID, f.origin)
		}
		for _, s := range []string{j.Prompt, j.Model, j.Provider, j.Error, j.ProviderStatus, j.ProviderJobID, j.Title()} {
			if hasControl(s) {
				t.Errorf("folder %s: a field kept a control character: %q", f.name, s)
			}
		}
	}
	if o := byFolder["osc"]; o.Prompt != "Tea ]52;c;ZXZpbA==31m" || o.Model != "o3[2J" || o.Error != "bad[31m\nnews" {
		t.Errorf("osc: prompt %q model %q error %q, want control characters removed and the rest kept", o.Prompt, o.Model, o.Error)
	}
	if rep, _ := st.GetReport(ctx, byFolder["osc"].ID); hasControl(rep.Title) {
		t.Errorf("osc: report title %q", rep.Title)
	}
	if a, b := byFolder["upper"], byFolder["lower"]; a.ID == b.ID {
		t.Errorf("Report-A and report-a are one job %s", a.ID)
	}
	root := byFolder["z-root"].ID
	for name, parent := range map[string]string{"a-child": root, "b-kid": root, "c-grandchild": byFolder["a-child"].ID, "orphan": "", "keeps": "gone0parent"} {
		if got := byFolder[name].ParentID; got != parent {
			t.Errorf("folder %s: parent %q, want %q", name, got, parent)
		}
	}
	th, missing, err := st.Thread(ctx, byFolder["c-grandchild"].ID)
	if err != nil || len(th) != 4 || missing != "" || th[0].Job.ID != root {
		t.Errorf("thread of the grandchild = %d jobs from %v, missing %q, %v; want 4 from the root", len(th), th, missing, err)
	}
	for _, e := range res.Imported {
		if e.Folder == "reports/orphan" && !strings.Contains(e.Reason, "Gone/Parent") {
			t.Errorf("the orphan's entry says %q, want it to name the parent it lost", e.Reason)
		}
	}

	again, err := Import(ctx, st, dir)
	if err != nil || len(again.Imported) != 0 || len(again.Skipped) != len(folders) {
		t.Errorf("second Import = %+v, %v; want every folder skipped", again, err)
	}
	if jobs, _ := st.ListJobs(ctx, store.ListFilter{}); len(jobs) != len(folders) {
		t.Errorf("%d jobs after importing twice, want %d", len(jobs), len(folders))
	}

	// An export of the library imports elsewhere with the new ids and the
	// origins kept.
	out := filepath.Join(t.TempDir(), "export")
	if _, err := ExportAll(ctx, st, out); err != nil {
		t.Fatalf("ExportAll: %v", err)
	}
	other := open(t)
	if res, err := Import(ctx, other, out); err != nil || len(res.Imported) != len(folders) {
		t.Fatalf("Import of the export = %+v, %v", res, err)
	}
	if j, err := other.GetJob(ctx, byFolder["upper"].ID); err != nil || j.OriginID != "Report-A" {
		t.Errorf("after export and import: %+v, %v; want the new id with its origin", j, err)
	}
}

// TestImportBadOriginID: an origin_id in metadata.json is cleaned like an id.
func TestImportBadOriginID(t *testing.T) {
	dir := t.TempDir()
	writeFolder(t, dir, "o", map[string]any{"id": "fine1", "origin_id": osc52 + strings.Repeat("b", 5000)})
	st := open(t)
	if _, err := Import(context.Background(), st, dir); err != nil {
		t.Fatal(err)
	}
	j, err := st.GetJob(context.Background(), "fine1")
	if err != nil || hasControl(j.OriginID) || len(j.OriginID) > 300 {
		t.Errorf("origin_id = %.100q, %v", j.OriginID, err)
	}
}
