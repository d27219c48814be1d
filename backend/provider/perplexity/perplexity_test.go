package perplexity

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeperplexity"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// The worker's Provider interface plus what Settings and the new-research
// form use; checked at compile time.
var _ interface {
	Name() string
	Submit(context.Context, provider.Request) (string, error)
	Fetch(context.Context, string) (provider.Snapshot, error)
	Cancel(context.Context, string) error
	CheckKey(context.Context) error
	CanCancel() bool
} = (*Provider)(nil)

const testKey = "pplx-test-key-for-the-fake-0123456789"

// sleeper records the waits between create retries and returns at once.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func setup(t *testing.T, steps int) (*fakeperplexity.Server, *sleeper, *Provider) {
	t.Helper()
	fake := fakeperplexity.New(fakeperplexity.Options{APIKey: testKey, StepsToFinish: steps})
	t.Cleanup(fake.Close)
	sl := &sleeper{}
	return fake, sl, New(Config{APIKey: testKey, BaseURL: fake.URL(), RequestTimeout: 10 * time.Second, Sleep: sl.sleep})
}

func wantKind(t *testing.T, err error, want provider.Kind) *provider.Error {
	t.Helper()
	var pe *provider.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v (%T), want *provider.Error of kind %s", err, err, want)
	}
	if pe.Kind != want {
		t.Fatalf("kind = %s (%v), want %s", pe.Kind, pe, want)
	}
	return pe
}

func finish(t *testing.T, p *Provider, id string) provider.Snapshot {
	t.Helper()
	return finishModel(t, p, AsyncModel, id)
}

func TestJobRunsToAReportWithCitationsAndCost(t *testing.T) {
	fake, _, p := setup(t, 3)
	ctx := context.Background()
	id, err := p.Submit(ctx, provider.Request{Model: AsyncModel, JobID: "job-7", Attempt: 1, Prompt: "Solar 2025 [[fake:unicode]]", Instructions: "Be brief."})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := p.FetchModel(ctx, AsyncModel, id)
	if first.Status != provider.StatusInProgress || first.Report != "" {
		t.Errorf("first poll: %q %q", first.Status, first.Report)
	}
	snap := finish(t, p, id)
	if snap.Status != provider.StatusCompleted || strings.Contains(snap.Report, "<think>") || strings.Contains(snap.Report, "[1]") ||
		!strings.HasPrefix(snap.Report, "# Énergie 中文") {
		t.Fatalf("report %q", snap.Report)
	}
	runes := []rune(snap.Report)
	wantEnds := []string{"doubled in 2025", "wind followed", "solar doubled"}
	if len(snap.Citations) != 3 {
		t.Fatalf("citations %+v", snap.Citations)
	}
	for i, c := range snap.Citations {
		if got := string(runes[c.Start:c.End]); !strings.HasSuffix(got, wantEnds[i]) {
			t.Errorf("citation %d spans %q, want it to end with %q", i, got, wantEnds[i])
		}
	}
	if c := snap.Citations[0]; c.URL != "https://例え.example/solar" || c.Title != "太陽光 – Solar" || c.Index != 1 || snap.Citations[2].Index != 1 {
		t.Errorf("citation %+v", c)
	}
	if snap.CostUSD <= 0 || math.Abs(snap.CostUSD-Cost(snap.Model, snap.Usage)) > 1e-9 {
		t.Errorf("CostUSD %v, price table %v: want the reported cost, matching the table", snap.CostUSD, Cost(snap.Model, snap.Usage))
	}
	var body map[string]any
	if err := json.Unmarshal(fake.CreateRequests()[0], &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"idempotency_key": "deepr-job-7-1", "request": map[string]any{"model": "sonar-deep-research",
		"messages": []any{map[string]any{"role": "system", "content": "Be brief."},
			map[string]any{"role": "user", "content": "Solar 2025 [[fake:unicode]]"}}}}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("create body %v, want %v", body, want)
	}
}

