//go:build unix

package research_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// withUmask runs the test under umask m.
func withUmask(t *testing.T, m int) {
	old := syscall.Umask(m)
	t.Cleanup(func() { syscall.Umask(old) })
}

// Exported files are for sharing: 0666 less the umask, in every format,
// and the library export's files and folders too.
func TestExportFilesAreShareable(t *testing.T) {
	withUmask(t, 0o022)
	u := newUnit(t, nil)
	done := u.finish(job.Completed, teaReport, teaCites)
	dir := t.TempDir()
	for _, f := range research.ExportFormats() {
		out := filepath.Join(dir, "r."+f)
		if _, err := u.svc.ExportReport(u.ctx, research.ExportRequest{ID: done.ID, Format: f, Output: out}); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s export: mode %v, %v; want -rw-r--r--", f, fi.Mode(), err)
		}
	}
	lib := filepath.Join(dir, "library")
	if _, err := u.svc.ExportLibrary(u.ctx, lib); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := filepath.Walk(lib, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		want := os.FileMode(0o644)
		if fi.IsDir() {
			want = 0o755
		}
		if fi.Mode().Perm() != want {
			t.Errorf("library export: %s has mode %v, want %v", strings.TrimPrefix(path, dir), fi.Mode().Perm(), want)
		}
		n++
		return nil
	})
	if err != nil || n < 4 {
		t.Errorf("library export walked %d entries: %v", n, err)
	}
}

// Copy as Markdown gives exactly what Export → Markdown writes.
func TestExportMarkdownIsTheMarkdownExport(t *testing.T) {
	u := newUnit(t, nil)
	done := u.finish(job.Completed, teaReport, teaCites)
	out := filepath.Join(t.TempDir(), "r.md")
	if _, err := u.svc.ExportReport(u.ctx, research.ExportRequest{ID: done.ID, Format: "md", Output: out}); err != nil {
		t.Fatal(err)
	}
	file, _ := os.ReadFile(out)
	text, err := u.svc.ExportMarkdown(u.ctx, done.ID[:6])
	if err != nil || text != string(file) {
		t.Errorf("ExportMarkdown = %v; equal to the Markdown export: %v\n%s\n---\n%s", err, text == string(file), text, file)
	}
	if !strings.Contains(text, "## Sources") || !strings.Contains(text, "- **Model:**") {
		t.Errorf("ExportMarkdown lacks the header or the Sources: %s", text)
	}
}
