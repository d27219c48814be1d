package openai

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/provider"
)

func TestFollowUpSendsPreviousResponseID(t *testing.T) {
	fake, p := setup(t, 1)
	ctx := context.Background()
	parent, err := p.Submit(ctx, provider.Request{JobID: "j1", Prompt: "tea in Japan", WebSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Submit(ctx, provider.Request{JobID: "j2", Prompt: "deeper on matcha", WebSearch: true,
		Parent: &provider.Parent{ResponseID: parent, Prompt: "tea in Japan", Report: "the report"}}); err != nil {
		t.Fatalf("follow-up: %v", err)
	}
	reqs := fake.CreateRequests()
	var body struct {
		Previous string `json:"previous_response_id"`
		Input    string `json:"input"`
	}
	if err := json.Unmarshal(reqs[1], &body); err != nil || body.Previous != parent || body.Input != "deeper on matcha" {
		t.Errorf("follow-up body = %s (%v), want previous_response_id %s and only the new prompt", reqs[1], err, parent)
	}
}

func TestFollowUpOfAGoneResponseIsContextGone(t *testing.T) {
	fake, p := setup(t, 1)
	ctx := context.Background()
	parent, _ := p.Submit(ctx, provider.Request{JobID: "j1", Prompt: "tea"})
	fake.Expire(parent)
	_, err := p.Submit(ctx, provider.Request{JobID: "j2", Prompt: "deeper", Parent: &provider.Parent{ResponseID: parent}})
	pe := wantKind(t, err, provider.KindContextGone)
	if pe.HTTPStatus != 400 || pe.Code != "previous_response_not_found" {
		t.Errorf("error = %+v, want OpenAI's 400 previous_response_not_found", pe)
	}
}

func TestFollowUpWithTheReportAsContext(t *testing.T) {
	fake, p := setup(t, 1)
	if _, err := p.Submit(context.Background(), provider.Request{JobID: "j2", Prompt: "deeper",
		Parent: &provider.Parent{Prompt: "tea in Japan", Report: "Matcha is shade-grown."}}); err != nil {
		t.Fatal(err)
	}
	raw := fake.CreateRequests()[0]
	var body struct {
		Previous *string `json:"previous_response_id"`
		Input    []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"input"`
	}
	if err := json.Unmarshal(raw, &body); err != nil || body.Previous != nil || len(body.Input) != 3 ||
		body.Input[0].Role != "user" || body.Input[1].Role != "assistant" || body.Input[1].Content != "Matcha is shade-grown." ||
		body.Input[2].Content != "deeper" {
		t.Errorf("body = %s (%v), want the parent's turn then the prompt", raw, err)
	}
	if !strings.Contains(string(raw), "tea in Japan") {
		t.Errorf("the parent's question is not in %s", raw)
	}
}
