package research_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

var teaCites = []job.Citation{
	{Index: 1, URL: "https://example.com/tea", Title: "Tea history", Start: 0, End: 3},
	{Index: 2, URL: "https://example.org/leaf", Title: "Leaves", Start: 10, End: 13},
}

const teaReport = "Tea is an old drink.\n\n<script>alert(1)</script>\n"

func TestReportOfAFinishedJob(t *testing.T) {
	u := newUnit(t, nil)
	done := u.finish(job.Completed, teaReport, teaCites)

	v, err := u.svc.Report(u.ctx, done.ID[:5])
	if err != nil {
		t.Fatal(err)
	}
	if v.Job.ID != done.ID || v.Markdown != teaReport || len(v.Citations) != 2 || !slices.Contains(v.Job.Actions, job.ActionOpen) {
		t.Errorf("Report = %+v", v)
	}
	if v.HTML == "" || strings.Contains(v.HTML, "<script") || !strings.Contains(v.HTML, "https://example.com/tea") {
		t.Errorf("HTML is not the sanitized report with its sources: %s", v.HTML)
	}

	md, j, err := u.svc.RenderReport(u.ctx, done.ID, research.FormatMarkdown)
	if err != nil || j.ID != done.ID {
		t.Fatalf("RenderReport(md) = %v, job %s", err, j.ID)
	}
	// Each cited span is followed by its number, and one Sources list ends it.
	if !strings.HasPrefix(md, `Tea[\[1\]](<https://example.com/tea>) is an old[\[2\]]`) || strings.Count(md, "## Sources") != 1 ||
		!strings.Contains(md, "1. [Tea history](<https://example.com/tea>)") || !strings.Contains(md, "2. [Leaves](<https://example.org/leaf>)") {
		t.Errorf("markdown = %q, want the report with numbered citations, then one Sources list", md)
	}
	html, _, err := u.svc.RenderReport(u.ctx, done.ID, research.FormatHTML)
	if err != nil || html != v.HTML {
		t.Errorf("RenderReport(html) = %v, differs from Report's HTML: %v", err, html != v.HTML)
	}
	_, _, err = u.svc.RenderReport(u.ctx, done.ID, "pdf")
	wantError(t, err, research.ErrInvalid, "format")

	data, err := u.svc.ReportJSON(u.ctx, done.ID)
	if err != nil || data.Job.ID != done.ID || data.Markdown != teaReport || len(data.Citations) != 2 {
		t.Errorf("ReportJSON = %+v, %v", data, err)
	}

	// An incomplete run with partial text opens like a completed one.
	partial := u.finish(job.Incomplete, "Half a report.", nil)
	if v, err := u.svc.Report(u.ctx, partial.ID); err != nil || v.Markdown != "Half a report." || v.Citations == nil {
		t.Errorf("Report(incomplete with text) = %+v, %v", v, err)
	}
}

func TestReportOfAJobWithoutOne(t *testing.T) {
	u := newUnit(t, nil)
	for _, st := range []job.Status{job.Queued, job.Running, job.Unconfirmed} {
		j := u.mkJob(st)
		_, err := u.svc.Report(u.ctx, j.ID)
		if e := wantError(t, err, research.ErrNotFinished, ""); e.JobID != j.ID || e.Status != st {
			t.Errorf("Report(%s): error names %s %s", st, e.JobID, e.Status)
		}
		_, got, err := u.svc.RenderReport(u.ctx, j.ID, research.FormatMarkdown)
		wantError(t, err, research.ErrNotFinished, "")
		if got.ID != j.ID {
			t.Errorf("RenderReport(%s) returned job %q, want the job with the error", st, got.ID)
		}
		// Scripts always get the job: no error, no text.
		data, err := u.svc.ReportJSON(u.ctx, j.ID)
		if err != nil || data.Job.ID != j.ID || data.Job.Status != st || data.Markdown != "" || data.Citations == nil {
			t.Errorf("ReportJSON(%s) = %+v, %v", st, data, err)
		}
	}
	for _, st := range []job.Status{job.Failed, job.Cancelled, job.Incomplete} {
		j := u.mkJob(st)
		_, err := u.svc.Report(u.ctx, j.ID)
		if e := wantError(t, err, research.ErrNotFound, ""); !strings.Contains(e.Msg, "some error") {
			t.Errorf("Report(%s without text) = %q, want the job's own error in it", st, e.Msg)
		}
		_, _, err = u.svc.RenderReport(u.ctx, j.ID, research.FormatHTML)
		wantError(t, err, research.ErrNotFound, "")
	}
	empty := u.finish(job.Completed, "", nil)
	_, err := u.svc.Report(u.ctx, empty.ID)
	wantError(t, err, research.ErrNotFound, "")

	for _, call := range []func() error{
		func() error { _, err := u.svc.Report(u.ctx, "nope"); return err },
		func() error { _, _, err := u.svc.RenderReport(u.ctx, "nope", research.FormatMarkdown); return err },
		func() error { _, err := u.svc.ReportJSON(u.ctx, "nope"); return err },
	} {
		wantError(t, call(), research.ErrNotFound, "")
	}
}

