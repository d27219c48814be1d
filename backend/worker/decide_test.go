package worker

import (
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

func TestDecide(t *testing.T) {
	running := job.Job{ID: "j1", Status: job.Running, Provider: "openai", ProviderJobID: "resp_1"}
	tests := []struct {
		name       string
		snap       provider.Snapshot
		wantStatus job.Status
		wantReport bool
		wantErr    []string // substrings of the error text; nil: no error text
		wantUnk    bool
	}{
		{"queued", provider.Snapshot{Status: "queued"}, job.Running, false, nil, false},
		{"in progress", provider.Snapshot{Status: "in_progress", Progress: job.Progress{Searches: 3}}, job.Running, false, nil, false},
		{"completed with text", provider.Snapshot{Status: "completed", Report: "# Tea\nIt is old."}, job.Completed, true, nil, false},
		{"completed empty", provider.Snapshot{Status: "completed", Report: " \n\t"}, job.Failed, false, []string{"finished with no report text"}, false},
		{"incomplete with partial text", provider.Snapshot{Status: "incomplete", Report: "partial", IncompleteReason: "max_output_tokens"}, job.Incomplete, true, []string{"max_output_tokens", "partial report is saved"}, false},
		{"incomplete without text", provider.Snapshot{Status: "incomplete", IncompleteReason: "max_tool_calls"}, job.Incomplete, false, []string{"max_tool_calls", "no text"}, false},
		{"incomplete no reason", provider.Snapshot{Status: "incomplete", Report: "x"}, job.Incomplete, true, []string{"no reason given"}, false},
		{"failed", provider.Snapshot{Status: "failed", ErrorCode: "server_error", ErrorMessage: "The model crashed"}, job.Failed, false, []string{"server_error", "The model crashed"}, false},
		{"failed without message", provider.Snapshot{Status: "failed"}, job.Failed, false, []string{"failed the job"}, false},
		{"cancelled remotely", provider.Snapshot{Status: "cancelled"}, job.Cancelled, false, []string{"Cancelled at OpenAI"}, false},
		{"unknown status", provider.Snapshot{Status: "hibernating"}, job.Running, false, nil, true},
		{"empty status", provider.Snapshot{}, job.Running, false, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decide(running, tt.snap)
			if got.status != tt.wantStatus || got.report != tt.wantReport || got.unknown != tt.wantUnk {
				t.Errorf("decide(%q) = {status %s report %v unknown %v}, want {status %s report %v unknown %v}",
					tt.snap.Status, got.status, got.report, got.unknown, tt.wantStatus, tt.wantReport, tt.wantUnk)
			}
			if tt.wantErr == nil && got.err != "" {
				t.Errorf("decide(%q) error = %q, want none", tt.snap.Status, got.err)
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(got.err, s) {
					t.Errorf("decide(%q) error = %q, want it to contain %q", tt.snap.Status, got.err, s)
				}
			}
			if got.status != job.Running {
				if err := job.CheckTransition(job.Running, got.status); err != nil {
					t.Errorf("decide(%q) = %s, which is not a legal move from running: %v", tt.snap.Status, got.status, err)
				}
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	w := New(nil, nil, Config{PollInterval: 30 * 1e9}, Options{Rand: func() float64 { return 0.5 }})
	tests := []struct {
		n          int
		retryAfter int // seconds
		want       int // seconds
	}{
		{1, 0, 60},
		{2, 0, 120},
		{3, 0, 240},
		{4, 0, 480},
		{5, 0, 600}, // capped at 10 minutes
		{60, 0, 600},
		{1, 300, 300},   // Retry-After longer than the backoff wins
		{1, 10, 60},     // shorter one does not shorten it
		{9, 1200, 1200}, // Retry-After is honoured even above the cap
	}
	for _, tt := range tests {
		got := w.backoff(tt.n, secs(tt.retryAfter))
		if got != secs(tt.want) {
			t.Errorf("backoff(%d, %ds) = %s, want %ds", tt.n, tt.retryAfter, got, tt.want)
		}
	}
	// Jitter stays within +-20% and under the cap.
	for _, r := range []float64{0, 0.999} {
		w.rand = func() float64 { return r }
		got := w.backoff(1, 0)
		if got < secs(48) || got > secs(72) {
			t.Errorf("backoff(1) with rand %v = %s, want within 48s..72s", r, got)
		}
		if got := w.backoff(10, 0); got > secs(600) {
			t.Errorf("backoff(10) with rand %v = %s, want at most 10m", r, got)
		}
	}
}
