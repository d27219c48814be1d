package research

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/render"
	"github.com/deepr-desktop/deepr/backend/searchq"
	"github.com/deepr-desktop/deepr/backend/store"
)

// ReportView is a job with its report, rendered for the reader.
type ReportView struct {
	Job       job.Job        `json:"job"`
	HTML      string         `json:"html"` // sanitized by package render
	Markdown  string         `json:"markdown"`
	Citations []job.Citation `json:"citations"`
	// Questions are the questions asked about the report, oldest first.
	Questions []Question `json:"questions"`
}

// Report returns a job with its saved report. A job without one gives an
// *Error: ErrNotFinished while it is active, ErrNotFound otherwise, with
// the job's own error as the reason.
func (s *Service) Report(ctx context.Context, id string) (ReportView, error) {
	j, rep, err := s.report(ctx, id)
	if err != nil {
		return ReportView{}, err
	}
	return ReportView{Job: j, HTML: render.HTML(rep.Markdown, rep.Citations), Markdown: rep.Markdown, Citations: rep.Citations, Questions: questionsOf(rep)}, nil
}

func (s *Service) report(ctx context.Context, id string) (job.Job, store.Report, error) {
	j, err := s.get(ctx, id)
	if err != nil {
		return job.Job{}, store.Report{}, err
	}
	j = s.withActions(ctx, j)
	rep, err := s.st.GetReport(ctx, j.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && rep.Markdown == "") {
		e := &Error{Kind: ErrNotFound, JobID: j.ID, Status: j.Status, Msg: fmt.Sprintf("job %s has no report text (%s)", j.ID, j.Status)}
		if j.Status.Active() || j.Status == job.Unconfirmed {
			e.Kind = ErrNotFinished
			e.Msg = fmt.Sprintf("job %s has not finished yet (%s)", j.ID, j.Status)
		} else if j.Error != "" {
			e.Msg += ": " + j.Error
		}
		return j, store.Report{}, e
	}
	if err != nil {
		return j, store.Report{}, err
	}
	if rep.Citations == nil {
		rep.Citations = []job.Citation{}
	}
	return j, rep, nil
}

// Formats of RenderReport.
const (
	FormatMarkdown = "md"
	FormatHTML     = "html"
)

// RenderReport returns a job's report as Markdown (with its numbered
// Sources list) or as sanitized HTML, and the job.
func (s *Service) RenderReport(ctx context.Context, id, format string) (string, job.Job, error) {
	if format != FormatMarkdown && format != FormatHTML {
		return "", job.Job{}, invalid("format", "the format must be md or html, not %q", format)
	}
	j, rep, err := s.report(ctx, id)
	if err != nil {
		return "", j, err
	}
	if format == FormatHTML {
		return render.HTML(rep.Markdown, rep.Citations), j, nil
	}
	return render.Markdown(rep.Markdown, rep.Citations), j, nil
}

// ReportData is a job with its raw report, for JSON output.
type ReportData struct {
	Job       job.Job        `json:"job"`
	Markdown  string         `json:"report"`
	Citations []job.Citation `json:"citations"`
	Questions []Question     `json:"questions"`
}

// ReportJSON returns the job and its report text; a job without a report
// comes back with an empty text and no error, so scripts always get the job.
func (s *Service) ReportJSON(ctx context.Context, id string) (ReportData, error) {
	j, rep, err := s.report(ctx, id)
	if err != nil && j.ID == "" {
		return ReportData{}, err
	}
	if rep.Citations == nil {
		rep.Citations = []job.Citation{}
	}
	return ReportData{Job: j, Markdown: rep.Markdown, Citations: rep.Citations, Questions: questionsOf(rep)}, nil
}

// questionsOf is the questions GetReport read with the report, as a list
// that is never nil (JSON: [] rather than null).
func questionsOf(rep store.Report) []Question {
	if rep.Questions == nil {
		return []Question{}
	}
	return rep.Questions
}

