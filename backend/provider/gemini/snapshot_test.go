package gemini

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

func TestMapStatus(t *testing.T) {
	tests := []struct{ raw, status, reason string }{
		{"queued", provider.StatusQueued, ""},
		{"in_progress", provider.StatusInProgress, ""},
		{"completed", provider.StatusCompleted, ""},
		{"failed", provider.StatusFailed, ""},
		{"cancelled", provider.StatusCancelled, ""},
		{"incomplete", provider.StatusIncomplete, ""},
		{"budget_exceeded", provider.StatusIncomplete, ReasonBudgetExceeded},
		{"requires_action", provider.StatusIncomplete, ReasonRequiresAction},
		{"requires_continuation", provider.StatusIncomplete, ReasonRequiresContinuation},
		{"continuation_required", provider.StatusIncomplete, ReasonRequiresContinuation},
		{"paused_for_review", "paused_for_review", ""}, // unknown: passed through raw
		{"", "", ""},
	}
	for _, tt := range tests {
		status, reason := mapStatus(tt.raw)
		if status != tt.status || reason != tt.reason {
			t.Errorf("mapStatus(%q) = %q, %q; want %q, %q", tt.raw, status, reason, tt.status, tt.reason)
		}
	}
}

// cited builds one text content from pieces, with annotations in BYTES as
// Gemini sends them; it returns the content and the expected texts of the
// cited spans.
func cited(pieces ...[2]string) (map[string]any, []string) {
	var b strings.Builder
	var ann []any
	var want []string
	for _, p := range pieces {
		if p[1] != "" {
			ann = append(ann, map[string]any{"type": "url_citation", "url": p[1], "title": "t",
				"start_index": b.Len(), "end_index": b.Len() + len(p[0])})
			want = append(want, p[0])
		}
		b.WriteString(p[0])
	}
	return map[string]any{"type": "text", "text": b.String(), "annotations": ann}, want
}

func TestReportConvertsByteOffsetsToCharacters(t *testing.T) {
	first, want1 := cited([2]string{"Café 中文 🚀 naïve: ", ""}, [2]string{"太陽光 doubled 👍🏽", "https://a.example"},
		[2]string{" then ", ""}, [2]string{"wind", "https://b.example"}, [2]string{".\n", ""})
	second, want2 := cited([2]string{"## 第二 🎉 ", ""}, [2]string{"again 太陽", "https://a.example"})
	raw, _ := json.Marshal(map[string]any{"id": "v1_x", "status": "completed", "agent": DefaultModel, "steps": []any{
		map[string]any{"type": "user_input", "content": []any{map[string]any{"type": "text", "text": "q"}}},
		map[string]any{"type": "model_output", "content": []any{map[string]any{"type": "text", "text": "draft"}}},
		map[string]any{"type": "thought", "summary": []any{map[string]any{"text": "**Now** writing"}}},
		map[string]any{"type": "model_output", "content": []any{first, map[string]any{"type": "image"}, second}},
	}})
	s, err := parseSnapshot(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Report, "Café 中文") || !strings.HasSuffix(s.Report, "again 太陽") {
		t.Fatalf("report = %q, want the last model_output's two text parts", s.Report)
	}
	want := append(want1, want2...)
	if len(s.Citations) != len(want) {
		t.Fatalf("citations = %+v, want %d", s.Citations, len(want))
	}
	runes := []rune(s.Report)
	for i, c := range s.Citations {
		if got := string(runes[c.Start:c.End]); got != want[i] {
			t.Errorf("citation %d spans %q, want %q", i, got, want[i])
		}
	}
	if idx := []int{s.Citations[0].Index, s.Citations[1].Index, s.Citations[2].Index}; !reflect.DeepEqual(idx, []int{1, 2, 1}) {
		t.Errorf("indexes = %v, want [1 2 1] (same URL, same number)", idx)
	}
	if s.Progress.Summary != "Now writing" || s.Progress.Steps != 3 || s.Model != DefaultModel {
		t.Errorf("progress %+v, model %q", s.Progress, s.Model)
	}
}

