package research

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/deepr-desktop/deepr/backend/export"
	"github.com/deepr-desktop/deepr/backend/library"
	"github.com/deepr-desktop/deepr/backend/mirror"
)

// ExportFormats lists the formats of ExportReport.
func ExportFormats() []string { return export.Formats() }

// ExportRequest asks for one report in a format, written to a file.
type ExportRequest struct {
	ID     string `json:"id"`
	Format string `json:"format"` // md | html | pdf | docx
	Output string `json:"output"` // the file to write (replaced atomically)
}

// ExportResult says what was written.
type ExportResult struct {
	Path   string `json:"path"`
	Format string `json:"format"`
	Bytes  int64  `json:"bytes"`
	// Missing are the characters a PDF could not draw (no embedded font
	// has them), "" when none; Warning says so to the user and names the
	// formats that keep them.
	Missing string `json:"missing,omitempty"`
	Warning string `json:"warning,omitempty"`
}

// ExportFileName is a default file name for a job's report in format.
func (s *Service) ExportFileName(ctx context.Context, id, format string) (string, error) {
	f, err := export.ParseFormat(format)
	if err != nil {
		return "", invalid("format", "%s", err.Error())
	}
	j, err := s.get(ctx, id)
	if err != nil {
		return "", err
	}
	return export.FileName(j, f), nil
}

// ExportReport writes a job's report with its numbered citations, Sources
// list and a header (prompt, model, dates, cost) in one format. The file
// appears whole or not at all.
func (s *Service) ExportReport(ctx context.Context, r ExportRequest) (ExportResult, error) {
	f, err := export.ParseFormat(r.Format)
	if err != nil {
		return ExportResult{}, invalid("format", "%s", err.Error())
	}
	out := strings.TrimSpace(r.Output)
	if out == "" {
		return ExportResult{}, invalid("output", "no output file given")
	}
	doc, err := s.exportDoc(ctx, r.ID)
	if err != nil {
		return ExportResult{}, err
	}
	j := doc.Job
	abs, err := filepath.Abs(out)
	if err != nil {
		return ExportResult{}, invalid("output", "%q is not a usable file name: %v", out, err)
	}
	tmp, err := mirror.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".*", 0o666) // to share: the umask decides
	if err != nil {
		return ExportResult{}, invalid("output", "cannot write in %s: %v", filepath.Dir(abs), err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	exres, err := export.Export(tmp, f, doc)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return ExportResult{}, fmt.Errorf("exporting job %s as %s: %w", j.ID, f, err)
	}
	if err := os.Rename(tmp.Name(), abs); err != nil {
		return ExportResult{}, fmt.Errorf("saving %s: %w", abs, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return ExportResult{}, err
	}
	return ExportResult{Path: abs, Format: f, Bytes: fi.Size(), Missing: exres.Missing, Warning: exres.Warning()}, nil
}

// exportDoc is what an export of job id holds.
func (s *Service) exportDoc(ctx context.Context, id string) (export.Report, error) {
	j, rep, err := s.report(ctx, id)
	if err != nil {
		return export.Report{}, err
	}
	qas := make([]export.QA, len(rep.Questions))
	for i, q := range rep.Questions {
		qas[i] = export.QA{Question: q.Question, Answer: q.Answer, Model: q.Model, AskedAt: q.CreatedAt}
	}
	return export.Report{Job: j, Title: rep.Title, Markdown: rep.Markdown, Citations: rep.Citations, Questions: qas}, nil
}

// ExportMarkdown is a job's Markdown export as text, byte for byte what
// ExportReport writes in format md (the reader's "Copy as Markdown").
func (s *Service) ExportMarkdown(ctx context.Context, id string) (string, error) {
	doc, err := s.exportDoc(ctx, id)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if _, err := export.Export(&b, export.Markdown, doc); err != nil {
		return "", err
	}
	return b.String(), nil
}

// LibraryExport is what ExportLibrary wrote.
type LibraryExport = library.ExportResult

// ExportLibrary writes every report into dir in the mirror's layout (one
// folder per report: report.md + metadata.json) plus index.json and index.md.
func (s *Service) ExportLibrary(ctx context.Context, dir string) (LibraryExport, error) {
	if strings.TrimSpace(dir) == "" {
		return LibraryExport{}, invalid("output", "no output folder given")
	}
	return library.ExportAll(ctx, s.st, dir)
}

// ImportResult says what happened to every report folder of an import.
type ImportResult = library.ImportResult

// maxImportEvents bounds the job events one import sends.
const maxImportEvents = 500

// ImportLibrary takes report folders (an export, a data folder, another
// machine's mirror) into the library: duplicates are skipped, damaged
// folders listed with the reason, and every imported report is searchable
// at once (and told to the faces). Imported reports get their own folder in
// this data folder's mirror, and so do those an interrupted earlier import
// left without one.
func (s *Service) ImportLibrary(ctx context.Context, dir string) (ImportResult, error) {
	if strings.TrimSpace(dir) == "" {
		return ImportResult{}, invalid("dir", "no folder given")
	}
	res, err := library.Import(ctx, s.st, dir)
	if errors.Is(err, library.ErrNoReports) {
		return res, invalid("dir", "%s holds no report folders (folders with report.md and metadata.json, as Deepr exports them)", dir)
	}
	if err != nil {
		return res, err
	}
	// Every report the database has without a good folder gets one now:
	// this import's, and those an earlier import left when it was stopped
	// (its re-run skips them as already imported).
	if h, err := mirror.Heal(ctx, s.st, s.dirs.Data, 0); err != nil || h.Err != nil {
		s.log.WithError(errors.Join(err, h.Err)).Warn("could not write every imported report's folder; the poller tries again")
	}
	if len(res.Imported) > 0 {
		for i, e := range res.Imported {
			if i == maxImportEvents { // past this a face reloads its lists instead
				break
			}
			if j, err := s.st.GetJob(ctx, e.JobID); err == nil {
				s.emitJob(ctx, j)
			}
		}
	}
	return res, nil
}