func TestSearchPages(t *testing.T) {
	u := newUnit(t, nil)
	var tea []string
	for i := 0; i < 3; i++ {
		tea = append(tea, u.finish(job.Completed, "A report on green matcha, number "+string(rune('1'+i))+".", nil).ID)
	}
	u.finish(job.Completed, "A report on coffee.", nil)

	all, err := u.svc.Search(u.ctx, research.SearchRequest{Query: "matcha"})
	if err != nil || len(all.Hits) != 3 || all.HasMore {
		t.Fatalf("Search(matcha) = %d hits, more %v, %v; want 3, false", len(all.Hits), all.HasMore, err)
	}
	h := all.Hits[0]
	if !strings.Contains(h.Snippet, "matcha") || strings.ContainsAny(h.Snippet, "\x02\x03") ||
		!strings.Contains(h.SnippetHTML, "<mark>matcha</mark>") || !strings.Contains(h.Marked("[", "]"), "[matcha]") {
		t.Errorf("hit = snippet %q, html %q, marked %q", h.Snippet, h.SnippetHTML, h.Marked("[", "]"))
	}
	if !slices.Equal(h.Job.Actions, []string{"open", "follow_up", "edit", "delete"}) {
		t.Errorf("a hit's job has actions %v", h.Job.Actions)
	}

	var seen []string
	for _, page := range []struct {
		offset, n int
		more      bool
	}{{0, 2, true}, {2, 1, false}} {
		res, err := u.svc.Search(u.ctx, research.SearchRequest{Query: "matcha", Sort: "date", Limit: 2, Offset: page.offset})
		if err != nil || len(res.Hits) != page.n || res.HasMore != page.more {
			t.Fatalf("page at %d = %d hits, more %v, %v; want %d, %v", page.offset, len(res.Hits), res.HasMore, err, page.n, page.more)
		}
		for _, h := range res.Hits {
			seen = append(seen, h.Job.ID)
		}
	}
	slices.Sort(seen)
	slices.Sort(tea)
	if !slices.Equal(seen, tea) {
		t.Errorf("the pages hold %v, want each tea report once: %v", seen, tea)
	}

	if res, err := u.svc.Search(u.ctx, research.SearchRequest{Limit: 200, Status: "all"}); err != nil || len(res.Hits) != 4 {
		t.Errorf("browse everything = %d hits, %v; want 4", len(res.Hits), err)
	}
	if res, err := u.svc.Search(u.ctx, research.SearchRequest{Query: "matcha", Status: "failed"}); err != nil || len(res.Hits) != 0 {
		t.Errorf("status filter = %d hits, %v; want 0", len(res.Hits), err)
	}
	// The reports finished on 2026-03-01 (UTC); the days are local ones.
	if res, err := u.svc.Search(u.ctx, research.SearchRequest{Query: "matcha", Since: "2026-02-28", Until: "2026-03-02"}); err != nil || len(res.Hits) != 3 {
		t.Errorf("a range around the reports = %d hits, %v; want 3", len(res.Hits), err)
	}
	if res, err := u.svc.Search(u.ctx, research.SearchRequest{Query: "matcha", Since: "2026-03-03"}); err != nil || len(res.Hits) != 0 {
		t.Errorf("a range after the reports = %d hits, %v; want 0", len(res.Hits), err)
	}
}

func TestSearchValidates(t *testing.T) {
	u := newUnit(t, nil)
	for _, tc := range []struct {
		in    research.SearchRequest
		field string
	}{
		{research.SearchRequest{Sort: "best"}, "sort"},
		{research.SearchRequest{Offset: -1}, "offset"},
		{research.SearchRequest{Limit: 201}, "limit"},
		{research.SearchRequest{Limit: -1}, "limit"},
		{research.SearchRequest{Status: "done"}, "status"},
		{research.SearchRequest{Since: "yesterday"}, "since"},
		{research.SearchRequest{Until: "2026-13-01"}, "until"},
	} {
		_, err := u.svc.Search(u.ctx, tc.in)
		wantError(t, err, research.ErrInvalid, tc.field)
	}
}
