package worker

import (
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// TestDecideUsesTheProvidersStopMessage: an incomplete run whose provider
// explains its own reason (Gemini's budget_exceeded, requires_action)
// ends with that explanation, after whether the partial report was kept.
func TestDecideUsesTheProvidersStopMessage(t *testing.T) {
	j := job.Job{Provider: "gemini"}
	budget := provider.Snapshot{Status: provider.StatusIncomplete, ProviderStatus: "budget_exceeded", Report: "partial",
		IncompleteReason: "budget_exceeded", ErrorCode: "budget_exceeded", ErrorMessage: "The agent used up its own budget."}
	o := decide(j, budget)
	if o.status != job.Incomplete || !o.report || !strings.Contains(o.err, "partial report is saved") ||
		!strings.HasSuffix(o.err, "The agent used up its own budget.") || strings.Contains(o.err, "Submit it again to retry") {
		t.Errorf("budget_exceeded: %+v", o)
	}
	budget.Report = ""
	if o := decide(j, budget); o.report || !strings.Contains(o.err, "returned no text") || !strings.Contains(o.err, "own budget") {
		t.Errorf("budget_exceeded without text: %+v", o)
	}
	// A message that is not about the reason (a run-level error) is not
	// taken as the explanation of it.
	other := provider.Snapshot{Status: provider.StatusIncomplete, Report: "partial", IncompleteReason: "max_output_tokens",
		ErrorCode: "13", ErrorMessage: "internal"}
	if o := decide(j, other); strings.Contains(o.err, "internal") || !strings.Contains(o.err, "output limit") {
		t.Errorf("incomplete with an unrelated error: %+v", o)
	}
}
