package openai

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

func TestParseSnapshot(t *testing.T) {
	long := strings.Repeat("word ", 100)
	tests := []struct {
		name          string
		raw           string
		wantReport    string
		wantCitations []job.Citation
		wantProgress  job.Progress
	}{
		{
			name: "last message wins, refusal only when no text",
			raw: `{"id":"r","status":"completed","output":[
				{"type":"message","content":[{"type":"output_text","text":"old","annotations":[]}]},
				{"type":"message","content":[{"type":"refusal","refusal":"I can't help with that."}]}]}`,
			wantReport: "I can't help with that.",
		},
		{
			name: "text preferred over refusal",
			raw: `{"id":"r","status":"completed","output":[{"type":"message","content":[
				{"type":"refusal","refusal":"no"},{"type":"output_text","text":"yes","annotations":[]}]}]}`,
			wantReport: "yes",
		},
		{
			name: "out-of-range annotations clamped or dropped, non-url ignored",
			raw: `{"id":"r","status":"completed","output":[{"type":"message","content":[
				{"type":"output_text","text":"héllo wörld","annotations":[
					{"type":"url_citation","start_index":6,"end_index":99,"url":"https://a","title":"A"},
					{"type":"url_citation","start_index":50,"end_index":60,"url":"https://b","title":"B"},
					{"type":"url_citation","start_index":-1,"end_index":3,"url":"https://c","title":"C"},
					{"type":"url_citation","start_index":4,"end_index":2,"url":"https://d","title":"D"},
					{"type":"url_citation","start_index":0,"end_index":5,"url":"","title":"no url"},
					{"type":"file_citation","index":1,"file_id":"f","filename":"x"},
					{"type":"url_citation","start_index":0,"end_index":5,"url":"https://e","title":"E"}]}]}]}`,
			wantReport: "héllo wörld",
			wantCitations: []job.Citation{
				{Index: 1, URL: "https://e", Title: "E", Start: 0, End: 5},
				{Index: 2, URL: "https://a", Title: "A", Start: 6, End: 11},
			},
		},
		{
			name: "progress counts",
			raw: `{"id":"r","status":"in_progress","output":[
				{"type":"reasoning","summary":[{"type":"summary_text","text":"first"},{"type":"summary_text","text":"  **Now**\n\n reading   the IEA report  "}]},
				{"type":"reasoning","summary":[]},
				{"type":"web_search_call","action":{"type":"search","query":"a"}},
				{"type":"web_search_call","action":{"type":"search","queries":["b"]}},
				{"type":"web_search_call","action":{"type":"open_page","url":"https://x"}},
				{"type":"web_search_call","action":{"type":"find_in_page","url":"https://x","pattern":"p"}},
				{"type":"web_search_call","action":{"type":"open_page","url":"https://y"}},
				{"type":"web_search_call","status":"in_progress"},
				{"type":"code_interpreter_call","code":"1+1"}]}`,
			wantProgress: job.Progress{Steps: 9, Searches: 2, Pages: 2, Summary: "Now reading the IEA report"},
		},
		{
			name:         "summary cut",
			raw:          `{"id":"r","status":"in_progress","output":[{"type":"reasoning","summary":[{"type":"summary_text","text":"` + long + `"}]}]}`,
			wantProgress: job.Progress{Steps: 1, Summary: strings.TrimSpace(long[:provider.SummaryLimit-1]) + "…"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := parseSnapshot([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if s.Report != tt.wantReport {
				t.Errorf("Report = %q, want %q", s.Report, tt.wantReport)
			}
			if !reflect.DeepEqual(s.Citations, tt.wantCitations) {
				t.Errorf("Citations = %+v, want %+v", s.Citations, tt.wantCitations)
			}
			if s.Progress != tt.wantProgress {
				t.Errorf("Progress = %+v, want %+v", s.Progress, tt.wantProgress)
			}
			if utf8.RuneCountInString(s.Progress.Summary) > provider.SummaryLimit {
				t.Errorf("summary has %d characters, want at most %d", utf8.RuneCountInString(s.Progress.Summary), provider.SummaryLimit)
			}
			if string(s.Raw) != tt.raw {
				t.Errorf("Raw is not the input")
			}
		})
	}
}

func TestParseSnapshotUsageAndErrors(t *testing.T) {
	s, err := parseSnapshot([]byte(`{"id":"r","status":"failed","error":{"code":"server_error","message":"boom"},
		"incomplete_details":{"reason":"content_filter"},
		"usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":4},"output_tokens":20,
		         "output_tokens_details":{"reasoning_tokens":15},"total_tokens":30},
		"output":[{"type":"web_search_call","action":{"type":"search"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := job.Usage{InputTokens: 10, CachedTokens: 4, OutputTokens: 20, ReasoningTokens: 15, WebSearchCalls: 1}
	if s.Usage != want {
		t.Errorf("Usage = %+v, want %+v", s.Usage, want)
	}
	if s.ErrorCode != "server_error" || s.ErrorMessage != "boom" || s.IncompleteReason != "content_filter" || s.Status != "failed" {
		t.Errorf("error fields = %q %q %q %q", s.ErrorCode, s.ErrorMessage, s.IncompleteReason, s.Status)
	}
	if _, err := parseSnapshot([]byte(`not json`)); err == nil {
		t.Errorf("parseSnapshot(not json) succeeded, want an error")
	}
}
