package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

func TestInsertFinished(t *testing.T) {
	e := setup(t)
	old := e.create(job.Job{ID: "existing", Status: job.Running, Prompt: "already here", ProviderJobID: "resp_taken"})
	created := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	fin := created.Add(time.Hour)
	good := job.Job{ID: "imported1", Status: job.Completed, Provider: "openai", Model: "o3-deep-research",
		Prompt: "Kumquat markets", ProviderJobID: "resp_new", Attempt: 2, CostUSD: 1.25,
		Usage: job.Usage{InputTokens: 10, OutputTokens: 20}, CreatedAt: created, SubmittedAt: &created, FinishedAt: &fin,
		NextPollAt: created, Version: 7, ReportPath: "/elsewhere"}
	cites := []job.Citation{{Index: 1, URL: "https://www.example.jp/k", Title: "Kumquat board", Start: 0, End: 7}}
	items := []Finished{
		{Job: good, Report: Report{Title: "Kumquats", Markdown: "Kumquat **prices** rose.", Citations: cites}},
		{Job: job.Job{ID: old.ID, Status: job.Completed, Prompt: "dup"}, Report: Report{Markdown: "dup"}},
		{Job: job.Job{ID: "samerun", Status: job.Completed, Prompt: "dup run", ProviderJobID: "resp_taken"}, Report: Report{Markdown: "x"}},
		{Job: job.Job{ID: "running", Status: job.Running, Prompt: "not finished"}, Report: Report{Markdown: "x"}},
		{Job: job.Job{Status: job.Completed, Prompt: "no id"}, Report: Report{Markdown: "x"}},
		{Job: job.Job{ID: "other", Status: job.Completed, Prompt: "p"}, Report: Report{JobID: "else", Markdown: "x"}},
		{Job: job.Job{ID: "imported2", Status: job.Incomplete, Prompt: "Partial"}, Report: Report{Markdown: "Partial kumquat text"}},
	}
	errs, err := e.st.InsertFinished(e.ctx, items)
	if err != nil {
		t.Fatalf("InsertFinished: %v", err)
	}
	wantErr := []string{"", "already in the library", "already in the library as job existing", "only completed or incomplete", "no id", "belongs to job else", ""}
	for i, w := range wantErr {
		switch {
		case w == "" && errs[i] != nil:
			t.Errorf("item %d: %v, want it added", i, errs[i])
		case w != "" && (errs[i] == nil || !strings.Contains(errs[i].Error(), w)):
			t.Errorf("item %d: %v, want an error saying %q", i, errs[i], w)
		}
	}
	if !errors.Is(errs[1], ErrExists) || !errors.Is(errs[2], ErrExists) || errors.Is(errs[3], ErrExists) {
		t.Errorf("ErrExists on %v, want on items 1 and 2 only", errs)
	}
	got := e.get("imported1")
	want := good
	want.Version, want.UpdatedAt, want.QueuedAt = 1, e.clock.Now(), created
	sameJob(t, "imported job", got, want)
	rep, err := e.st.GetReport(e.ctx, "imported1")
	if err != nil || rep.Title != "Kumquats" || rep.Markdown != "Kumquat **prices** rose." || len(rep.Citations) != 1 || rep.Citations[0] != cites[0] {
		t.Errorf("imported report = %+v, %v", rep, err)
	}
	if ids := strings.Join(e.searchIDs("kumquat", SearchOptions{}), ","); ids != "imported1,imported2" {
		t.Errorf("search kumquat = %s, want both imported reports", ids)
	}
	if ids := e.searchIDs("example.jp", SearchOptions{}); len(ids) != 1 {
		t.Errorf("search example.jp = %v, want imported1", ids)
	}
	if n := e.count(`SELECT count(*) FROM jobs`); n != 3 {
		t.Errorf("%d jobs, want 3 (refused items leave nothing behind)", n)
	}
	if j := e.get(old.ID); j.Prompt != "already here" {
		t.Errorf("the existing job changed: %+v", j)
	}
}

func TestInsertFinishedCancelled(t *testing.T) {
	e := setup(t)
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	_, err := e.st.InsertFinished(ctx, []Finished{{Job: job.Job{ID: "a", Status: job.Completed, Prompt: "p"}}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("InsertFinished with a cancelled context = %v, want context.Canceled", err)
	}
	if n := e.count(`SELECT count(*) FROM jobs`); n != 0 {
		t.Errorf("%d jobs written, want 0", n)
	}
}
