package job

import (
	"slices"
	"testing"
	"time"
)

func TestActionsFor(t *testing.T) {
	cases := []struct {
		s       Status
		hasText bool
		want    []Action
	}{
		{Queued, false, []Action{"check", "cancel", "delete"}},
		{Submitting, false, []Action{}},
		{Running, false, []Action{"check", "cancel"}},
		{Completed, true, []Action{"open", "follow_up", "edit", "delete"}},
		{Incomplete, true, []Action{"open", "follow_up", "edit", "delete"}},
		{Incomplete, false, []Action{"edit", "delete"}},
		{Failed, false, []Action{"resubmit", "edit", "delete"}},
		{Cancelled, false, []Action{"resubmit", "edit", "delete"}},
		{Unconfirmed, false, []Action{"resubmit", "edit", "adopt", "dismiss", "delete"}},
	}
	for _, c := range cases {
		got := ActionsFor(c.s, c.hasText)
		if !slices.Equal(got, c.want) {
			t.Errorf("ActionsFor(%s, %v) = %v, want %v", c.s, c.hasText, got, c.want)
		}
	}
}

func TestEveryJobNotRunningHasAWayOut(t *testing.T) {
	for _, s := range All {
		if s == Running || s == Submitting {
			continue
		}
		a := ActionsFor(s, false)
		if !slices.Contains(a, ActionDelete) && !slices.Contains(a, ActionDismiss) {
			t.Errorf("%s offers neither delete nor dismiss: %v", s, a)
		}
	}
}

func TestCheckMoveNeedsProviderIDForRunning(t *testing.T) {
	if err := CheckMove(Unconfirmed, Job{Status: Running}); err == nil {
		t.Fatal("unconfirmed -> running without a provider id was allowed")
	}
	if err := CheckMove(Unconfirmed, Job{Status: Running, ProviderJobID: "resp_1"}); err != nil {
		t.Fatalf("adoption with a provider id refused: %v", err)
	}
	if err := CheckMove(Completed, Job{Status: Queued}); err == nil {
		t.Fatal("completed -> queued was allowed")
	}
}

func TestActionsOfACancelRequested(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		j    Job
		want []Action
	}{
		{Job{Status: Running}, []Action{"check", "cancel"}},
		{Job{Status: Running, CancelRequestedAt: &at}, []Action{"check"}},                                 // no second cancel while it finishes
		{Job{Status: Completed, CancelRequestedAt: &at}, []Action{"open", "follow_up", "edit", "delete"}}, // it finished and was kept
		{Job{Status: Cancelled, CancelRequestedAt: &at}, []Action{"resubmit", "edit", "delete"}},          // the provider stopped it
	}
	for _, c := range cases {
		if got := ActionsOf(c.j, c.j.Status == Completed); !slices.Equal(got, c.want) {
			t.Errorf("ActionsOf(%s, cancel requested %v) = %v, want %v", c.j.Status, c.j.CancelRequestedAt != nil, got, c.want)
		}
	}
}

// A face reads what it may show from the job: follow_up exactly when the
// job can go deeper (a finished report with text), active as the status
// says, has_report when a text is saved, and one title.
func TestDeriveFillsWhatFacesRead(t *testing.T) {
	for _, s := range All {
		for _, hasText := range []bool{false, true} {
			j := Derive(Job{Status: s, Prompt: "  Heat pumps in cold climates\nmore detail"}, hasText)
			wantDeeper := (s == Completed || s == Incomplete) && hasText
			if got := slices.Contains(j.Actions, ActionFollowUp); got != wantDeeper {
				t.Errorf("%s (text %v): follow_up offered = %v, want %v", s, hasText, got, wantDeeper)
			}
			if j.Active != s.Active() {
				t.Errorf("%s: active = %v, want %v", s, j.Active, s.Active())
			}
			if j.HasReport != hasText {
				t.Errorf("%s: has_report = %v, want %v", s, j.HasReport, hasText)
			}
			if j.DisplayTitle != "Heat pumps in cold climates" {
				t.Errorf("%s: title = %q", s, j.DisplayTitle)
			}
		}
	}
}
