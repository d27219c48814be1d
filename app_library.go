package main

import (
	"context"
	"strings"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/deepr-desktop/deepr/backend/research"
)

// The window's library calls: a native dialog picks the file or folder,
// then one service use case does the work. Bound calls run off the UI
// thread, so a large export does not freeze the window; "" as the path
// means the user cancelled the dialog.

// ExportReport asks where to save a report in format, then writes it.
func (a *App) ExportReport(id, format string) (research.ExportResult, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.ExportResult, error) {
		name, err := s.ExportFileName(ctx, id, format)
		if err != nil {
			return research.ExportResult{}, err
		}
		path, err := a.host.saveFile(wruntime.SaveDialogOptions{
			Title: "Export report", DefaultFilename: name, CanCreateDirectories: true,
			Filters: []wruntime.FileFilter{{DisplayName: strings.ToUpper(format), Pattern: "*." + strings.ToLower(format)}},
		})
		if err != nil || path == "" {
			return research.ExportResult{}, err
		}
		return s.ExportReport(ctx, research.ExportRequest{ID: id, Format: format, Output: path})
	})
}

// ReportMarkdown is a report as its Markdown export writes it (the
// reader's Copy as Markdown).
func (a *App) ReportMarkdown(id string) (string, error) {
	return call(a, func(s *research.Service, ctx context.Context) (string, error) { return s.ExportMarkdown(ctx, id) })
}

// ExportLibrary asks for a folder, then writes every report into it.
func (a *App) ExportLibrary() (research.LibraryExport, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.LibraryExport, error) {
		dir, err := a.host.pickFolder(wruntime.OpenDialogOptions{Title: "Export the library into a folder", CanCreateDirectories: true})
		if err != nil || dir == "" {
			return research.LibraryExport{}, err
		}
		return s.ExportLibrary(ctx, dir)
	})
}

// ImportLibrary asks for a folder of reports, then imports them.
func (a *App) ImportLibrary() (research.ImportResult, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.ImportResult, error) {
		dir, err := a.host.pickFolder(wruntime.OpenDialogOptions{Title: "Import reports from a folder"})
		if err != nil || dir == "" {
			return research.ImportResult{}, err
		}
		return s.ImportLibrary(ctx, dir)
	})
}

// Similar lists up to three saved reports on the subject of a prompt being
// typed, so the user can read one instead of paying again.
func (a *App) Similar(prompt string) ([]research.SimilarReport, error) {
	return call(a, func(s *research.Service, ctx context.Context) ([]research.SimilarReport, error) {
		return s.Similar(ctx, prompt)
	})
}

// Thread returns the line of research a job belongs to: the job it
// followed up on, its follow-ups and their combined cost.
func (a *App) Thread(id string) (research.Thread, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.Thread, error) {
		return s.Thread(ctx, id)
	})
}
