package store

import (
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

// TestViaIsKeptWithTheSpend: a job an assistant submitted keeps its Via,
// each attempt it ends records it, a helper call carries it from its
// reservation (settled, or expired and settled at its estimate) to its
// attempt row, and the month's spend shows what assistants spent apart,
// also after the job is deleted. A request from the window or the CLI
// stays "".
func TestViaIsKeptWithTheSpend(t *testing.T) {
	e := setup(t)
	mine, err := e.st.CreateJobWithinBudget(e.ctx, job.Job{Provider: "openai", Model: "o3-deep-research", Prompt: "From the window"}, check(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := e.st.CreateJobWithinBudget(e.ctx, job.Job{Provider: "openai", Model: "o3-deep-research", Prompt: "From an assistant",
		Via: job.ViaAssistant}, check(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	if got := e.get(theirs.ID).Via; got != job.ViaAssistant {
		t.Fatalf("the assistant's job reads Via %q, want %q", got, job.ViaAssistant)
	}
	e.runAttempt(mine.ID, job.Completed, 1.25)
	e.runAttempt(theirs.ID, job.Completed, 2.5)

	c := check(0, 0, 0.01)
	c.Prices = cost.Prices{Provider: "openai", Model: "gpt-4.1-mini", InputPerMTok: 0.4, OutputPerMTok: 1.6}
	r, err := e.st.ReserveHelper(e.ctx, HelperReservation{Kind: KindAsk, About: theirs.ID, Provider: "openai", Model: "gpt-4.1-mini",
		Title: QuestionTitle("Which tea?"), Via: job.ViaAssistant}, c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.RecordHelperCall(e.ctx, HelperCall{ID: r.ID, Kind: KindAsk, About: theirs.ID, Provider: "openai",
		Model: "gpt-4.1-mini", Title: "Question: which tea?", CostUSD: 0.25}); err != nil {
		t.Fatal(err)
	}
	// An assistant's call whose process died: settled at its estimate.
	if _, err := e.st.ReserveHelper(e.ctx, HelperReservation{Kind: KindAsk, About: theirs.ID, Provider: "openai", Model: "gpt-4.1-mini",
		Title: QuestionTitle("Lost?"), Via: job.ViaAssistant}, c); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(HelperExpiry + time.Minute)
	if n, err := e.st.SettleExpiredHelpers(e.ctx); err != nil || n != 1 {
		t.Fatalf("SettleExpiredHelpers = %d, %v; want 1 settled", n, err)
	}
	if err := e.st.DeleteJob(e.ctx, theirs.ID); err != nil {
		t.Fatal(err)
	}

	sp, err := e.st.MonthSpend(e.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want := 2.5 + 0.25 + 0.01
	if d := sp.AssistantUSD - want; d > 1e-9 || d < -1e-9 {
		t.Errorf("AssistantUSD = %v, want %v (the assistant's run, its question and its expired call); spent %v", sp.AssistantUSD, want, sp.SpentUSD)
	}
	vias := map[string]int{}
	for _, js := range sp.Jobs {
		vias[js.Via]++
		if js.JobID == mine.ID && js.Via != "" {
			t.Errorf("the window's job is listed with Via %q, want \"\"", js.Via)
		}
	}
	if vias[job.ViaAssistant] != 3 || vias[""] != 1 {
		t.Errorf("spend rows by via = %v, want 3 from the assistant and 1 from the window", vias)
	}
}
