package perplexity

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/provider"
)

// finishModel polls a run of model until it leaves queued/in_progress.
func finishModel(t *testing.T, p *Provider, model, id string) provider.Snapshot {
	t.Helper()
	for range 20 {
		snap, err := p.FetchModel(context.Background(), model, id)
		if err != nil {
			k := provider.KindOf(err)
			if k != provider.KindTransient && k != provider.KindRateLimited {
				t.Fatalf("Fetch: %s %v", k, err)
			}
			continue
		}
		if snap.Status != provider.StatusQueued && snap.Status != provider.StatusInProgress {
			return snap
		}
	}
	t.Fatal("the run never finished")
	return provider.Snapshot{}
}

func TestAgentRunsToAReportWithCitationsAndCost(t *testing.T) {
	fake, sl, p := setup(t, 3)
	ctx := context.Background()
	id, err := p.Submit(ctx, provider.Request{JobID: "job-a", Prompt: "Solar 2025 [[fake:unicode]]", Instructions: "Be brief."})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id, "resp_") {
		t.Errorf("id %q: the default model must run on the Agent API", id)
	}
	var body map[string]any
	if err := json.Unmarshal(fake.CreateRequests()[0], &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"preset": "deep-research", "input": "Solar 2025 [[fake:unicode]]", "instructions": "Be brief.", "background": true}
	if !reflect.DeepEqual(body, want) {
		t.Errorf("create body %v, want %v (no idempotency key: the Agent API takes none)", body, want)
	}
	first, err := p.Fetch(ctx, id)
	if err != nil || first.Status != provider.StatusInProgress || first.Report != "" {
		t.Errorf("first poll: %q %q %v", first.Status, first.Report, err)
	}
	snap := finishModel(t, p, "deep-research", id)
	if snap.Status != provider.StatusCompleted || !strings.HasPrefix(snap.Report, "# Énergie 中文") || !strings.Contains(snap.Report, "第二部分") {
		t.Fatalf("status %q report %q", snap.Status, snap.Report)
	}
	runes := []rune(snap.Report)
	spans := []string{"doubled in 2025", "wind followed", "solar doubled"}
	if len(snap.Citations) != len(spans) {
		t.Fatalf("citations %+v", snap.Citations)
	}
	for i, c := range snap.Citations {
		if c.Start < 0 || c.End > len(runes) || string(runes[c.Start:c.End]) != spans[i] {
			t.Errorf("citation %d spans %d-%d, want exactly %q", i, c.Start, c.End, spans[i])
		}
	}
	if c := snap.Citations[0]; c.URL != "https://例え.example/solar" || c.Title != "太陽光 – Solar" || c.Index != 1 ||
		snap.Citations[1].Index != 2 || snap.Citations[2].Index != 1 {
		t.Errorf("citations %+v", snap.Citations)
	}
	runs := fake.Runs()
	if len(runs) != 1 || runs[0].Billed.CostUSD <= 0 || math.Abs(snap.CostUSD-runs[0].Billed.CostUSD) > 1e-12 {
		t.Fatalf("CostUSD %v, runs %+v: want the cost Perplexity reported", snap.CostUSD, runs)
	}
	if snap.Usage.InputTokens != runs[0].Billed.InputTokens || snap.Usage.OutputTokens != 6000 || snap.Usage.WebSearchCalls != 20 ||
		snap.Progress.Searches != 20 || snap.Progress.Pages != 4 {
		t.Errorf("usage %+v progress %+v", snap.Usage, snap.Progress)
	}
	if len(sl.waits) != 0 {
		t.Errorf("waits %v", sl.waits)
	}
}

func TestAgentPresetsAndEndings(t *testing.T) {
	fake, _, p := setup(t, 2)
	ctx := context.Background()
	id, err := p.Submit(ctx, provider.Request{JobID: "adv", Prompt: "q", Model: "advanced-deep-research"})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Preset string `json:"preset"`
	}
	_ = json.Unmarshal(fake.CreateRequests()[0], &body)
	if body.Preset != "advanced-deep-research" || finishModel(t, p, "advanced-deep-research", id).Status != provider.StatusCompleted {
		t.Errorf("preset %q", body.Preset)
	}
	for _, c := range []struct {
		marker, status, reason, inMsg string
		report, usage                 bool
	}{
		{"fail", provider.StatusFailed, "", "could not be completed", false, false},
		{"cancelled", provider.StatusCancelled, "", "", true, true},
		{"requires-action", provider.StatusIncomplete, ReasonRequiresAction, "cannot take", true, true},
		{"empty", provider.StatusCompleted, "", "", false, true},
	} {
		id, err := p.Submit(ctx, provider.Request{JobID: c.marker, Prompt: "q [[fake:" + c.marker + "]]"})
		if err != nil {
			t.Fatal(err)
		}
		s := finishModel(t, p, DefaultModel, id)
		if s.Status != c.status || s.IncompleteReason != c.reason || !strings.Contains(s.ErrorMessage, c.inMsg) ||
			(s.Report != "") != c.report || (s.CostUSD > 0) != c.usage {
			t.Errorf("%s: status %q reason %q error %q report %q cost %v", c.marker, s.Status, s.IncompleteReason, s.ErrorMessage, s.Report, s.CostUSD)
		}
	}
}

