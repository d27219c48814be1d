package gemini

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/provider"
)

func TestFollowUpSendsPreviousInteractionID(t *testing.T) {
	fake, p := setup(t, 1)
	ctx := context.Background()
	if _, err := p.Submit(ctx, provider.Request{JobID: "j2", Prompt: "deeper",
		Parent: &provider.Parent{ResponseID: "int_parent", Prompt: "q", Report: "r"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Submit(ctx, provider.Request{JobID: "j3", Prompt: "deeper",
		Parent: &provider.Parent{Prompt: "tea in Japan", Report: "Matcha is shade-grown."}}); err != nil {
		t.Fatal(err)
	}
	reqs := fake.CreateRequests()
	var a, b struct {
		Previous string `json:"previous_interaction_id"`
		Input    string `json:"input"`
	}
	_ = json.Unmarshal(reqs[0], &a)
	_ = json.Unmarshal(reqs[1], &b)
	if a.Previous != "int_parent" || a.Input != "deeper" {
		t.Errorf("continued follow-up = %s, want previous_interaction_id and the prompt", reqs[0])
	}
	if b.Previous != "" || !strings.Contains(b.Input, "Matcha is shade-grown.") || !strings.HasSuffix(b.Input, "deeper") {
		t.Errorf("follow-up with the report = %s, want the report then the prompt in the input", reqs[1])
	}
}
