// Package library moves the whole library in and out of Deepr. ExportAll
// writes every report as a folder in the mirror's layout
// (reports/<date>_<slug>_<id>/report.md + metadata.json, written by
// backend/mirror) plus an index; Import reads such folders, from an export,
// from a data folder's mirror or from another machine, back into a
// database. The folders are the format: the index is for people and other
// tools, Import does not need it.
package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Index file names at the top of an export.
const (
	IndexJSON     = "index.json"
	IndexMarkdown = "index.md"
)

// IndexEntry is one report in index.json.
type IndexEntry struct {
	ID         string     `json:"id"`
	Title      string     `json:"title"`
	Folder     string     `json:"folder"` // relative to the export, with '/' separators
	Status     job.Status `json:"status"`
	Provider   string     `json:"provider"`
	Model      string     `json:"model"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at"`
	CostUSD    float64    `json:"cost_usd"`
}

// Index is index.json.
type Index struct {
	Format     int          `json:"format"` // 1
	ExportedAt time.Time    `json:"exported_at"`
	Reports    []IndexEntry `json:"reports"`
}

// ExportResult says what ExportAll wrote.
type ExportResult struct {
	Dir     string       `json:"dir"`     // absolute export folder
	Reports []IndexEntry `json:"reports"` // newest first
}

// ExportAll writes every job that has a report into dir (created with mode
// 0700 when missing): one folder per report exactly as the mirror writes it
// (dir/reports/<date>_<slug>_<id>/report.md and metadata.json), plus
// index.json and index.md listing them. Two jobs whose folders would have
// the same name (same day, title and first 8 characters of the id: never
// for ids Deepr made) cannot both be written: the first is, and the error
// names the others once everything else is written. Existing files of the same names
// are replaced (report folders atomically, as the mirror writes them);
// nothing else in dir is touched. The index is stamped with st.Now.
func ExportAll(ctx context.Context, st *store.Store, dir string) (ExportResult, error) {
	if strings.TrimSpace(dir) == "" {
		return ExportResult{}, errors.New("exporting the library: no folder given")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ExportResult{}, fmt.Errorf("exporting the library to %s: %w", dir, err)
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		return ExportResult{}, fmt.Errorf("exporting the library: %s is a file, not a folder; choose a folder", abs)
	}
	if err := os.MkdirAll(abs, 0o777); err != nil { // an export is for sharing: the umask decides
		return ExportResult{}, fmt.Errorf("exporting the library: creating %s: %w (check its permissions)", abs, err)
	}
	jobs, err := st.ListJobs(ctx, store.ListFilter{})
	if err != nil {
		return ExportResult{}, fmt.Errorf("exporting the library: %w", err)
	}
	res := ExportResult{Dir: abs, Reports: []IndexEntry{}}
	folders := map[string]string{} // folder -> job id
	var clash []string
	for _, j := range jobs {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		rep, err := st.GetReport(ctx, j.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return res, fmt.Errorf("exporting the library: %w", err)
		}
		folder := filepath.ToSlash(mirror.RelDir(j))
		if other, ok := folders[strings.ToLower(folder)]; ok {
			clash = append(clash, fmt.Sprintf("jobs %s and %s share the folder %s", other, j.ID, folder))
			continue
		}
		folders[strings.ToLower(folder)] = j.ID
		out := j
		out.ReportPath = "" // an export lays out folders afresh (RelDir), whatever the data folder's names
		if _, err := mirror.WriteShared(abs, out, rep); err != nil {
			return res, fmt.Errorf("exporting the library: %w", err)
		}
		title := rep.Title
		if title == "" {
			title = j.Title()
		}
		res.Reports = append(res.Reports, IndexEntry{ID: j.ID, Title: title, Folder: folder,
			Status: j.Status, Provider: j.Provider, Model: j.Model, CreatedAt: j.CreatedAt, FinishedAt: j.FinishedAt, CostUSD: j.CostUSD})
	}
	now := time.Now
	if st.Now != nil {
		now = st.Now
	}
	if err := writeIndex(abs, Index{Format: 1, ExportedAt: now().UTC(), Reports: res.Reports}); err != nil {
		return res, fmt.Errorf("exporting the library: %w (check free space and permissions of %s)", err, abs)
	}
	if len(clash) > 0 {
		return res, fmt.Errorf("exporting the library: %s; the first of each was exported, export the others one by one with deepr export ID", strings.Join(clash, "; "))
	}
	return res, nil
}

// writeIndex writes index.json and index.md into dir.
func writeIndex(dir string, ix Index) error {
	b, err := json.MarshalIndent(ix, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, IndexJSON), append(b, '\n'), 0o666); err != nil {
		return err
	}
	var md strings.Builder
	fmt.Fprintf(&md, "# Deepr library\n\n%d reports, exported %s.\n\n", len(ix.Reports), ix.ExportedAt.Format("2006-01-02 15:04 UTC"))
	for _, e := range ix.Reports {
		fmt.Fprintf(&md, "- [%s](<%s/%s>) — %s, %s, %s\n", escapeLinkText(e.Title), e.Folder, mirror.ReportFile,
			e.CreatedAt.UTC().Format("2006-01-02"), e.Model, e.Status)
	}
	return os.WriteFile(filepath.Join(dir, IndexMarkdown), []byte(md.String()), 0o666)
}

// escapeLinkText keeps a title from closing or opening markdown syntax.
func escapeLinkText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`, "`", "\\`", "*", `\*`, "_", `\_`).Replace(s)
}
