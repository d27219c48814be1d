package store

import (
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// TestMigrateHelperFromV4WithData: a database at schema version 4 (v1
// data, then 0002-0004) opens with every job, report, citation and
// attempt kept (every attempt research), and questions work on it at once.
func TestMigrateHelperFromV4WithData(t *testing.T) {
	e, db, jobs, reports := oldSchema(t, 4)
	if _, err := db.Exec(`UPDATE jobs SET parent_id = 'done0000001', parent_context = 'report' WHERE id = 'part0000002'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 4"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	e.st = e.open()
	for id, want := range jobs {
		got := e.get(id)
		if id == "part0000002" {
			want.ParentID, want.ParentContext = "done0000001", job.ContextReport
		}
		sameJob(t, "job "+id+" after migrating", got, want)
	}
	for id, want := range reports {
		if got, err := e.st.GetReport(e.ctx, id); err != nil || got.Markdown != want.Markdown || len(got.Citations) != len(want.Citations) {
			t.Errorf("report of %s after migrating: %+v, %v", id, got, err)
		}
	}
	if n := e.count(`SELECT count(*) FROM attempts WHERE kind = 'research'`); n != 4 {
		t.Errorf("%d research attempts after migrating, want 4", n)
	}
	before, _ := e.st.MonthSpend(e.ctx, "2025-03")
	history, _ := e.st.CostHistory(e.ctx)

	// A question about the migrated tea report.
	q, err := e.st.SaveQuestion(e.ctx, Question{JobID: "done0000001", Question: "Which tea is shade-grown?",
		Answer: "Gyokuro, per the report [1].", Provider: "openai", Model: "gpt-4.1-mini",
		Usage: job.Usage{InputTokens: 900, OutputTokens: 40}, CostUSD: 0.000424})
	if err != nil {
		t.Fatal(err)
	}
	if q.ID == "" || q.CreatedAt.IsZero() {
		t.Fatalf("saved question = %+v, want an id and a time", q)
	}
	qs, err := e.st.Questions(e.ctx, "done0000001")
	if err != nil || len(qs) != 1 || qs[0].Answer != q.Answer || !qs[0].CreatedAt.Equal(q.CreatedAt) || qs[0].Usage.InputTokens != 900 {
		t.Fatalf("Questions = %+v, %v", qs, err)
	}
	// Searchable: the question's words and the answer's.
	for _, w := range []string{"gyokuro", "shade"} {
		if hits, err := hitsOf(e.st.Search(e.ctx, w, SearchOptions{})); err != nil || len(hits) != 1 || hits[0].Job.ID != "done0000001" {
			t.Errorf("search %q after the question: %v, %v", w, hits, err)
		}
	}
	// Counted in the month's spend as its own entry, not in the history.
	sp, _ := e.st.MonthSpend(e.ctx, "2025-03")
	var ask JobSpend
	for _, js := range sp.Jobs {
		if js.JobID == q.ID {
			ask = js
		}
	}
	if d := sp.SpentUSD - before.SpentUSD; d < 0.000423 || d > 0.000425 || len(sp.Jobs) != len(before.Jobs)+1 || ask.Kind != KindAsk ||
		ask.About != "done0000001" || ask.Deleted || ask.Title != "Question: Which tea is shade-grown?" || ask.Model != "gpt-4.1-mini" {
		t.Errorf("spend after the question: %+v (before %v)", sp, before.SpentUSD)
	}
	if h, _ := e.st.CostHistory(e.ctx); len(h) != len(history) || len(h["openai/gpt-4.1-mini"]) != 0 {
		t.Errorf("cost history counts the helper call: %v", h)
	}
	months, _ := e.st.SpendMonths(e.ctx)
	if len(months) != 1 || months[0].JobCount != 4 {
		t.Errorf("months = %+v, want March with its 4 research jobs (not the question)", months)
	}
	// A clarify call is counted the same way.
	e.clock.Advance(time.Minute)
	if c, err := e.st.RecordHelperCall(e.ctx, HelperCall{Kind: KindClarify, Provider: "openai", Model: "gpt-4.1-mini", Title: "Clarify: tea", CostUSD: 0.001}); err != nil || c.ID == "" {
		t.Fatalf("RecordHelperCall = %+v, %v", c, err)
	}
	if _, err := e.st.RecordHelperCall(e.ctx, HelperCall{Kind: "research"}); err == nil {
		t.Error("RecordHelperCall of kind research: no error")
	}
	// Deleting the report deletes its questions; what they cost stays.
	if err := e.st.DeleteJob(e.ctx, "done0000001"); err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT count(*) FROM questions`); n != 0 {
		t.Errorf("%d questions after deleting the report", n)
	}
	if n := e.count(`SELECT count(*) FROM attempts WHERE kind <> 'research'`); n != 2 {
		t.Errorf("%d helper attempts after deleting the report, want 2", n)
	}
}