// TestAgentCreateIsNeverResent: the Agent API has no idempotency key, so a
// create that may have reached Perplexity is ambiguous at once (the job
// becomes unconfirmed) and never sent again; a refusal is not ambiguous.
func TestAgentCreateIsNeverResent(t *testing.T) {
	for _, c := range []struct {
		marker string
		want   provider.Kind
	}{
		{"create500", provider.KindAmbiguous},
		{"create-drop", provider.KindAmbiguous},
		{"create503", provider.KindAmbiguous},
		{"ratelimit", provider.KindRateLimited},
		{"quota", provider.KindQuota},
		{"badrequest", provider.KindRejected},
	} {
		t.Run(c.marker, func(t *testing.T) {
			fake, sl, p := setup(t, 2)
			_, err := p.Submit(context.Background(), provider.Request{JobID: "j", Attempt: 2, Prompt: "q [[fake:" + c.marker + "]]"})
			pe := wantKind(t, err, c.want)
			if len(fake.CreateRequests()) != 1 || len(sl.waits) != 0 {
				t.Errorf("%d sends, %d waits; want 1 send and no retry", len(fake.CreateRequests()), len(sl.waits))
			}
			if c.want == provider.KindAmbiguous && !strings.Contains(pe.Message, "not retried") {
				t.Errorf("message %q", pe.Message)
			}
		})
	}
}

func TestAgentFollowUpContinuesTheParent(t *testing.T) {
	fake, _, p := setup(t, 1)
	ctx := context.Background()
	parent, _ := p.Submit(ctx, provider.Request{JobID: "p", Prompt: "tea in Japan"})
	finishModel(t, p, DefaultModel, parent)
	if _, err := p.Submit(ctx, provider.Request{JobID: "c", Prompt: "deeper",
		Parent: &provider.Parent{ResponseID: parent, Prompt: "tea in Japan", Report: "Matcha."}}); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	_ = json.Unmarshal(fake.CreateRequests()[1], &body)
	if body["previous_response_id"] != parent || body["input"] != "deeper" {
		t.Errorf("follow-up body %v", body)
	}
	_, err := p.Submit(ctx, provider.Request{JobID: "c2", Prompt: "deeper",
		Parent: &provider.Parent{ResponseID: "resp_gone", Prompt: "tea", Report: "Matcha."}})
	wantKind(t, err, provider.KindContextGone)
	if _, err := p.Submit(ctx, provider.Request{JobID: "c3", Prompt: "deeper",
		Parent: &provider.Parent{Prompt: "tea in Japan", Report: "Matcha."}}); err != nil {
		t.Fatal(err)
	}
	body = nil
	_ = json.Unmarshal(fake.CreateRequests()[3], &body)
	if in, _ := body["input"].(string); !strings.Contains(in, "Matcha.") || !strings.HasSuffix(in, "deeper") || body["previous_response_id"] != nil {
		t.Errorf("context follow-up body %v", body)
	}
}

// TestAsyncJobsKeepPollingAsync: a job made on the async Sonar API is
// polled there, an Agent API job on the Agent API.
func TestAsyncJobsKeepPollingAsync(t *testing.T) {
	fake, _, p := setup(t, 2)
	ctx := context.Background()
	async, _ := p.Submit(ctx, provider.Request{JobID: "old", Model: AsyncModel, Prompt: "q"})
	agent, _ := p.Submit(ctx, provider.Request{JobID: "new", Prompt: "q"})
	if s := finishModel(t, p, AsyncModel, async); s.Status != provider.StatusCompleted || fake.Gets(async) != 2 {
		t.Errorf("async job: %q after %d GETs of the async request", s.Status, fake.Gets(async))
	}
	if s := finishModel(t, p, DefaultModel, agent); s.Status != provider.StatusCompleted || fake.Gets(agent) != 2 {
		t.Errorf("agent job: %q after %d GETs", s.Status, fake.Gets(agent))
	}
}

