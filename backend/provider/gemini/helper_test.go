package gemini_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakegemini"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/gemini"
)

// Help sends one generateContent call in Gemini's wire format (system
// instruction, contents/parts, thinking off, a JSON schema when asked)
// and reads the text and the usage; an unknown model is an error.
func TestHelpGeneratesContent(t *testing.T) {
	fake := fakegemini.New(fakegemini.Options{APIKey: "AIza-helper-key"})
	defer fake.Close()
	p := gemini.New(gemini.Config{APIKey: "AIza-helper-key", BaseURL: fake.URL()})
	ctx := context.Background()
	ans, err := p.Help(ctx, provider.HelperRequest{Model: "gemini-2.5-flash", Instructions: "Answer from the report.", Input: "Report...\nWhich tea?", MaxOutputTokens: 500})
	if err != nil || ans.Text != "Fake answer from gemini-2.5-flash: Which tea? [1]." || ans.Usage.InputTokens <= 0 || ans.Usage.OutputTokens <= 0 || ans.ID == "" {
		t.Fatalf("Help = %+v, %v; want the fake's answer with its usage", ans, err)
	}
	ans, err = p.Help(ctx, provider.HelperRequest{Model: "gemini-2.5-flash", Input: "tea", SchemaName: "clarifying_questions",
		JSONSchema: map[string]any{"type": "object"}})
	if err != nil || !strings.Contains(ans.Text, `"questions"`) {
		t.Fatalf("Help with a schema = %+v, %v; want JSON questions", ans, err)
	}
	reqs := fake.GenerateRequests()
	var first struct {
		SystemInstruction struct{ Parts []struct{ Text string } }
		Contents          []struct {
			Role  string
			Parts []struct{ Text string }
		}
		GenerationConfig map[string]any
	}
	if len(reqs) != 2 || json.Unmarshal(reqs[0], &first) != nil || first.SystemInstruction.Parts[0].Text != "Answer from the report." ||
		first.Contents[0].Role != "user" || first.GenerationConfig["maxOutputTokens"] != float64(500) {
		t.Fatalf("requests = %s; want the instruction, a user content and maxOutputTokens", reqs)
	}
	if !strings.Contains(string(reqs[1]), `"responseMimeType":"application/json"`) || !strings.Contains(string(reqs[1]), `"thinkingBudget":0`) {
		t.Errorf("schema request = %s; want JSON output and thinking off", reqs[1])
	}
	if _, err := p.Help(ctx, provider.HelperRequest{Model: "deep-research-preview-04-2026", Input: "tea"}); err == nil {
		t.Errorf("Help with an agent id = %v; want an error", err)
	}
	bad := gemini.New(gemini.Config{APIKey: "AIza-wrong", BaseURL: fake.URL()})
	if _, err := bad.Help(ctx, provider.HelperRequest{Model: "gemini-2.5-flash", Input: "tea"}); provider.KindOf(err) != provider.KindAuth {
		t.Errorf("Help with a rejected key = %v (%s); want KindAuth", err, provider.KindOf(err))
	}
}
