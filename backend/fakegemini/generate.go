package fakegemini

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// generateBody is the part of a generateContent request the fake reads.
type generateBody struct {
	SystemInstruction *struct {
		Parts []struct {
			Text string `json:"text"`
		} `json:"parts"`
	} `json:"systemInstruction"`
	Contents []struct {
		Role  string `json:"role"`
		Parts []struct {
			Text string `json:"text"`
		} `json:"parts"`
	} `json:"contents"`
	GenerationConfig struct {
		MaxOutputTokens  int    `json:"maxOutputTokens"`
		ResponseMimeType string `json:"responseMimeType"`
	} `json:"generationConfig"`
}

// generate serves POST /v1beta/models/{model}:generateContent, the plain
// (helper) call, in the real wire format: candidates[].content.parts[].text,
// finishReason STOP, usageMetadata with promptTokenCount and
// candidatesTokenCount (a token per four characters). What it says:
//
//   - with responseMimeType application/json: {"questions": the fake
//     OpenAI's ClarifyingQuestions};
//   - with a system instruction that mentions a research brief:
//     "Research brief" and the whole input;
//   - otherwise "Fake answer from MODEL: " and the input's last line,
//     citing source [1].
//
// A model whose name does not start with "gemini-" answers 404 NOT_FOUND,
// as the API does for an unknown model.
func (s *Server) generate(w http.ResponseWriter, r *http.Request) {
	model, ok := strings.CutSuffix(r.PathValue("call"), ":generateContent")
	if !ok {
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("Method not found: %s %s", r.Method, r.URL.Path))
		return
	}
	if !strings.HasPrefix(model, "gemini-") {
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("models/%s is not found for API version v1beta, or is not supported for generateContent.", model))
		return
	}
	var raw json.RawMessage
	var b generateBody
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil || json.Unmarshal(raw, &b) != nil || len(b.Contents) == 0 {
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "* GenerateContentRequest.contents: contents is not specified")
		return
	}
	var instr, input strings.Builder
	if b.SystemInstruction != nil {
		for _, p := range b.SystemInstruction.Parts {
			instr.WriteString(p.Text)
		}
	}
	for _, c := range b.Contents {
		for _, p := range c.Parts {
			input.WriteString(p.Text)
		}
	}
	var text string
	switch {
	case b.GenerationConfig.ResponseMimeType == "application/json":
		j, _ := json.Marshal(map[string]any{"questions": fakeopenai.ClarifyingQuestions})
		text = string(j)
	case strings.Contains(strings.ToLower(instr.String()), "research brief"):
		text = "Research brief\n\n" + strings.TrimSpace(input.String())
	default:
		lines := strings.Split(strings.TrimSpace(input.String()), "\n")
		text = fmt.Sprintf("Fake answer from %s: %s [1].", model, strings.TrimSpace(lines[len(lines)-1]))
	}
	s.mu.Lock()
	s.generates = append(s.generates, raw)
	n := len(s.generates)
	s.mu.Unlock()
	fakehttp.WriteJSON(w, http.StatusOK, map[string]any{
		"candidates": []any{map[string]any{
			"content":      map[string]any{"role": "model", "parts": []any{map[string]any{"text": text}}},
			"finishReason": "STOP", "index": 0,
		}},
		"usageMetadata": map[string]any{
			"promptTokenCount":     (utf8.RuneCountInString(instr.String())+utf8.RuneCountInString(input.String()))/4 + 1,
			"candidatesTokenCount": utf8.RuneCountInString(text)/4 + 1,
			"totalTokenCount":      0,
		},
		"modelVersion": model,
		"responseId":   fmt.Sprintf("gen-%06d", n),
	})
}

// GenerateRequests returns the body of every generateContent call
// answered, in order.
func (s *Server) GenerateRequests() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]json.RawMessage, len(s.generates))
	for i, b := range s.generates {
		out[i] = append(json.RawMessage(nil), b...)
	}
	return out
}