func TestSameJobAndAttemptMakeOneRequest(t *testing.T) {
	fake, _, p := setup(t, 3)
	ctx := context.Background()
	r := provider.Request{Model: AsyncModel, JobID: "job-1", Prompt: "q"}
	a, _ := p.Submit(ctx, r)
	b, _ := p.Submit(ctx, r)
	r.Attempt = 1
	c, _ := p.Submit(ctx, r)
	if a != b || a == c || fake.Creates() != 2 {
		t.Errorf("ids %q %q %q with %d creates; want the same id for one attempt, a new one for the next", a, b, c, fake.Creates())
	}
}

func TestAmbiguousCreatesAreRetriedWithTheSameKey(t *testing.T) {
	for _, marker := range []string{"[[fake:create500]]", "[[fake:create503]]", "[[fake:create-drop]]"} {
		t.Run(marker, func(t *testing.T) {
			fake, sl, p := setup(t, 2)
			id, err := p.Submit(context.Background(), provider.Request{Model: AsyncModel, JobID: "job-r", Prompt: "q " + marker})
			if err != nil {
				t.Fatalf("Submit: %v (want the retry with the same key to succeed)", err)
			}
			if fake.Creates() != 1 || len(fake.CreateRequests()) != 2 {
				t.Errorf("%d requests created from %d sends, want 1 from 2", fake.Creates(), len(fake.CreateRequests()))
			}
			var keys []string
			for _, b := range fake.CreateRequests() {
				var v struct {
					Key string `json:"idempotency_key"`
				}
				_ = json.Unmarshal(b, &v)
				keys = append(keys, v.Key)
			}
			if keys[0] != "deepr-job-r-0" || keys[1] != keys[0] {
				t.Errorf("keys %v, want the same key on every try", keys)
			}
			if !reflect.DeepEqual(sl.waits, []time.Duration{time.Second}) {
				t.Errorf("waits %v, want one 1s backoff", sl.waits)
			}
			if snap := finish(t, p, id); snap.Status != provider.StatusCompleted {
				t.Errorf("status %q, want completed: no false failure", snap.Status)
			}
		})
	}
}

func TestRetriesAreBounded(t *testing.T) {
	fake, sl, p := setup(t, 2)
	_, err := p.Submit(context.Background(), provider.Request{Model: AsyncModel, JobID: "job-b", Prompt: "q [[fake:create500-always]]"})
	pe := wantKind(t, err, provider.KindAmbiguous)
	if !strings.Contains(pe.Message, "after 4 tries") || !strings.Contains(pe.Message, "HTTP 500") {
		t.Errorf("message %q", pe.Message)
	}
	if fake.Creates() != 1 || len(fake.CreateRequests()) != 4 {
		t.Errorf("%d created from %d sends, want 1 from 4", fake.Creates(), len(fake.CreateRequests()))
	}
	if !reflect.DeepEqual(sl.waits, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}) {
		t.Errorf("waits %v", sl.waits)
	}

	// Without a job id there is no key, so nothing is repeated.
	fake2, sl2, p2 := setup(t, 2)
	_, err = p2.Submit(context.Background(), provider.Request{Model: AsyncModel, Prompt: "q [[fake:create500]]"})
	wantKind(t, err, provider.KindAmbiguous)
	if len(fake2.CreateRequests()) != 1 || len(sl2.waits) != 0 {
		t.Errorf("%d sends, %d waits without a key; want 1 and 0", len(fake2.CreateRequests()), len(sl2.waits))
	}

	// A cancelled context during the backoff stops the retries, still ambiguous.
	fake3 := fakeperplexity.New(fakeperplexity.Options{APIKey: testKey})
	defer fake3.Close()
	ctx, cancel := context.WithCancel(context.Background())
	p3 := New(Config{APIKey: testKey, BaseURL: fake3.URL(), Sleep: func(context.Context, time.Duration) error { cancel(); return context.Canceled }})
	_, err = p3.Submit(ctx, provider.Request{Model: AsyncModel, JobID: "j", Prompt: "q [[fake:create500]]"})
	wantKind(t, err, provider.KindAmbiguous)
}