func TestRuneIndexInsideACharacter(t *testing.T) {
	s := "a中b" // 中 is bytes 1..3
	for _, tt := range []struct {
		b       int
		roundUp bool
		want    int
	}{{0, false, 0}, {1, false, 1}, {2, false, 1}, {2, true, 2}, {3, true, 2}, {4, false, 2}, {5, true, 3}} {
		if got := runeCounts(s, []int{runeStart(s, tt.b, tt.roundUp)})[0]; got != tt.want {
			t.Errorf("rune index of byte %d of %q (round up: %v) = %d, want %d", tt.b, s, tt.roundUp, got, tt.want)
		}
	}
	// A span whose offsets fall inside characters, or past the end, is
	// widened or clamped, never a panic; a span before 0 is dropped.
	text := "中文 report"
	_, cites := reportOf([]wireContent{{Type: "text", Text: provider.Text(text), Annotations: []struct {
		Type  string `json:"type"`
		URL   string `json:"url"`
		Title string `json:"title"`
		Start int    `json:"start_index"`
		End   int    `json:"end_index"`
	}{
		{"url_citation", "https://x", "", 1, 4}, {"url_citation", "https://y", "", 7, 999}, {"url_citation", "https://z", "", -1, 2},
		{"url_citation", "https://w", "", 5, 3}, {"file_citation", "https://v", "", 0, 1},
	}}})
	want := []job.Citation{{Index: 1, URL: "https://x", Start: 0, End: 2}, {Index: 2, URL: "https://y", Start: 3, End: 9}}
	if !reflect.DeepEqual(cites, want) {
		t.Errorf("cites = %+v, want %+v", cites, want)
	}
}

func TestSnapshotStatusesErrorsAndUsage(t *testing.T) {
	parse := func(v map[string]any) provider.Snapshot {
		t.Helper()
		raw, _ := json.Marshal(v)
		s, err := parseSnapshot(raw)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	failed := parse(map[string]any{"status": "failed",
		"errors": []any{map[string]any{"code": "https://ai.google.dev/errors/internal", "message": "boom"}}})
	if failed.Status != provider.StatusFailed || failed.ErrorCode != "https://ai.google.dev/errors/internal" || failed.ErrorMessage != "boom" {
		t.Errorf("failed: %+v", failed)
	}
	stepErr := parse(map[string]any{"status": "failed", "steps": []any{map[string]any{"type": "model_output",
		"error": map[string]any{"code": 13, "message": "internal"}}}})
	if stepErr.ErrorCode != "13" || stepErr.ErrorMessage != "internal" {
		t.Errorf("model_output error: %q %q", stepErr.ErrorCode, stepErr.ErrorMessage)
	}
	action := parse(map[string]any{"status": "requires_action"})
	if action.Status != provider.StatusIncomplete || action.IncompleteReason != "requires_action" ||
		action.ErrorCode != "requires_action" || !strings.Contains(action.ErrorMessage, "Deepr cannot give") {
		t.Errorf("requires_action: %+v", action)
	}
	u := parse(map[string]any{"status": "completed", "steps": []any{
		map[string]any{"type": "google_search_call", "arguments": map[string]any{"queries": []string{"a", "b"}}},
		map[string]any{"type": "google_search_call"},
		map[string]any{"type": "url_context_call", "arguments": map[string]any{"urls": []string{"u1", "u2"}}},
	}, "usage": map[string]any{"total_input_tokens": 1000, "total_output_tokens": 200, "total_thought_tokens": 300,
		"total_cached_tokens": 100, "total_tool_use_tokens": 50, "total_tokens": 1550}})
	want := job.Usage{InputTokens: 1050, CachedTokens: 100, OutputTokens: 500, ReasoningTokens: 300, WebSearchCalls: 3}
	if u.Usage != want || u.Progress.Searches != 3 || u.Progress.Pages != 2 {
		t.Errorf("usage %+v progress %+v, want %+v and 3 searches, 2 pages (searches counted from steps when usage has no grounding count)",
			u.Usage, u.Progress, want)
	}
	g := parse(map[string]any{"status": "completed", "usage": map[string]any{"total_input_tokens": 1,
		"grounding_tool_count": []any{map[string]any{"type": "google_search", "count": 7}, map[string]any{"type": "url_context", "count": 4}}}})
	if g.Usage.WebSearchCalls != 7 {
		t.Errorf("WebSearchCalls = %d, want 7 from grounding_tool_count", g.Usage.WebSearchCalls)
	}
	if _, err := parseSnapshot([]byte(`{"status":`)); err == nil {
		t.Error("parseSnapshot of cut JSON: no error")
	}
}

func TestCostAndModels(t *testing.T) {
	u := job.Usage{InputTokens: 2_000_000, CachedTokens: 1_000_000, OutputTokens: 1_000_000, WebSearchCalls: 100}
	for _, m := range Models() {
		if !ValidModel(m) {
			t.Errorf("ValidModel(%q) = false", m)
		}
		if got, want := Cost(m, u), 2.0+0.2+12+1.4; math.Abs(got-want) > 1e-9 {
			t.Errorf("Cost(%q) = %v, want %v", m, got, want)
		}
	}
	if Models()[0] != DefaultModel || len(Models()) != 3 {
		t.Errorf("Models() = %v, want three agents, default first", Models())
	}
	if ValidModel("gemini-3-pro") || Cost("gemini-3-pro", u) != 0 {
		t.Error("an unknown agent is valid or has a cost")
	}
}
