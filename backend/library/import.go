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
	JobID  string `json:"job_id,omitempty"` // when known: the id the job has in the library
	// OriginID is the id the folder's job had where it came from, when
	// that id was not one Deepr makes (job.Job.OriginID: cleaned, cut
	// short); JobID is the one it has here.
	OriginID string `json:"origin_id,omitempty"`
	// Reason says why the folder was skipped or is damaged; for an
	// imported one, what changed on the way in ("" when nothing did).
	Reason string `json:"reason,omitempty"`
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
// with the reason and never stop the others. Imported jobs keep their id
// when it is one Deepr makes (job.ValidID) and get a new one otherwise,
// the old kept as OriginID (a folder whose old id is already a job's
// OriginID is skipped); a parent id follows its job's new id, and one that
// is not canonical and is neither in the import nor in st is dropped (the
// entry says so). Jobs keep their status, times, usage and cost, lose the
// control characters of their text (cleanText), are searchable as soon as
// Import returns, and have no report_path (no copy in this data folder
// yet). The error is
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
	ids := &idMap{st: st, as: map[string]string{}}
	var later batch // items whose parent may come in a later batch
	for start := 0; start < len(folders); start += importBatch {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var read batch
		for _, rel := range folders[start:min(start+importBatch, len(folders))] {
			f, err := readFolder(filepath.Join(abs, filepath.FromSlash(rel)))
			if err != nil {
				en := Entry{Folder: rel, Reason: err.Error()}
				if id := f.Job.ID; job.ValidID(id) {
					en.JobID = id
				} else if id != "" {
					en.OriginID = originOf(id)
				}
				res.Damaged = append(res.Damaged, en)
				continue
			}
			read.add(f, rel, "")
		}
		already, wait, err := ids.plan(ctx, read.items)
		if err != nil {
			return res, fmt.Errorf("importing %s: %w", abs, err)
		}
		var now batch
		for i, f := range read.items {
			switch {
			case already[i] != "":
				res.Skipped = append(res.Skipped, Entry{Folder: read.names[i], JobID: f.Job.ID, OriginID: f.Job.OriginID, Reason: already[i]})
			case wait[i]:
				later.add(f, read.names[i], "")
			default:
				now.add(f, read.names[i], "")
			}
		}
		if err := now.insert(ctx, st, &res); err != nil {
			return res, fmt.Errorf("importing %s: %w", abs, err)
		}
	}
	for i := range later.items {
		if later.notes[i], err = ids.settle(ctx, &later.items[i]); err != nil {
			return res, fmt.Errorf("importing %s: %w", abs, err)
		}
	}
	if err := later.insert(ctx, st, &res); err != nil {
		return res, fmt.Errorf("importing %s: %w", abs, err)
	}
	return res, nil
}

// batch is report folders read, to be written together.
type batch struct {
	items []store.Finished
	names []string // their folders
	notes []string // what changed on the way in
}

func (b *batch) add(f store.Finished, name, note string) {
	b.items, b.names, b.notes = append(b.items, f), append(b.names, name), append(b.notes, note)
}

// insert writes the batch and puts each folder in res: imported, skipped
// (already in the library) or damaged.
func (b *batch) insert(ctx context.Context, st *store.Store, res *ImportResult) error {
	if len(b.items) == 0 {
		return nil
	}
	errs, err := st.InsertFinished(ctx, b.items)
	if err != nil {
		return err
	}
	for i, e := range errs {
		en := Entry{Folder: b.names[i], JobID: b.items[i].Job.ID, OriginID: b.items[i].Job.OriginID}
		switch {
		case e == nil:
			en.Reason = b.notes[i]
			res.Imported = append(res.Imported, en)
		case errors.Is(e, store.ErrExists):
			en.Reason = e.Error()
			res.Skipped = append(res.Skipped, en)
		default:
			en.Reason = e.Error()
			res.Damaged = append(res.Damaged, en)
		}
	}
	return nil
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
		return fmt.Errorf("%s has an unknown status %s", mirror.MetadataFile, shownID(string(j.Status)))
	case j.Status != job.Completed && j.Status != job.Incomplete:
		return fmt.Errorf("job %s is %s: only completed or incomplete reports can be imported", shownID(j.ID), j.Status)
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