func TestCreateRefusals(t *testing.T) {
	tests := []struct {
		marker string
		want   provider.Kind
		status int
		inMsg  string
	}{
		{"[[fake:ratelimit]]", provider.KindRateLimited, 429, "wait 1s"},
		{"[[fake:quota]]", provider.KindQuota, 402, "out of credit"},
		{"[[fake:badrequest]]", provider.KindRejected, 400, "the fake was asked to reject it"},
	}
	for _, tt := range tests {
		t.Run(tt.marker, func(t *testing.T) {
			fake, sl, p := setup(t, 2)
			_, err := p.Submit(context.Background(), provider.Request{Model: AsyncModel, JobID: "j", Prompt: "q " + tt.marker})
			pe := wantKind(t, err, tt.want)
			if pe.HTTPStatus != tt.status || !strings.Contains(pe.Message, tt.inMsg) {
				t.Errorf("%d %q", pe.HTTPStatus, pe.Message)
			}
			if len(fake.CreateRequests()) != 1 || fake.Creates() != 0 || len(sl.waits) != 0 {
				t.Errorf("sends %d creates %d waits %d; want 1, 0, 0", len(fake.CreateRequests()), fake.Creates(), len(sl.waits))
			}
		})
	}
	_, _, p := setup(t, 2)
	_, err := p.Submit(context.Background(), provider.Request{Prompt: "q", Model: "sonar-pro"})
	// A name the catalogue does not list is sent as an Agent API preset,
	// which Perplexity refuses naming it: the model is gone, nothing runs.
	if pe := wantKind(t, err, provider.KindRejected); !strings.Contains(pe.Message, "sonar-pro") || !provider.ModelGone(err) {
		t.Errorf("wrong model: %q", pe.Message)
	}
}

func TestFetchFaultsFailuresAndAuth(t *testing.T) {
	for _, marker := range []string{"[[fake:get500]]", "[[fake:get429]]", "[[fake:getdrop]]"} {
		t.Run(marker, func(t *testing.T) {
			fake, _, p := setup(t, 2)
			id, _ := p.Submit(context.Background(), provider.Request{Model: AsyncModel, JobID: "j", Prompt: "q " + marker})
			if snap := finish(t, p, id); snap.Status != provider.StatusCompleted || fake.Creates() != 1 {
				t.Errorf("status %q creates %d", snap.Status, fake.Creates())
			}
		})
	}
	fake, _, p := setup(t, 2)
	ctx := context.Background()
	id, _ := p.Submit(ctx, provider.Request{Model: AsyncModel, JobID: "f", Prompt: "q [[fake:fail]]"})
	if snap := finish(t, p, id); snap.Status != provider.StatusFailed || !strings.Contains(snap.ErrorMessage, "could not be completed") {
		t.Errorf("failed: %+v", snap)
	}
	gone, _ := p.Submit(ctx, provider.Request{Model: AsyncModel, JobID: "g", Prompt: "q [[fake:gone]]"})
	_, _ = p.FetchModel(ctx, AsyncModel, gone)
	_, err := p.FetchModel(ctx, AsyncModel, gone)
	wantKind(t, err, provider.KindNotFound)
	if err := p.Cancel(ctx, id); err != nil || p.CanCancel() || p.Name() != "perplexity" {
		t.Errorf("Cancel %v CanCancel %v Name %q", err, p.CanCancel(), p.Name())
	}
	if err := p.CheckKey(ctx); err != nil {
		t.Errorf("CheckKey: %v", err)
	}
	const wrong = "pplx-wrong-key-that-must-not-leak-000"
	bad := New(Config{APIKey: wrong, BaseURL: fake.URL()})
	calls := map[string]error{"check": bad.CheckKey(ctx)}
	_, calls["create"] = bad.Submit(ctx, provider.Request{Model: AsyncModel, JobID: "x", Prompt: "q"})
	_, calls["get"] = bad.FetchModel(ctx, AsyncModel, id)
	for op, err := range calls {
		pe := wantKind(t, err, provider.KindAuth)
		if strings.Contains(pe.Error(), wrong) || !strings.Contains(pe.Message, "PERPLEXITY_API_KEY") {
			t.Errorf("%s: %q", op, pe.Message)
		}
	}
	_, err = New(Config{BaseURL: fake.URL()}).Submit(ctx, provider.Request{Model: AsyncModel, Prompt: "q"})
	wantKind(t, err, provider.KindAuth)
}
