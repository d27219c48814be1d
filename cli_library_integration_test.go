package main

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// The library through the CLI binary: one report in every format, the
// whole library out and into an empty database, damaged folders, and
// search input errors.

func TestCLIExportImport(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	id := strings.TrimSpace(c.ok("submit", "[[fake:unicode]] heat pumps in cold climates"))
	if _, _, code := c.run("", "wait", id, "--timeout", "60s"); code != 0 {
		t.Fatalf("wait: exit %d", code)
	}
	out := t.TempDir()
	for _, f := range []string{"md", "html", "pdf", "docx"} {
		file := filepath.Join(out, "r."+f)
		c.ok("export", id, "--format", f, "--output", file)
		b, err := os.ReadFile(file)
		if err != nil || len(b) < 200 {
			t.Fatalf("export %s: %d bytes, %v", f, len(b), err)
		}
		switch f {
		case "md":
			if !strings.Contains(string(b), "Sources") || !strings.Contains(string(b), "中文") {
				t.Errorf("md export lacks Sources or the multi-byte text")
			}
		case "html":
			if strings.Contains(string(b), "<script") || !strings.Contains(string(b), "<style") {
				t.Errorf("html export: a script, or no inline CSS")
			}
		case "pdf":
			if !strings.HasPrefix(string(b), "%PDF-") {
				t.Errorf("pdf export does not start with %%PDF-")
			}
		case "docx":
			z, err := zip.OpenReader(file)
			if err != nil {
				t.Fatalf("docx is not a zip: %v", err)
			}
			found := false
			for _, zf := range z.File {
				found = found || zf.Name == "word/document.xml"
			}
			z.Close()
			if !found {
				t.Errorf("docx has no word/document.xml")
			}
		}
	}
	if _, _, code := c.run("", "export", id, "--format", "odt", "--output", filepath.Join(out, "x")); code != 2 {
		t.Errorf("export --format odt: exit %d, want 2", code)
	}
	if _, _, code := c.run("", "export", id); code != 2 {
		t.Errorf("export without --output: exit %d, want 2", code)
	}

	// The whole library out, and into an empty database.
	lib := filepath.Join(out, "lib")
	c.ok("export", "--all", "--output", lib)
	if _, err := os.Stat(filepath.Join(lib, "index.json")); err != nil {
		t.Fatalf("no index.json: %v", err)
	}
	bad := filepath.Join(lib, "reports", "broken")
	if err := os.MkdirAll(bad, 0o700); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(bad, "metadata.json"), []byte("{not json"), 0o600)
	_ = os.WriteFile(filepath.Join(bad, "report.md"), []byte("# x"), 0o600)

	fresh := newCLIEnv(t, fake)
	var res struct {
		Imported []struct {
			JobID string `json:"job_id"`
		} `json:"imported"`
		Damaged []struct{ Folder, Reason string } `json:"damaged"`
	}
	if err := json.Unmarshal([]byte(fresh.ok("import", lib, "--json")), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Imported) != 1 || res.Imported[0].JobID != id || len(res.Damaged) != 1 || !strings.Contains(res.Damaged[0].Folder, "broken") {
		t.Fatalf("import: %+v", res)
	}
	var a, b jobJSON
	_ = json.Unmarshal([]byte(c.ok("show", id, "--format", "json")), &a)
	_ = json.Unmarshal([]byte(fresh.ok("show", id, "--format", "json")), &b)
	if a.Report != b.Report || len(a.Citations) != len(b.Citations) || b.Status != "completed" {
		t.Fatalf("after the round trip the report differs: %d/%d bytes, %d/%d citations", len(a.Report), len(b.Report), len(a.Citations), len(b.Citations))
	}
	if out := fresh.ok("search", "heat", "--json"); !strings.Contains(out, id) {
		t.Errorf("the imported report is not searchable: %s", out)
	}
	if out := fresh.ok("import", lib); !strings.Contains(out, "0 imported, 1 already") {
		t.Errorf("importing again: %s", out)
	}
	if _, errOut, code := fresh.run("", "import", t.TempDir()); code != 1 || !strings.Contains(errOut, "no report folders") {
		t.Errorf("import of an empty folder: exit %d %q", code, errOut)
	}
	if _, errOut, code := fresh.run("", "search", `"unbalanced`); code != 1 || errOut == "" || strings.Contains(errOut, "fts5") {
		t.Errorf("search with an unbalanced quote: exit %d %q", code, errOut)
	}
}
