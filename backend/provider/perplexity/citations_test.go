package perplexity

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

func TestStripThink(t *testing.T) {
	for in, want := range map[string]string{
		"<think>\nplan\n</think>\n\n# Report": "# Report",
		"  \n<think>a</think>Report":          "Report",
		"# Report <think>x</think>":           "# Report <think>x</think>",
		"<think>never closed":                 "<think>never closed",
		"":                                    "",
	} {
		if got := stripThink(in); got != want {
			t.Errorf("stripThink(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExtractCitations(t *testing.T) {
	src := []source{{"https://a.example", "A"}, {"https://b.example", "B"}, {"", "no url"}}
	type span struct {
		text, url string
	}
	tests := []struct {
		name, in, want string
		spans          []span
	}{
		{"after punctuation", "Intro line.\nSolar grew 30%.[1] Wind too[2].",
			"Intro line.\nSolar grew 30%. Wind too.", []span{{"Solar grew 30%.", "https://a.example"}, {"Wind too", "https://b.example"}}},
		{"adjacent markers share a span", "Café 中文 claim [1][2] and 🚀 more [1] [2].\n",
			"Café 中文 claim and 🚀 more.\n", []span{{"Café 中文 claim", "https://a.example"}, {"Café 中文 claim", "https://b.example"},
				{"and 🚀 more", "https://a.example"}, {"and 🚀 more", "https://b.example"}}},
		{"not markers", "a[0] b[4] c[3] `x[1]` [1](https://l) [x]\n```\narr[1]\n```\n[2]: https://b.example",
			"a[0] b[4] c[3] `x[1]` [1](https://l) [x]\n```\narr[1]\n```\n[2]: https://b.example", nil},
		{"marker at the very start", "[1] begins", " begins", []span{{"", "https://a.example"}}},
		{"after a sentence and a space", "First one. Second one. [2] Third.",
			"First one. Second one. Third.", []span{{"Second one.", "https://b.example"}}},
		{"invalid UTF-8, blanks at the end", "x\xffy \t[1] z \t", "x\ufffdy z \t", []span{{"x\ufffdy", "https://a.example"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cites := extractCitations(tt.in, src)
			if got != tt.want {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
			if len(cites) != len(tt.spans) {
				t.Fatalf("citations = %+v, want %d", cites, len(tt.spans))
			}
			rs := []rune(got)
			for i, c := range cites {
				if s := string(rs[c.Start:c.End]); s != tt.spans[i].text || c.URL != tt.spans[i].url {
					t.Errorf("citation %d = %q %s, want %q %s", i, s, c.URL, tt.spans[i].text, tt.spans[i].url)
				}
			}
		})
	}
	_, cites := extractCitations("x[2] y[1] z[2]", src)
	if idx := []int{cites[0].Index, cites[1].Index, cites[2].Index}; !reflect.DeepEqual(idx, []int{1, 2, 1}) || cites[0].Title != "B" {
		t.Errorf("indexes %v titles %q: want numbering by first appearance and titles from the sources", idx, cites[0].Title)
	}
}

func TestMapStatus(t *testing.T) {
	for raw, want := range map[string]string{
		"CREATED": provider.StatusQueued, "IN_PROGRESS": provider.StatusInProgress,
		"COMPLETED": provider.StatusCompleted, "FAILED": provider.StatusFailed,
		"EXPIRED": "EXPIRED", "": "",
	} {
		if got := mapStatus(raw); got != want {
			t.Errorf("mapStatus(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestParseSnapshot(t *testing.T) {
	raw, _ := json.Marshal(map[string]any{"id": "req_1", "status": "COMPLETED", "model": "sonar-deep-research",
		"response": map[string]any{"choices": []any{map[string]any{"message": map[string]any{
			"content": "<think>hmm</think>\n\nAnswer é[1]. Next[2]."}}},
			"citations":      []string{"https://a.example", "https://b.example"},
			"search_results": []any{map[string]any{"title": " Bee ", "url": "https://b.example"}},
			"usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 200, "citation_tokens": 50,
				"reasoning_tokens": 1000, "num_search_queries": 4, "cost": map[string]any{"total_cost": 0.1234}}}})
	s, err := parseSnapshot(raw)
	if err != nil {
		t.Fatal(err)
	}
	if s.Report != "Answer é. Next." || s.Status != provider.StatusCompleted || s.CostUSD != 0.1234 || len(s.Citations) != 2 {
		t.Fatalf("snapshot %+v", s)
	}
	if s.Citations[1].Title != "Bee" || s.Citations[0].Title != "" {
		t.Errorf("titles %q %q", s.Citations[0].Title, s.Citations[1].Title)
	}
	want := job.Usage{InputTokens: 150, OutputTokens: 1200, ReasoningTokens: 1000, WebSearchCalls: 4}
	if s.Usage != want {
		t.Errorf("usage %+v, want %+v", s.Usage, want)
	}
	// From search_results alone, and a failure.
	raw, _ = json.Marshal(map[string]any{"status": "FAILED", "error_message": "upstream failed", "response": map[string]any{
		"choices":        []any{map[string]any{"message": map[string]any{"content": "X[1]"}}},
		"search_results": []any{map[string]any{"title": "S", "url": "https://s.example"}}}})
	s, _ = parseSnapshot(raw)
	if s.Status != provider.StatusFailed || s.ErrorMessage != "upstream failed" || len(s.Citations) != 1 || s.Citations[0].URL != "https://s.example" {
		t.Errorf("snapshot %+v", s)
	}
	if _, err := parseSnapshot([]byte("{")); err == nil {
		t.Error("cut JSON: no error")
	}
}

func TestCost(t *testing.T) {
	u := job.Usage{InputTokens: 1_000_000, OutputTokens: 3_000_000, ReasoningTokens: 2_000_000, WebSearchCalls: 1000}
	if got, want := Cost("sonar-deep-research", u), 2.0+8+6+5; math.Abs(got-want) > 1e-9 {
		t.Errorf("Cost = %v, want %v", got, want)
	}
	if Cost("sonar-pro", u) != 0 || ValidModel("sonar-pro") || !ValidModel(Models()[0]) || Models()[0] != DefaultModel {
		t.Error("model list or unknown model price is wrong")
	}
	if !strings.HasPrefix(IdempotencyKey(provider.Request{JobID: "j1", Attempt: 2}), "deepr-j1-2") || IdempotencyKey(provider.Request{}) != "" {
		t.Errorf("IdempotencyKey = %q", IdempotencyKey(provider.Request{JobID: "j1", Attempt: 2}))
	}
}
