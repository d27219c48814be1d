package store

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

// reserveAsk reserves a question's high estimate of high dollars under a
// monthly budget.
func (e *env) reserveAsk(st *Store, monthly, high float64) (HelperReservation, error) {
	c := check(monthly, 0, high)
	c.Prices = cost.Prices{Provider: "openai", Model: "gpt-4.1-mini", InputPerMTok: 0.4, OutputPerMTok: 1.6}
	return st.ReserveHelper(e.ctx, HelperReservation{Kind: KindAsk, About: "job1", Provider: "openai", Model: "gpt-4.1-mini",
		Title: QuestionTitle("Which tea?")}, c)
}

func (e *env) reservedAndSpent() (reserved, spent float64) {
	e.t.Helper()
	sp, err := e.st.MonthSpend(e.ctx, "")
	if err != nil {
		e.t.Fatal(err)
	}
	d, err := e.st.CheckBudget(e.ctx, check(0, 0, 0))
	if err != nil {
		e.t.Fatal(err)
	}
	if math.Abs(d.ReservedUSD-sp.ReservedUSD) > 1e-9 || math.Abs(d.SpentUSD-sp.SpentUSD) > 1e-9 {
		e.t.Errorf("the budget check counts reserved $%v spent $%v, the spend view $%v and $%v", d.ReservedUSD, d.SpentUSD, sp.ReservedUSD, sp.SpentUSD)
	}
	return sp.ReservedUSD, sp.SpentUSD
}

// TestHelperReservationsCountInTheBudget: an open helper reservation is
// reserved in the spend view and in the budget rule of research and helper
// calls alike, from another process too; settling it replaces it with the
// real cost in one write, releasing it leaves nothing.
func TestHelperReservationsCountInTheBudget(t *testing.T) {
	e := setup(t)
	other := e.open()
	r, err := e.reserveAsk(e.st, 10, 4)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID == "" || r.HighUSD != 4 || !r.Expires.Equal(r.At.Add(HelperExpiry)) {
		t.Fatalf("reservation = %+v", r)
	}
	if reserved, spent := e.reservedAndSpent(); reserved != 4 || spent != 0 {
		t.Errorf("with a helper call open: reserved $%v, spent $%v; want $4, $0", reserved, spent)
	}
	// Another process: a research job and a helper call that would pass
	// the budget with the open reservation are refused.
	if _, err := other.CreateJobWithinBudget(e.ctx, job.Job{Provider: "openai", Model: "o3-deep-research", Prompt: "tea"}, check(10, 0, 6.5)); !errors.Is(err, cost.ErrOverBudget) {
		t.Errorf("a job over what the reservation leaves: %v, want refused", err)
	}
	if _, err := e.reserveAsk(other, 10, 6.5); !errors.Is(err, cost.ErrOverBudget) {
		t.Errorf("a helper call over what the reservation leaves: %v, want refused", err)
	}
	second, err := e.reserveAsk(other, 10, 6)
	if err != nil {
		t.Fatalf("a helper call that fits exactly: %v", err)
	}
	if open, _ := e.st.HelperReservations(e.ctx); len(open) != 2 {
		t.Errorf("%d reservations open, want 2", len(open))
	}

	// Settled: the real cost replaces the reservation.
	q, err := e.st.RecordHelperCall(e.ctx, HelperCall{ID: r.ID, Kind: KindAsk, About: "job1", Provider: "openai", Model: "gpt-4.1-mini",
		Title: QuestionTitle("Which tea?"), CostUSD: 0.25})
	if err != nil || q.ID != r.ID {
		t.Fatalf("RecordHelperCall = %+v, %v", q, err)
	}
	if reserved, spent := e.reservedAndSpent(); reserved != 6 || spent != 0.25 {
		t.Errorf("after settling: reserved $%v, spent $%v; want $6, $0.25", reserved, spent)
	}
	// Settling the same call again (a retry after a commit that seemed to
	// fail) counts it once.
	if _, err := e.st.RecordHelperCall(e.ctx, HelperCall{ID: r.ID, Kind: KindAsk, Provider: "openai", Model: "gpt-4.1-mini", CostUSD: 0.25}); err != nil {
		t.Fatal(err)
	}
	if _, spent := e.reservedAndSpent(); spent != 0.25 {
		t.Errorf("after settling twice: spent $%v, want $0.25", spent)
	}
	// Released (the call failed): nothing reserved, nothing spent.
	if err := other.ReleaseHelper(e.ctx, second.ID); err != nil {
		t.Fatal(err)
	}
	if reserved, spent := e.reservedAndSpent(); reserved != 0 || spent != 0.25 {
		t.Errorf("after releasing: reserved $%v, spent $%v; want $0, $0.25", reserved, spent)
	}
	if n := e.count(`SELECT count(*) FROM helper_reservations`); n != 0 {
		t.Errorf("%d reservations left", n)
	}
}

