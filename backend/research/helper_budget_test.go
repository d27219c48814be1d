package research_test

// Helper calls (ask, clarify, brief) under the budget: each reserves its
// high estimate before it is sent and settles its real cost in one write.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/store"
)

// helperPrices prices the helper model's output only: every call's high
// estimate is askMaxOutput (1200) tokens at $1000 per million, $1.20.
const helperPrices = `{"openai/gpt-4.1-mini": {"input_per_mtok": 0, "output_per_mtok": 1000}}`

// gate holds every create sent to the fake until opened, telling the test
// of each one that arrives.
type gate struct {
	next    http.Handler
	arrived chan struct{}
	open    chan struct{}
	once    sync.Once
}

func newGate(t *testing.T, fake *fakeopenai.Server) (*gate, string) {
	g := &gate{next: fake.Handler(), arrived: make(chan struct{}, 64), open: make(chan struct{})}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	t.Cleanup(g.release) // before srv.Close: no request stays held
	return g, srv.URL + "/v1"
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		g.arrived <- struct{}{}
		<-g.open
	}
	g.next.ServeHTTP(w, r)
}

func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

// sharedReport makes a data folder whose database holds one completed job
// with a report, and returns the folder and the job's id.
func sharedReport(t *testing.T) (string, string) {
	t.Helper()
	data := t.TempDir()
	st, err := store.Open(filepath.Join(data, "deepr.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	j, err := st.CreateJob(ctx, job.Job{Status: job.Queued, Provider: "openai", Model: "o3-deep-research", Prompt: "Research the history of tea"})
	if err != nil {
		t.Fatal(err)
	}
	for _, next := range []job.Status{job.Submitting, job.Running} {
		if j, err = st.Update(ctx, j.ID, func(c *job.Job) error {
			c.Status = next
			c.ProviderJobID = "resp_" + c.ID
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Finish(ctx, j.ID, store.Report{Markdown: "# Tea\n\nGyokuro is shade-grown."}, func(c *job.Job) error {
		c.Status = job.Completed
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return data, j.ID
}

// sharedEnv is the environment of a process on data, talking to base.
func sharedEnv(data, base string, extra map[string]string) map[string]string {
	env := map[string]string{"DEEPR_DATA_DIR": data, "DEEPR_CONFIG_DIR": filepath.Join(data, "config"), "OPENAI_BASE_URL": base,
		"DEEPR_PRICES": helperPrices}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestConcurrentAsksReserveTheBudget: eight processes ask at once against
// a budget that admits two calls' high estimates. Exactly two reach the
// provider (the two reservations are counted while they run, in the spend
// view too); the six others are refused before anything is sent.
func TestConcurrentAsksReserveTheBudget(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	t.Cleanup(fake.Close)
	g, base := newGate(t, fake)
	data, id := sharedReport(t)
	procs := make([]*proc, 8)
	for i := range procs {
		procs[i] = openProc(t, fake, sharedEnv(data, base, map[string]string{"DEEPR_MONTHLY_BUDGET": "3"}))
	}

	errs := make(chan error, len(procs))
	for i, p := range procs {
		go func() {
			_, err := p.svc.Ask(context.Background(), research.AskRequest{ID: id, Question: fmt.Sprintf("Which tea is shade-grown (%d)?", i)})
			errs <- err
		}()
	}
	arrived, done := 0, []error{}
	deadline := time.After(60 * time.Second)
	for arrived+len(done) < len(procs) {
		select {
		case <-g.arrived:
			arrived++
		case err := <-errs:
			done = append(done, err)
		case <-deadline:
			t.Fatalf("after a minute: %d calls reached the provider, %d ended", arrived, len(done))
		}
	}
	// The two calls in flight hold their high estimates.
	if sp, err := procs[0].svc.Costs(context.Background(), ""); err != nil || !near(sp.ReservedUSD, 2.4) || sp.SpentUSD != 0 {
		t.Errorf("spend while two calls run = reserved $%v, spent $%v (%v); want $2.40 reserved, nothing spent", sp.ReservedUSD, sp.SpentUSD, err)
	}
	g.release()
	for len(done) < len(procs) {
		done = append(done, <-errs)
	}

	answered, refused := 0, 0
	for _, err := range done {
		switch {
		case err == nil:
			answered++
		case errors.Is(err, research.ErrOverBudget):
			refused++
		default:
			t.Errorf("Ask: %v", err)
		}
	}
	if arrived != 2 || fake.HelperCreates() != 2 || answered != 2 || refused != 6 {
		t.Fatalf("%d calls reached the provider (the fake answered %d), %d answered, %d refused; want 2, 2, 2, 6",
			arrived, fake.HelperCreates(), answered, refused)
	}
	sp, err := procs[7].svc.Costs(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	qs, err := procs[7].svc.Questions(context.Background(), id)
	if err != nil || len(qs) != 2 {
		t.Fatalf("Questions = %d, %v; want the 2 answered", len(qs), err)
	}
	if sp.ReservedUSD != 0 || !near(sp.SpentUSD, qs[0].CostUSD+qs[1].CostUSD) || len(sp.Jobs) != 3 {
		t.Errorf("spend after the calls = reserved $%v, spent $%v over %d entries; want nothing reserved, the two answers' $%v spent (and the report's job)",
			sp.ReservedUSD, sp.SpentUSD, len(sp.Jobs), qs[0].CostUSD+qs[1].CostUSD)
	}
}

// TestAskKeepsItsCostWhenTheReportGoesMeanwhile: the report is deleted
// while the helper model answers. The answer cannot be saved with it, but
// the call was paid: its cost is in the month's spend and nothing stays
// reserved.
func TestAskKeepsItsCostWhenTheReportGoesMeanwhile(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	t.Cleanup(fake.Close)
	g, base := newGate(t, fake)
	data, id := sharedReport(t)
	p := openProc(t, fake, sharedEnv(data, base, nil))
	ctx := context.Background()

	type result struct {
		res research.AskResult
		err error
	}
	out := make(chan result, 1)
	go func() {
		res, err := p.svc.Ask(ctx, research.AskRequest{ID: id, Question: "Which tea is shade-grown?"})
		out <- result{res, err}
	}()
	<-g.arrived
	if err := p.svc.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	g.release()
	r := <-out
	wantError(t, r.err, research.ErrNotFound, "")
	if fake.HelperCreates() != 1 || r.res.CostUSD <= 0 || r.res.Question.Answer == "" {
		t.Fatalf("helper calls %d, result %+v; want the paid answer returned with its cost", fake.HelperCreates(), r.res)
	}
	sp, err := p.svc.Costs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var ask *store.JobSpend
	for i, js := range sp.Jobs {
		if js.Kind == store.KindAsk {
			ask = &sp.Jobs[i]
		}
	}
	if ask == nil || !near(ask.CostUSD, r.res.CostUSD) || ask.About != id || sp.ReservedUSD != 0 {
		t.Errorf("spend = %+v; want the ask's $%v about %s, nothing reserved", sp, r.res.CostUSD, id)
	}
}

// TestAskSettlesAfterTheCallerGivesUp: the caller's context ends as the
// paid answer arrives (Ctrl-C, a closed window). The answer and its cost
// are saved all the same.
func TestAskSettlesAfterTheCallerGivesUp(t *testing.T) {
	u := newUnit(t, nil)
	j := u.finish(job.Completed, "# Tea\n\nGyokuro is shade-grown.", nil)
	ctx, cancel := context.WithCancel(u.ctx)
	u.prov.help = func(context.Context, provider.HelperRequest) (provider.HelperAnswer, error) {
		cancel()
		return provider.HelperAnswer{Text: "Gyokuro.", Usage: job.Usage{InputTokens: 1000, OutputTokens: 10}}, nil
	}
	res, err := u.svc.Ask(ctx, research.AskRequest{ID: j.ID, Question: "Which tea is shade-grown?"})
	if err != nil || res.Question.ID == "" || res.CostUSD <= 0 {
		t.Fatalf("Ask = %+v, %v; want the answer saved", res, err)
	}
	sp, err := u.svc.Costs(u.ctx, "")
	if err != nil || !near(sp.SpentUSD, res.CostUSD) || sp.ReservedUSD != 0 {
		t.Errorf("spend = %+v, %v; want the answer's $%v spent, nothing reserved", sp, err, res.CostUSD)
	}
	if qs, err := u.svc.Questions(u.ctx, j.ID); err != nil || len(qs) != 1 {
		t.Errorf("Questions = %+v, %v; want the one answered", qs, err)
	}
}

// TestFailedHelperCallReleasesItsReservation: a call the provider refuses
// cost nothing: nothing is spent, nothing stays reserved, on every helper
// use.
func TestFailedHelperCallReleasesItsReservation(t *testing.T) {
	u := newUnit(t, map[string]string{"DEEPR_MONTHLY_BUDGET": "1"})
	j := u.finish(job.Completed, "# Tea\n\nGyokuro is shade-grown.", nil)
	u.prov.help = func(context.Context, provider.HelperRequest) (provider.HelperAnswer, error) {
		return provider.HelperAnswer{}, &provider.Error{Kind: provider.KindRejected, Op: "create", HTTPStatus: 400, Message: "bad request"}
	}
	calls := map[string]func() error{
		"ask": func() error {
			_, err := u.svc.Ask(u.ctx, research.AskRequest{ID: j.ID, Question: "Which tea?"})
			return err
		},
		"clarify": func() error { _, err := u.svc.Clarify(u.ctx, "tea"); return err },
		"brief": func() error {
			_, err := u.svc.Brief(u.ctx, research.BriefRequest{Prompt: "tea", Answers: []research.Answer{{Question: "Where?", Answer: "Japan"}}})
			return err
		},
	}
	for name, call := range calls {
		wantError(t, call(), research.ErrProvider, "")
		if sp, err := u.svc.Costs(u.ctx, ""); err != nil || sp.SpentUSD != 0 || sp.ReservedUSD != 0 {
			t.Errorf("%s: spend after a failed call = %+v, %v; want nothing spent or reserved", name, sp, err)
		}
	}
}

// TestAmbiguousHelperCallKeepsItsReservation: a helper call that timed
// out or was reset after it was sent may have been billed: its estimate
// stays reserved (and is counted as spent when it expires), never nothing.
func TestAmbiguousHelperCallKeepsItsReservation(t *testing.T) {
	u := newUnit(t, map[string]string{"DEEPR_MONTHLY_BUDGET": "1"})
	u.prov.help = func(context.Context, provider.HelperRequest) (provider.HelperAnswer, error) {
		return provider.HelperAnswer{}, &provider.Error{Kind: provider.KindAmbiguous, Op: "create", Message: "connection reset"}
	}
	err := func() error { _, err := u.svc.Clarify(u.ctx, "tea"); return err }()
	if e := wantError(t, err, research.ErrProvider, ""); !strings.Contains(e.Msg, "may have been billed") {
		t.Errorf("message %q does not say the call may have been billed", e.Msg)
	}
	if sp, err := u.svc.Costs(u.ctx, ""); err != nil || sp.ReservedUSD <= 0 {
		t.Errorf("spend after an ambiguous call = %+v, %v; want its estimate still reserved", sp, err)
	}
}

// TestCrashedHelperCallIsCountedAtItsEstimate: a process reserved a
// helper call and died. The spend view counts it as reserved until it
// expires, then as spent at its high estimate (unconfirmed).
func TestCrashedHelperCallIsCountedAtItsEstimate(t *testing.T) {
	u := newUnit(t, nil)
	now := t0
	u.st.Now = func() time.Time { return now }
	c := store.BudgetCheck{Estimate: cost.Range{LowUSD: 0.001, HighUSD: 0.01}, Prices: cost.Prices{Provider: "openai", Model: "gpt-4.1-mini"}}
	r, err := u.st.ReserveHelper(u.ctx, store.HelperReservation{Kind: store.KindClarify, Provider: "openai", Model: "gpt-4.1-mini", Title: "Clarify: tea"}, c)
	if err != nil {
		t.Fatal(err)
	}
	if sp, err := u.svc.Costs(u.ctx, ""); err != nil || !near(sp.ReservedUSD, 0.01) || sp.SpentUSD != 0 {
		t.Errorf("spend with the call open = %+v, %v; want $0.01 reserved", sp, err)
	}
	now = now.Add(store.HelperExpiry)
	sp, err := u.svc.Costs(u.ctx, "")
	if err != nil || sp.ReservedUSD != 0 || !near(sp.SpentUSD, 0.01) || len(sp.Jobs) != 1 || sp.Jobs[0].JobID != r.ID || sp.Jobs[0].Status != job.Unconfirmed {
		t.Errorf("spend after the expiry = %+v, %v; want the call spent at $0.01, unconfirmed", sp, err)
	}
}
