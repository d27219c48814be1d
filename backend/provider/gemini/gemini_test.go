package gemini

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakegemini"
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

const testKey = "AIzaSyTestKeyForTheFakeServer0123456789"

func setup(t *testing.T, steps int) (*fakegemini.Server, *Provider) {
	t.Helper()
	fake := fakegemini.New(fakegemini.Options{APIKey: testKey, StepsToFinish: steps})
	t.Cleanup(fake.Close)
	return fake, New(Config{APIKey: testKey, BaseURL: fake.URL() + "/", RequestTimeout: 10 * time.Second})
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

// run submits prompt and fetches until the status is no longer running.
func run(t *testing.T, p *Provider, prompt string) provider.Snapshot {
	t.Helper()
	ctx := context.Background()
	id, err := p.Submit(ctx, provider.Request{JobID: "job-1", Prompt: prompt})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	for range 50 {
		snap, err := p.Fetch(ctx, id)
		if err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		if snap.Status != provider.StatusQueued && snap.Status != provider.StatusInProgress {
			return snap
		}
	}
	t.Fatal("the interaction never finished")
	return provider.Snapshot{}
}

func TestJobRunsToAReportWithCharacterOffsets(t *testing.T) {
	fake, p := setup(t, 3)
	snap := run(t, p, "Solar power in 2025 [[fake:unicode]]")
	if snap.Status != provider.StatusCompleted || !strings.Contains(snap.Report, "中文研究显示 🌞") {
		t.Fatalf("status %q report %q", snap.Status, snap.Report)
	}
	runes := []rune(snap.Report)
	want := []string{"doubled in 2025", "wind followed", "solar doubled"}
	if len(snap.Citations) != len(want) {
		t.Fatalf("citations %+v, want %d", snap.Citations, len(want))
	}
	for i, c := range snap.Citations {
		if got := string(runes[c.Start:c.End]); got != want[i] {
			t.Errorf("citation %d spans %q, want %q (byte offsets not converted?)", i, got, want[i])
		}
	}
	if snap.Citations[0].URL != "https://例え.example/solar" || snap.Citations[2].Index != 1 || snap.Citations[1].Index != 2 {
		t.Errorf("citations %+v", snap.Citations)
	}
	if snap.Usage.InputTokens == 0 || snap.Usage.OutputTokens == 0 || snap.Usage.WebSearchCalls != 6 {
		t.Errorf("usage %+v, want tokens and 6 searches from grounding_tool_count", snap.Usage)
	}
	if Cost(snap.Model, snap.Usage) <= 0 || snap.Model != DefaultModel {
		t.Errorf("model %q cost %v", snap.Model, Cost(snap.Model, snap.Usage))
	}
	if snap.Progress.Searches == 0 || snap.Progress.Pages == 0 || !strings.Contains(snap.Progress.Summary, "Looking for sources") {
		t.Errorf("progress %+v", snap.Progress)
	}

	var body map[string]any
	if err := json.Unmarshal(fake.CreateRequests()[0], &body); err != nil {
		t.Fatal(err)
	}
	wantBody := map[string]any{"agent": DefaultModel, "input": "Solar power in 2025 [[fake:unicode]]",
		"background": true, "store": true, "agent_config": map[string]any{"type": "deep-research", "thinking_summaries": "auto"},
		"labels": map[string]any{"deepr_job_id": "job-1"}}
	if !reflect.DeepEqual(body, wantBody) {
		t.Errorf("create body %v, want %v", body, wantBody)
	}
	h := fake.CreateHeaders()[0]
	if h.Get("X-Goog-Api-Key") != testKey || h.Get("Api-Revision") != APIRevision || h.Get("Authorization") != "" {
		t.Errorf("headers: key %q revision %q auth %q", h.Get("X-Goog-Api-Key"), h.Get("Api-Revision"), h.Get("Authorization"))
	}
}

func TestTerminalStatuses(t *testing.T) {
	tests := []struct {
		marker, status, reason string
		report                 bool
	}{
		{"[[fake:fail]]", provider.StatusFailed, "", false},
		{"[[fake:incomplete]]", provider.StatusIncomplete, "", true},
		{"[[fake:budget]]", provider.StatusIncomplete, ReasonBudgetExceeded, true},
		{"[[fake:requires-action]]", provider.StatusIncomplete, ReasonRequiresAction, true},
		{"[[fake:continuation]]", provider.StatusIncomplete, ReasonRequiresContinuation, false},
		{"[[fake:strange]]", "paused_for_review", "", false},
		{"[[fake:empty]]", provider.StatusCompleted, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.marker, func(t *testing.T) {
			_, p := setup(t, 2)
			snap := run(t, p, "q "+tt.marker)
			if snap.Status != tt.status || snap.IncompleteReason != tt.reason || (snap.Report != "") != tt.report {
				t.Errorf("status %q reason %q report %q; want %q %q report=%v", snap.Status, snap.IncompleteReason, snap.Report,
					tt.status, tt.reason, tt.report)
			}
			if tt.status == provider.StatusFailed && (snap.ErrorMessage == "" || snap.ErrorCode == "") {
				t.Errorf("failed without code/message: %+v", snap)
			}
			if tt.reason != "" && snap.ErrorMessage == "" {
				t.Errorf("%s has no message for the user", tt.reason)
			}
		})
	}
}

func TestCreateFailures(t *testing.T) {
	tests := []struct {
		marker  string
		want    provider.Kind
		created int
		status  int
		inMsg   string
	}{
		{"[[fake:create500]]", provider.KindAmbiguous, 1, 500, "not retried automatically"},
		{"[[fake:create503]]", provider.KindAmbiguous, 0, 503, "may have reached Gemini"},
		{"[[fake:create-drop]]", provider.KindAmbiguous, 1, 0, "no answer from Gemini"},
		{"[[fake:quota]]", provider.KindQuota, 0, 429, "prepaid credit"},
		{"[[fake:badrequest]]", provider.KindRejected, 0, 400, "the fake was asked to reject it"},
	}
	for _, tt := range tests {
		t.Run(tt.marker, func(t *testing.T) {
			fake, p := setup(t, 3)
			_, err := p.Submit(context.Background(), provider.Request{Prompt: "q " + tt.marker})
			pe := wantKind(t, err, tt.want)
			if pe.HTTPStatus != tt.status || pe.Op != "create" || !strings.Contains(pe.Message, tt.inMsg) {
				t.Errorf("status %d op %q message %q; want %d create %q", pe.HTTPStatus, pe.Op, pe.Message, tt.status, tt.inMsg)
			}
			if n := len(fake.CreateRequests()); n != 1 {
				t.Errorf("create sent %d times, want once", n)
			}
			if fake.Creates() != tt.created {
				t.Errorf("fake created %d, want %d", fake.Creates(), tt.created)
			}
		})
	}
	fake, p := setup(t, 3)
	_, err := p.Submit(context.Background(), provider.Request{Prompt: "q", Model: "deep-research-none"})
	if pe := wantKind(t, err, provider.KindRejected); !strings.Contains(pe.Message, "not supported") || pe.Code != "INVALID_ARGUMENT" {
		t.Errorf("unknown agent: %v (code %q)", pe, pe.Code)
	}
	if fake.Creates() != 0 {
		t.Error("a rejected create made an interaction")
	}
}

func TestRateLimitThenOneCreate(t *testing.T) {
	fake, p := setup(t, 3)
	req := provider.Request{Prompt: "busy [[fake:ratelimit]]", Model: "deep-research-max-preview-04-2026"}
	_, err := p.Submit(context.Background(), req)
	if pe := wantKind(t, err, provider.KindRateLimited); pe.RetryAfter != time.Second || pe.Code != "RESOURCE_EXHAUSTED" {
		t.Errorf("RetryAfter %s code %q, want 1s RESOURCE_EXHAUSTED", pe.RetryAfter, pe.Code)
	}
	if _, err := p.Submit(context.Background(), req); err != nil {
		t.Fatalf("submit after the wait: %v", err)
	}
	if fake.Creates() != 1 {
		t.Errorf("fake created %d interactions, want 1", fake.Creates())
	}
}

func TestTransientFetchFaultsAreNotFailures(t *testing.T) {
	for _, marker := range []string{"[[fake:get500]]", "[[fake:get503]]", "[[fake:get429]]", "[[fake:getdrop]]"} {
		t.Run(marker, func(t *testing.T) {
			fake, p := setup(t, 2)
			ctx := context.Background()
			id, err := p.Submit(ctx, provider.Request{Prompt: "q " + marker})
			if err != nil {
				t.Fatal(err)
			}
			var snap provider.Snapshot
			faults := 0
			for range 10 {
				snap, err = p.Fetch(ctx, id)
				if err != nil {
					k := provider.KindOf(err)
					if k != provider.KindTransient && k != provider.KindRateLimited {
						t.Fatalf("fetch fault classified %s: %v", k, err)
					}
					if k == provider.KindRateLimited && wantKind(t, err, k).RetryAfter != 2*time.Second {
						t.Errorf("RetryAfter = %v, want 2s", wantKind(t, err, k).RetryAfter)
					}
					faults++
					continue
				}
				if snap.Status == provider.StatusCompleted {
					break
				}
			}
			if snap.Status != provider.StatusCompleted || faults == 0 || fake.Creates() != 1 {
				t.Errorf("status %q after %d faults, %d creates; want completed, >0 faults, 1 create", snap.Status, faults, fake.Creates())
			}
		})
	}
}

func TestGoneCancelAndAuth(t *testing.T) {
	fake, p := setup(t, 5)
	ctx := context.Background()
	id, _ := p.Submit(ctx, provider.Request{Prompt: "q [[fake:gone]]"})
	if _, err := p.Fetch(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err := p.Fetch(ctx, id)
	if pe := wantKind(t, err, provider.KindNotFound); !strings.Contains(pe.Message, "no longer has this interaction") {
		t.Errorf("gone: %q", pe.Message)
	}

	running, _ := p.Submit(ctx, provider.Request{Prompt: "long"})
	if err := p.Cancel(ctx, running); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	if snap, _ := p.Fetch(ctx, running); snap.Status != provider.StatusCancelled {
		t.Errorf("after cancel: %q", snap.Status)
	}
	if err := p.Cancel(ctx, running); err != nil {
		t.Errorf("cancelling a finished interaction: %v, want nil", err)
	}
	wantKind(t, p.Cancel(ctx, "v1_unknown"), provider.KindNotFound)
	if err := p.CheckKey(ctx); err != nil {
		t.Errorf("CheckKey: %v", err)
	}
	if !p.CanCancel() || p.Name() != "gemini" {
		t.Errorf("CanCancel/Name = %v/%q", p.CanCancel(), p.Name())
	}

	const wrong = "AIzaSyWrongKeyThatMustNotLeak000000000"
	bad := New(Config{APIKey: wrong, BaseURL: fake.URL()})
	calls := map[string]error{"check": bad.CheckKey(ctx), "cancel": bad.Cancel(ctx, id)}
	_, calls["create"] = bad.Submit(ctx, provider.Request{Prompt: "q"})
	_, calls["get"] = bad.Fetch(ctx, id)
	for op, err := range calls {
		pe := wantKind(t, err, provider.KindAuth)
		if strings.Contains(pe.Error(), wrong) || !strings.Contains(pe.Message, "GEMINI_API_KEY") {
			t.Errorf("%s: %q leaks the key or does not say what to do", op, pe.Message)
		}
	}
	none := New(Config{BaseURL: fake.URL()})
	_, err = none.Submit(ctx, provider.Request{Prompt: "q"})
	wantKind(t, err, provider.KindAuth)
	if n := len(fake.CreateRequests()); n != 2 {
		t.Errorf("%d creates reached the fake, want 2 (the bad key's create is refused before it is read; none without a key)", n)
	}
}
