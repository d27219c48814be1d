package worker

import (
	"slices"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// TestDecidedMessagesNameOfferedActions: what a final state's message
// tells the user to do is among the job's actions (issue 25: an
// incomplete Gemini job said "Submit it again" and offered only "Edit as
// new"), for every provider.
func TestDecidedMessagesNameOfferedActions(t *testing.T) {
	snaps := []provider.Snapshot{
		{Status: "completed", Report: " "},
		{Status: "incomplete", IncompleteReason: "max_tool_calls"},
		{Status: "incomplete", Report: "partial"},
		{Status: "incomplete"},
		{Status: "failed", ErrorCode: "server_error", ErrorMessage: "boom"},
	}
	for _, prov := range []string{"openai", "azure", "gemini", "perplexity"} {
		for _, s := range snaps {
			o := decide(job.Job{ID: "j", Status: job.Running, Provider: prov}, s)
			acts := job.ActionsFor(o.status, o.report)
			lower := strings.ToLower(o.err)
			if (strings.Contains(lower, "resubmit") || strings.Contains(lower, "submit it again")) && !slices.Contains(acts, job.ActionResubmit) {
				t.Errorf("%s %s/%s: %q names resubmitting, but the actions are %v", prov, s.Status, s.IncompleteReason, o.err, acts)
			}
			if strings.Contains(lower, "as new") && !slices.Contains(acts, job.ActionEdit) {
				t.Errorf("%s %s: %q names a new job, but the actions are %v", prov, s.Status, o.err, acts)
			}
		}
	}
}
