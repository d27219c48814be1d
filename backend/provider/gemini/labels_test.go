package gemini

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/provider"
)

// TestLabelsTieTheInteractionToItsJob: the create carries the job id as a
// label, and a fetch reads it back; an interaction without the label is
// marked untagged, so no job adopts it.
func TestLabelsTieTheInteractionToItsJob(t *testing.T) {
	fake, p := setup(t, 2)
	ctx := context.Background()
	id, err := p.Submit(ctx, provider.Request{JobID: "job-7", Prompt: "tagged"})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := p.Fetch(ctx, id)
	if err != nil || snap.JobID != "job-7" || snap.Untagged {
		t.Errorf("fetch of a labelled interaction: job %q untagged %v (%v), want job-7", snap.JobID, snap.Untagged, err)
	}
	if got := fake.InteractionsFor("job-7"); len(got) != 1 || got[0] != id {
		t.Errorf("the fake saw labels for %v, want [%s]", got, id)
	}

	req, _ := http.NewRequest(http.MethodPost, fake.URL()+"/v1beta/interactions", strings.NewReader(
		`{"agent":"deep-research-preview-04-2026","input":"made elsewhere","background":true,"store":true}`))
	req.Header.Set("x-goog-api-key", testKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	bare := fake.Runs()[1].ID
	snap, err = p.Fetch(ctx, bare)
	if err != nil || snap.JobID != "" || !snap.Untagged {
		t.Errorf("fetch of an unlabelled interaction: job %q untagged %v (%v), want untagged", snap.JobID, snap.Untagged, err)
	}
}

// TestOwnStatusKept: Gemini's own status word is kept beside the mapped
// one, so the job's provider_status says what Gemini said.
func TestOwnStatusKept(t *testing.T) {
	for marker, want := range map[string]string{
		"[[fake:budget]]":          "budget_exceeded",
		"[[fake:requires-action]]": "requires_action",
		"[[fake:strange]]":         "paused_for_review",
		"":                         "completed",
	} {
		_, p := setup(t, 2)
		snap := run(t, p, "q "+marker)
		if snap.KeptStatus() != want {
			t.Errorf("%q: kept status %q (status %q), want %q", marker, snap.KeptStatus(), snap.Status, want)
		}
	}
	_, p := setup(t, 5)
	id, err := p.Submit(context.Background(), provider.Request{JobID: "j", Prompt: "q"})
	if err != nil {
		t.Fatal(err)
	}
	if snap, err := p.Fetch(context.Background(), id); err != nil || snap.KeptStatus() != "in_progress" {
		t.Errorf("running: kept status %q (%v)", snap.KeptStatus(), err)
	}
	if s, _ := parseSnapshot([]byte(`{"id":"x","status":"queued"}`)); s.Status != provider.StatusQueued || s.KeptStatus() != "queued" {
		t.Errorf("queued: %q / %q", s.Status, s.KeptStatus())
	}
}

// TestRetiredAgentRefusedWithItsStatus: a create naming the agent Gemini
// shut down is refused by the fake as by the live API; the error keeps
// Gemini's HTTP status and message, and reads as a model refused
// (provider.ModelGone), nothing created.
func TestRetiredAgentRefusedWithItsStatus(t *testing.T) {
	fake, p := setup(t, 2)
	_, err := p.Submit(context.Background(), provider.Request{JobID: "j", Prompt: "q", Model: "deep-research-pro-preview-12-2025"})
	e := wantKind(t, err, provider.KindRejected)
	if e.HTTPStatus != http.StatusNotFound || !provider.ModelGone(err) || !strings.Contains(e.Message, "deep-research-pro-preview-12-2025") {
		t.Errorf("retired agent: HTTP %d code %q message %q", e.HTTPStatus, e.Code, e.Message)
	}
	if fake.Creates() != 0 {
		t.Errorf("%d interactions created", fake.Creates())
	}
}
