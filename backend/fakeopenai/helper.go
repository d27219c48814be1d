package fakeopenai

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// helperBody is the part of a plain (not background) request the fake
// looks at.
type helperBody struct {
	Store *bool `json:"store"`
	Text  *struct {
		Format struct {
			Type string `json:"type"`
			Name string `json:"name"`
		} `json:"format"`
	} `json:"text"`
}

// ClarifyingQuestions are the questions the fake asks when a plain
// request wants the JSON schema named "clarifying_questions".
var ClarifyingQuestions = []string{
	"Which period should the research cover?",
	"Which countries or regions matter most?",
	"Do you want a short overview or a detailed analysis?",
}

// answerNow serves a create without background mode as OpenAI does: the
// finished response (status completed, one message, usage) in the
// create's answer. What it says:
//
//   - with text.format json_schema named "clarifying_questions":
//     {"questions": ClarifyingQuestions};
//   - with instructions that mention a research brief: "Research brief"
//     and the whole input;
//   - otherwise: "Fake answer from MODEL: " and the input's last line,
//     citing source [1].
//
// Usage counts a token per four characters of instructions and input
// (input) and of the answer (output). A request with "store": false is
// not kept (a GET of its id answers 404).
func (s *Server) answerNow(w http.ResponseWriter, raw json.RawMessage, body createBody, prompt string) {
	var hb helperBody
	_ = json.Unmarshal(raw, &hb)
	instructions := ""
	if body.Instructions != nil {
		instructions = *body.Instructions
	}
	var text string
	switch {
	case hb.Text != nil && hb.Text.Format.Type == "json_schema" && hb.Text.Format.Name == "clarifying_questions":
		b, _ := json.Marshal(map[string]any{"questions": ClarifyingQuestions})
		text = string(b)
	case strings.Contains(strings.ToLower(instructions), "research brief"):
		text = "Research brief\n\n" + strings.TrimSpace(prompt)
	default:
		text = fmt.Sprintf("Fake answer from %s: %s [1].", body.Model, lastLine(prompt))
	}
	s.mu.Lock()
	s.seq++
	resp := &response{
		id: fmt.Sprintf("%s%06d", s.ids, s.seq), seq: s.seq, createdAt: s.now(), finishedAt: s.now(),
		status: "completed", prompt: prompt, model: body.Model, instructions: body.Instructions,
		background: body.Background, metadata: body.Metadata, previousID: body.PreviousID,
		answer: text, inputTokens: int64((utf8.RuneCountInString(instructions)+utf8.RuneCountInString(prompt))/4 + 1),
		marks: parseMarkers(prompt),
	}
	if body.MaxOutput != nil {
		resp.maxOutput = *body.MaxOutput
	}
	if resp.notStored = hb.Store != nil && !*hb.Store; !resp.notStored {
		s.responses[resp.id] = resp
	}
	s.order = append(s.order, resp)
	s.creates++
	s.helperCreates++
	out := resp.render()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// HelperCreates is the number of plain (not background) requests answered.
func (s *Server) HelperCreates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.helperCreates
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if r := []rune(l); len(r) > 200 {
		l = string(r[:200])
	}
	return l
}