// TestRetiredAsyncAPI: once the async API answers 404 or 410 for good, a
// job there fails saying Perplexity retired it and how to move the job,
// a create there is refused as a gone model, and the key check and the
// Agent API go on working. A request that merely expired stays a plain 404.
func TestRetiredAsyncAPI(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusGone} {
		fake, _, p := setup(t, 3)
		ctx := context.Background()
		expired, _ := p.Submit(ctx, provider.Request{JobID: "e", Model: AsyncModel, Prompt: "q [[fake:gone]]"})
		_, _ = p.FetchModel(ctx, AsyncModel, expired)
		_, err := p.FetchModel(ctx, AsyncModel, expired)
		if pe := wantKind(t, err, provider.KindNotFound); pe.Code == provider.CodeAPIRetired {
			t.Errorf("an expired request while the API answers: %q", pe.Message)
		}
		id, _ := p.Submit(ctx, provider.Request{JobID: "old", Model: AsyncModel, Prompt: "q"})
		fake.RetireAsync(status)
		_, err = p.FetchModel(ctx, AsyncModel, id)
		pe := wantKind(t, err, provider.KindNotFound)
		if pe.Code != provider.CodeAPIRetired || !strings.Contains(pe.Message, "retired the async Sonar API") ||
			!strings.Contains(pe.Message, "Edit and resubmit the job with the deep-research preset") {
			t.Errorf("%d: code %q message %q", status, pe.Code, pe.Message)
		}
		_, err = p.Submit(ctx, provider.Request{JobID: "late", Model: AsyncModel, Prompt: "q"})
		if pe := wantKind(t, err, provider.KindRejected); !provider.ModelGone(err) || !strings.Contains(pe.Message, "deep-research preset") {
			t.Errorf("%d: create on the retired API: %q", status, pe.Message)
		}
		if err := p.CheckKey(ctx); err != nil {
			t.Errorf("%d: CheckKey with the async API retired: %v", status, err)
		}
		agent, err := p.Submit(ctx, provider.Request{JobID: "new", Prompt: "q"})
		if err != nil || finishModel(t, p, DefaultModel, agent).Status != provider.StatusCompleted {
			t.Errorf("%d: the Agent API: %v", status, err)
		}
	}
}

func TestAsyncLengthLimitIsIncomplete(t *testing.T) {
	_, _, p := setup(t, 1)
	id, _ := p.Submit(context.Background(), provider.Request{JobID: "l", Model: AsyncModel, Prompt: "Topic [[fake:length]]"})
	s := finishModel(t, p, AsyncModel, id)
	if s.Status != provider.StatusIncomplete || s.IncompleteReason != "max_output_tokens" || !strings.HasPrefix(s.Report, "# Topic") || s.CostUSD <= 0 {
		t.Errorf("status %q reason %q report %q cost %v: want incomplete with the cut report kept", s.Status, s.IncompleteReason, s.Report, s.CostUSD)
	}
}

// TestParseAgentTitlesAndMarkers: an annotation without a title takes the
// search result's; annotations outside their part are clamped or dropped;
// a message without annotations has its [n] markers read against the
// search results.
func TestParseAgentTitlesAndMarkers(t *testing.T) {
	raw := `{"id":"resp_1","status":"completed","output":[
	 {"type":"search_results","results":[{"title":"Source A","url":"https://a.example"},{"title":"B","url":"https://b.example"}]},
	 {"type":"message","content":[{"type":"output_text","text":"ab😀c","annotations":[
	   {"type":"url_citation","url":"https://a.example","start_index":2,"end_index":9},
	   {"url":"https://b.example","title":"Own","start_index":0,"end_index":1},
	   {"type":"url_citation","url":"https://b.example","start_index":7,"end_index":8}]},
	  {"type":"output_text","text":"de","annotations":[{"type":"url_citation","url":"https://b.example","start_index":0,"end_index":2}]}]}],
	 "usage":{"input_tokens":10,"output_tokens":5,"total_tokens":15,"cost":{"currency":"USD","input_cost":0.1,"output_cost":0.2,"total_cost":0.3}}}`
	s, err := parseAgent([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		url, title string
		start, end int
	}{{"https://b.example", "Own", 0, 1}, {"https://a.example", "Source A", 2, 4}, {"https://b.example", "B", 4, 6}}
	if s.Report != "ab😀cde" || len(s.Citations) != len(want) || s.CostUSD != 0.3 {
		t.Fatalf("report %q citations %+v cost %v", s.Report, s.Citations, s.CostUSD)
	}
	for i, w := range want {
		if c := s.Citations[i]; c.URL != w.url || c.Title != w.title || c.Start != w.start || c.End != w.end {
			t.Errorf("citation %d = %+v, want %+v", i, c, w)
		}
	}
	s, _ = parseAgent([]byte(`{"status":"completed","output":[{"type":"search_results","results":[{"title":"A","url":"https://a.example"}]},
	 {"type":"message","content":[{"type":"output_text","text":"Claim one [1]."}]}]}`))
	if s.Report != "Claim one." || len(s.Citations) != 1 || s.Citations[0].URL != "https://a.example" || s.Citations[0].End != 9 {
		t.Errorf("markers: %q %+v", s.Report, s.Citations)
	}
	if _, err := parseAgent([]byte("{")); err == nil {
		t.Error("a broken answer parsed")
	}
}
