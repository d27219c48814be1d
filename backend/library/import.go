package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/store"
)

// ErrNoReports: the folder given to Import holds no report folder.
var ErrNoReports = errors.New("no report folders found")

// maxReportBytes is the largest report.md Import reads (a deep-research
// report is well under a megabyte; 3 MB ones exist).
const maxReportBytes = 64 << 20

// importBatch is how many folders are read before they are written.
const importBatch = 500

// Entry is one folder Import looked at.
type Entry struct {
	Folder string `json:"folder"`           // relative to the imported folder, '/' separators
	JobID  string `json:"job_id,omitempty"` // when known
	Reason string `json:"reason,omitempty"` // why it was skipped or is damaged
}

// ImportResult says what happened to every report folder.
type ImportResult struct {
	Imported []Entry `json:"imported"`
	Skipped  []Entry `json:"skipped"` // already in the library (same job id or provider response)
	Damaged  []Entry `json:"damaged"` // unreadable: bad JSON, missing fields, a report that is not text
}

// metadata is metadata.json as the mirror writes it: the job object plus
// title and citations. Unknown fields are ignored, so newer exports import.
type metadata struct {
	job.Job
	Title     string         `json:"title"`
	Citations []job.Citation `json:"citations"`
	// ReportMarkdown is the stored text (mirrors from this version on);
	// older folders have only report.md.
	ReportMarkdown *string `json:"report_markdown"`
	// Questions asked about the report (mirrors from the version with
	// `deepr ask` on).
	Questions []store.Question `json:"questions"`
}

// Import adds to st every report folder found in dir: dir itself when it
// holds a metadata.json, else its subfolders and those of dir/reports (so
// an export, a data folder and its reports folder all work). A folder is
// a report folder when it holds metadata.json or report.md (every
// subfolder of reports/ is expected to be one). Jobs whose id (or provider
// response id) is already in st are skipped; damaged folders are listed
// with the reason and never stop the others. Imported jobs keep their id,
// status, times, usage and cost, are searchable as soon as Import returns,
// and have no report_path (no copy in this data folder yet). The error is
// for what stops the whole import: dir unreadable, no report folder in it
// (ErrNoReports), the database failing, ctx ending.
func Import(ctx context.Context, st *store.Store, dir string) (ImportResult, error) {
	res := ImportResult{Imported: []Entry{}, Skipped: []Entry{}, Damaged: []Entry{}}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return res, fmt.Errorf("importing %s: %w", dir, err)
	}
	folders, err := reportFolders(abs)
	if err != nil {
		return res, fmt.Errorf("importing %s: %w", abs, err)
	}
	if len(folders) == 0 {
		return res, fmt.Errorf("importing %s: %w: choose a folder written by `deepr export --all` or a Deepr reports folder (folders with metadata.json and report.md)", abs, ErrNoReports)
	}
	for start := 0; start < len(folders); start += importBatch {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var items []store.Finished
		var names []string
		for _, rel := range folders[start:min(start+importBatch, len(folders))] {
			f, err := readFolder(filepath.Join(abs, filepath.FromSlash(rel)))
			if err != nil {
				res.Damaged = append(res.Damaged, Entry{Folder: rel, JobID: f.Job.ID, Reason: err.Error()})
				continue
			}
			items = append(items, f)
			names = append(names, rel)
		}
		errs, err := st.InsertFinished(ctx, items)
		if err != nil {
			return res, fmt.Errorf("importing %s: %w", abs, err)
		}
		for i, e := range errs {
			en := Entry{Folder: names[i], JobID: items[i].Job.ID}
			switch {
			case e == nil:
				res.Imported = append(res.Imported, en)
			case errors.Is(e, store.ErrExists):
				en.Reason = e.Error()
				res.Skipped = append(res.Skipped, en)
			default:
				en.Reason = e.Error()
				res.Damaged = append(res.Damaged, en)
			}
		}
	}
	return res, nil
}