// TestCrashedHelperReservationExpires: a reservation whose process died
// holds the budget until HelperExpiry, then is settled at its high
// estimate (whether the call was paid is unknown), dated when it was
// made; a settle that comes later still replaces it with the real cost.
func TestCrashedHelperReservationExpires(t *testing.T) {
	e := setup(t)
	crashed, err := e.reserveAsk(e.open(), 10, 4)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(HelperExpiry - time.Second)
	if n, err := e.st.SettleExpiredHelpers(e.ctx); err != nil || n != 0 {
		t.Fatalf("SettleExpiredHelpers before the expiry = %d, %v", n, err)
	}
	if reserved, spent := e.reservedAndSpent(); reserved != 4 || spent != 0 {
		t.Errorf("before the expiry: reserved $%v, spent $%v; want $4, $0", reserved, spent)
	}
	// The next helper call of any process settles it first.
	e.clock.Advance(time.Second)
	if _, err := e.reserveAsk(e.st, 10, 6.5); !errors.Is(err, cost.ErrOverBudget) {
		t.Errorf("a call over what the settled estimate leaves: %v, want refused", err)
	}
	if reserved, spent := e.reservedAndSpent(); reserved != 0 || spent != 4 {
		t.Errorf("after the expiry: reserved $%v, spent $%v; want $0, $4", reserved, spent)
	}
	sp, _ := e.st.MonthSpend(e.ctx, "")
	if len(sp.Jobs) != 1 || sp.Jobs[0].JobID != crashed.ID || sp.Jobs[0].Status != job.Unconfirmed || sp.Jobs[0].Kind != KindAsk ||
		sp.Jobs[0].About != "job1" || !sp.Jobs[0].FinishedAt.Equal(crashed.At) || sp.Jobs[0].Title != QuestionTitle("Which tea?") {
		t.Errorf("spend after the expiry = %+v; want the call, unconfirmed, dated %v", sp.Jobs, crashed.At)
	}
	// The crashed process comes back with the answer: the real cost
	// replaces the estimate.
	if _, err := e.st.RecordHelperCall(e.ctx, HelperCall{ID: crashed.ID, Kind: KindAsk, About: "job1", Provider: "openai",
		Model: "gpt-4.1-mini", CostUSD: 0.5}); err != nil {
		t.Fatal(err)
	}
	if _, spent := e.reservedAndSpent(); spent != 0.5 {
		t.Errorf("after a late settle: spent $%v, want $0.5", spent)
	}

	// SettleExpiredHelpers alone does it too, and writes nothing when
	// nothing expired.
	if _, err := e.reserveAsk(e.st, 0, 1); err != nil {
		t.Fatal(err)
	}
	commits := e.st.commits.Load()
	if n, err := e.st.SettleExpiredHelpers(e.ctx); err != nil || n != 0 || e.st.commits.Load() != commits {
		t.Errorf("SettleExpiredHelpers with none expired = %d, %v, %d commits", n, err, e.st.commits.Load()-commits)
	}
	e.clock.Advance(HelperExpiry)
	if n, err := e.st.SettleExpiredHelpers(e.ctx); err != nil || n != 1 {
		t.Errorf("SettleExpiredHelpers = %d, %v; want 1", n, err)
	}
	if reserved, spent := e.reservedAndSpent(); reserved != 0 || spent != 1.5 {
		t.Errorf("after the second expiry: reserved $%v, spent $%v; want $0, $1.50", reserved, spent)
	}
}
