package gemini

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// The helper model on Gemini: one generateContent call
// (POST /v1beta/models/{model}:generateContent), answered at once, with
// no tools and thinking off, so MaxOutputTokens bounds what it bills.

type part struct {
	Text string `json:"text"`
}

type content struct {
	Role  string `json:"role,omitempty"`
	Parts []part `json:"parts"`
}

type generationConfig struct {
	MaxOutputTokens    int            `json:"maxOutputTokens,omitempty"`
	ResponseMimeType   string         `json:"responseMimeType,omitempty"`
	ResponseJSONSchema map[string]any `json:"responseJsonSchema,omitempty"`
	ThinkingConfig     thinkingConfig `json:"thinkingConfig"`
}

type thinkingConfig struct {
	ThinkingBudget int `json:"thinkingBudget"`
}

// generateBody is a generateContent request.
type generateBody struct {
	SystemInstruction *content         `json:"systemInstruction,omitempty"`
	Contents          []content        `json:"contents"`
	GenerationConfig  generationConfig `json:"generationConfig"`
}

// generateAnswer is the part of a generateContent answer the helper reads.
type generateAnswer struct {
	ResponseID   string `json:"responseId"`
	ModelVersion string `json:"modelVersion"`
	Candidates   []struct {
		Content      content `json:"content"`
		FinishReason string  `json:"finishReason"`
	} `json:"candidates"`
	PromptFeedback struct {
		BlockReason string `json:"blockReason"`
	} `json:"promptFeedback"`
	UsageMetadata struct {
		PromptTokenCount        int64 `json:"promptTokenCount"`
		CachedContentTokenCount int64 `json:"cachedContentTokenCount"`
		CandidatesTokenCount    int64 `json:"candidatesTokenCount"`
		ThoughtsTokenCount      int64 `json:"thoughtsTokenCount"`
	} `json:"usageMetadata"`
}

// Help calls the helper model through generateContent. It is sent once;
// errors are *provider.Error classified as for a create (KindAmbiguous: it
// may have been billed). An answer without text, or one that stopped for
// another reason than STOP, is KindRejected naming the reason.
func (p *Provider) Help(ctx context.Context, r provider.HelperRequest) (provider.HelperAnswer, error) {
	if err := ctx.Err(); err != nil {
		return provider.HelperAnswer{}, service().Stopped(err)
	}
	if p.key == "" {
		return provider.HelperAnswer{}, service().NoKey("create")
	}
	body := generateBody{
		Contents:         []content{{Role: "user", Parts: []part{{Text: r.Input}}}},
		GenerationConfig: generationConfig{MaxOutputTokens: r.MaxOutputTokens},
	}
	if s := strings.TrimSpace(r.Instructions); s != "" {
		body.SystemInstruction = &content{Parts: []part{{Text: s}}}
	}
	if r.JSONSchema != nil {
		body.GenerationConfig.ResponseMimeType = "application/json"
		body.GenerationConfig.ResponseJSONSchema = r.JSONSchema
	}
	reply, err := p.client.Do(ctx, http.MethodPost, "/v1beta/models/"+pathID(r.Model)+":generateContent", body)
	if err != nil {
		return provider.HelperAnswer{}, p.transport("create", err)
	}
	if !reply.OK() {
		return provider.HelperAnswer{}, p.status("create", reply)
	}
	var a generateAnswer
	if err := json.Unmarshal(reply.Body, &a); err != nil {
		return provider.HelperAnswer{}, &provider.Error{Kind: provider.KindRejected, Op: "create", Err: err,
			Message: "Gemini's answer could not be read (" + err.Error() + ")"}
	}
	u := a.UsageMetadata
	ans := provider.HelperAnswer{ID: a.ResponseID, Model: a.ModelVersion, Usage: job.Usage{
		InputTokens: u.PromptTokenCount, CachedTokens: u.CachedContentTokenCount,
		OutputTokens: u.CandidatesTokenCount + u.ThoughtsTokenCount, ReasoningTokens: u.ThoughtsTokenCount}}
	reason := a.PromptFeedback.BlockReason
	if len(a.Candidates) > 0 {
		var sb strings.Builder
		for _, pt := range a.Candidates[0].Content.Parts {
			sb.WriteString(pt.Text)
		}
		ans.Text = sb.String()
		if reason == "" {
			reason = a.Candidates[0].FinishReason
		}
	}
	if reason != "STOP" || strings.TrimSpace(ans.Text) == "" {
		if reason == "" {
			reason = "no candidate"
		}
		return provider.HelperAnswer{}, &provider.Error{Kind: provider.KindRejected, Op: "create",
			Message: "Gemini gave no answer (finish reason " + reason + ")"}
	}
	return ans, nil
}