// reportFolders lists the report folders of dir, relative, sorted.
func reportFolders(dir string) ([]string, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("%w (check the folder name)", err)
	}
	if !fi.IsDir() {
		return nil, errors.New("it is a file, not a folder: give the folder that holds the report folders")
	}
	if isReportFolder(dir) {
		return []string{"."}, nil
	}
	var out []string
	add := func(parent, prefix string, all bool) error {
		entries, err := os.ReadDir(parent)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			if all || isReportFolder(filepath.Join(parent, e.Name())) {
				out = append(out, prefix+e.Name())
			}
		}
		return nil
	}
	if err := add(dir, "", false); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(filepath.Join(dir, "reports")); err == nil && fi.IsDir() && !isReportFolder(filepath.Join(dir, "reports")) {
		if err := add(filepath.Join(dir, "reports"), "reports/", true); err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

func isReportFolder(dir string) bool {
	for _, name := range []string{mirror.MetadataFile, mirror.ReportFile} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// readFolder reads and checks one report folder. On error, the returned
// item holds the job id when metadata.json named one.
func readFolder(dir string) (store.Finished, error) {
	b, err := readSmall(filepath.Join(dir, mirror.MetadataFile), 16<<20)
	if err != nil {
		return store.Finished{}, err
	}
	var m metadata
	if err := json.Unmarshal(b, &m); err != nil {
		return store.Finished{}, fmt.Errorf("%s is not valid JSON: %v", mirror.MetadataFile, err)
	}
	f := store.Finished{Job: m.Job}
	if err := checkJob(m.Job); err != nil {
		return f, err
	}
	md, err := readSmall(filepath.Join(dir, mirror.ReportFile), maxReportBytes)
	if err != nil {
		return f, err
	}
	if !utf8.Valid(md) || strings.ContainsRune(string(md), 0) {
		return f, fmt.Errorf("%s is not text (not UTF-8, or holds NUL bytes)", mirror.ReportFile)
	}
	title := strings.Join(strings.Fields(m.Title), " ")
	if title == "" {
		title = m.Job.Title()
	}
	f.Job.ReportPath = ""
	created := m.Job.UpdatedAt
	if m.Job.FinishedAt != nil {
		created = *m.Job.FinishedAt
	}
	body := reportBody(string(md))
	if m.ReportMarkdown != nil {
		body = *m.ReportMarkdown
	}
	f.Report = store.Report{JobID: m.ID, Title: title, Markdown: body,
		Citations: m.Citations, CreatedAt: created, Questions: m.Questions}
	if f.Report.Citations == nil {
		f.Report.Citations = []job.Citation{}
	}
	return f, nil
}

// checkJob refuses metadata that lacks what a report needs.
func checkJob(j job.Job) error {
	missing := func(field string) error {
		return fmt.Errorf("%s has no %q", mirror.MetadataFile, field)
	}
	switch {
	case strings.TrimSpace(j.ID) == "":
		return missing("id")
	case j.Status == "":
		return missing("status")
	case !j.Status.Valid():
		return fmt.Errorf("%s has an unknown status %q", mirror.MetadataFile, j.Status)
	case j.Status != job.Completed && j.Status != job.Incomplete:
		return fmt.Errorf("job %s is %s: only completed or incomplete reports can be imported", j.ID, j.Status)
	case strings.TrimSpace(j.Prompt) == "":
		return missing("prompt")
	case j.CreatedAt.IsZero():
		return missing("created_at")
	}
	return nil
}

// readSmall reads a regular file of at most limit bytes.
func readSmall(path string, limit int64) ([]byte, error) {
	name := filepath.Base(path)
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s is missing", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s cannot be read: %v", name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s is too large (%d MB; at most %d MB)", name, fi.Size()>>20, limit>>20)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s cannot be read: %v", name, err)
	}
	return b, nil
}

// reportBody recovers the report text from a report.md written before
// metadata.json carried it: the header the mirror puts before it ("# title",
// "- Job: ..." lines, "---") and the "## Sources" list it appended (only
// numbered entries after it) are removed. A report.md without that header
// (written by hand or by another tool) is taken whole.
func reportBody(md string) string {
	if !strings.HasPrefix(md, "# ") {
		return md
	}
	i := strings.Index(md, "\n\n---\n\n")
	if i < 0 || !isMirrorHeader(md[:i]) {
		return md
	}
	md = md[i+len("\n\n---\n\n"):]
	if k := strings.LastIndex(md, "\n## Sources\n\n"); k >= 0 && onlyNumbered(md[k+len("\n## Sources\n\n"):]) {
		md = md[:k]
	}
	return strings.TrimSuffix(md, "\n")
}

// onlyNumbered reports whether every non-empty line of s is a numbered
// list entry ("3. ...").
func onlyNumbered(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l == "" {
			continue
		}
		n, _, ok := strings.Cut(l, ". ")
		if !ok || n == "" || strings.Trim(n, "0123456789") != "" {
			return false
		}
	}
	return true
}

// isMirrorHeader reports whether h is "# title" followed by a blank line
// and "- Key: value" lines, as mirror writes.
func isMirrorHeader(h string) bool {
	lines := strings.Split(h, "\n")
	if len(lines) < 3 || lines[1] != "" {
		return false
	}
	for _, l := range lines[2:] {
		if k, _, ok := strings.Cut(l, ": "); !ok || !strings.HasPrefix(k, "- ") {
			return false
		}
	}
	return true
}