// SearchRequest is a library query.
type SearchRequest struct {
	Query  string `json:"query"`
	Status string `json:"status"` // "", "all", or a status name
	Model  string `json:"model"`
	Since  string `json:"since"` // YYYY-MM-DD or ""
	Until  string `json:"until"` // YYYY-MM-DD or "" (inclusive)
	Sort   string `json:"sort"`  // "" | "relevance" | "date"
	Limit  int    `json:"limit"` // 0: 50; at most 200
	Offset int    `json:"offset"`
}

// SearchHit is one library result. Snippet is plain text; SnippetHTML is
// the same text escaped, with <mark> around the matches.
type SearchHit struct {
	Job         job.Job `json:"job"`
	Snippet     string  `json:"snippet"`
	SnippetHTML string  `json:"snippet_html"`
	raw         string
}

// Marked returns the snippet with open/close around each match (for a
// terminal, say), whitespace flattened.
func (h SearchHit) Marked(open, close string) string {
	return flatten(strings.NewReplacer("\x02", open, "\x03", close).Replace(h.raw))
}

func flatten(s string) string { return strings.Join(strings.Fields(s), " ") }

// SearchResult is one page of library results. Total is how many reports
// match in all (every page says the same).
type SearchResult struct {
	Hits    []SearchHit `json:"hits"`
	Total   int         `json:"total"`
	HasMore bool        `json:"has_more"`
}

// Search runs a library query, one page at a time.
func (s *Service) Search(ctx context.Context, r SearchRequest) (SearchResult, error) {
	o := store.SearchOptions{Model: strings.TrimSpace(r.Model), Sort: r.Sort, Offset: r.Offset}
	if r.Sort != "" && r.Sort != "relevance" && r.Sort != "date" {
		return SearchResult{}, invalid("sort", "sort must be relevance or date, not %q", r.Sort)
	}
	if r.Limit < 0 || r.Limit > 200 {
		return SearchResult{}, invalid("limit", "the limit must be between 1 and 200, not %d", r.Limit)
	}
	if r.Limit == 0 {
		r.Limit = 50
	}
	if r.Offset < 0 {
		return SearchResult{}, invalid("offset", "the offset must not be negative")
	}
	o.Limit = r.Limit
	if r.Status != "" && r.Status != "all" {
		sts, err := ParseStatuses([]string{r.Status})
		if err != nil {
			return SearchResult{}, err
		}
		o.Statuses = sts
	}
	var err error
	if o.Since, err = parseDay(r.Since, "since"); err != nil {
		return SearchResult{}, err
	}
	if o.Until, err = parseDay(r.Until, "until"); err != nil {
		return SearchResult{}, err
	}
	if !o.Until.IsZero() {
		o.Until = o.Until.Add(24*time.Hour - time.Nanosecond)
	}
	found, err := s.st.Search(ctx, r.Query, o)
	var qe *searchq.QueryError
	if errors.As(err, &qe) {
		return SearchResult{}, &Error{Kind: ErrInvalid, Field: "query", Msg: qe.Msg, Err: err}
	}
	if err != nil {
		return SearchResult{}, err
	}
	hits := found.Hits
	res := SearchResult{Hits: []SearchHit{}, Total: found.Total}
	res.HasMore = r.Offset+len(hits) < found.Total
	jobs := make([]job.Job, len(hits))
	for i, h := range hits {
		jobs[i] = h.Job
	}
	if jobs, err = s.withActionsAll(ctx, jobs); err != nil {
		return SearchResult{}, err
	}
	for i, h := range hits {
		res.Hits = append(res.Hits, SearchHit{
			Job:         jobs[i],
			Snippet:     flatten(strings.NewReplacer("\x02", "", "\x03", "").Replace(h.Snippet)),
			SnippetHTML: render.Snippet(h.Snippet),
			raw:         h.Snippet,
		})
	}
	return res, nil
}

func parseDay(s, field string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return time.Time{}, invalid(field, "the %q date %q is not a date like 2026-01-31", field, s)
	}
	return t, nil
}
