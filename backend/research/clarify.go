package research

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

// MaxClarifyingQuestions is how many questions Clarify asks at most.
const MaxClarifyingQuestions = 3

// Output limits of the two calls (and so their cost).
const (
	clarifyMaxOutput = 400
	briefMaxOutput   = 1500
)

const clarifyInstructions = "A user is about to start a deep-research run, which is slow and costly, on the request below. " +
	"Ask at most three short questions that would most change what the research covers: scope, period, region, depth, " +
	"audience. Ask nothing the request already answers; if it is clear enough, ask nothing. Ask in the request's language."

const briefInstructions = "Write a research brief for a deep-research run: the user's request below, made precise with " +
	"the user's answers to clarifying questions. Say what to research, the scope, period, region and depth, and what the " +
	"report should contain. Keep every constraint the user gave; add none of your own. Plain text, at most 250 words, in " +
	"the request's language. Write only the brief."

// clarifySchema is the structured answer Clarify asks for.
var clarifySchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"questions": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
	},
	"required":             []string{"questions"},
	"additionalProperties": false,
}

// ClarifyResult is what the helper model asks about a research request
// before it is paid for, and what asking cost.
type ClarifyResult struct {
	Questions []string `json:"questions"` // at most three; none when the request is clear
	CostUSD   float64  `json:"cost_usd"`
	Model     string   `json:"model"`
}

// Clarify asks the helper model for up to three short questions about a
// research request (scope, period, region, depth). The cost is reserved,
// then stored and counted like any helper call (see callHelper). An error never blocks research: the
// request can always be submitted as it is.
func (s *Service) Clarify(ctx context.Context, prompt string) (ClarifyResult, error) {
	p, err := checkPrompt(prompt)
	if err != nil {
		return ClarifyResult{}, err
	}
	title := "Clarify: " + job.TitleFrom(p)
	res, err := s.callHelper(ctx, helperCall{kind: store.KindClarify, title: title, req: provider.HelperRequest{
		Instructions: clarifyInstructions, Input: p, MaxOutputTokens: clarifyMaxOutput,
		SchemaName: "clarifying_questions", JSONSchema: clarifySchema}})
	if err != nil {
		return ClarifyResult{}, err
	}
	s.recordHelper(ctx, store.KindClarify, title, res)
	var out struct {
		Questions []string `json:"questions"`
	}
	if err := json.Unmarshal([]byte(res.answer.Text), &out); err != nil {
		return ClarifyResult{CostUSD: res.costUSD, Model: res.model}, &Error{Kind: ErrProvider, Err: err,
			Msg: "the helper model's questions could not be read; submit the request as it is"}
	}
	r := ClarifyResult{Questions: []string{}, CostUSD: res.costUSD, Model: res.model}
	for _, q := range out.Questions {
		if q = strings.Join(strings.Fields(q), " "); q != "" && len(r.Questions) < MaxClarifyingQuestions {
			r.Questions = append(r.Questions, q)
		}
	}
	return r, nil
}

// Answer is the user's answer to one clarifying question ("" : skipped).
type Answer = job.Answer

// BriefRequest is a research request and the answers to its clarifying
// questions.
type BriefRequest struct {
	Prompt  string   `json:"prompt"`
	Answers []Answer `json:"answers"`
}

// BriefResult is the research brief to submit (the user may edit it) and
// what writing it cost (0 when nothing was sent).
type BriefResult struct {
	Brief   string  `json:"brief"`
	CostUSD float64 `json:"cost_usd"`
	Model   string  `json:"model"`
}

// Brief has the helper model write a research brief from a request and
// the answers to its clarifying questions. With no answer given, the
// request itself is the brief and nothing is sent. The cost is reserved,
// then stored and counted like any helper call; an error never blocks
// research (submit the request as it is).
func (s *Service) Brief(ctx context.Context, r BriefRequest) (BriefResult, error) {
	p, err := checkPrompt(r.Prompt)
	if err != nil {
		return BriefResult{}, err
	}
	var b strings.Builder
	b.WriteString("Request:\n" + p + "\n\nClarifications:\n")
	answered := 0
	for _, a := range r.Answers {
		q, ans := strings.TrimSpace(a.Question), strings.TrimSpace(a.Answer)
		if ans == "" {
			continue
		}
		answered++
		b.WriteString("- " + q + "\n  " + ans + "\n")
	}
	if answered == 0 {
		return BriefResult{Brief: p}, nil
	}
	input, err := checkPrompt(b.String())
	if err != nil {
		return BriefResult{}, invalid("answers", "the answers are too long or contain control characters: %s", err.Error())
	}
	title := "Brief: " + job.TitleFrom(p)
	res, err := s.callHelper(ctx, helperCall{kind: store.KindBrief, title: title, req: provider.HelperRequest{
		Instructions: briefInstructions, Input: input, MaxOutputTokens: briefMaxOutput}})
	if err != nil {
		return BriefResult{}, err
	}
	s.recordHelper(ctx, store.KindBrief, title, res)
	return BriefResult{Brief: strings.TrimSpace(res.answer.Text), CostUSD: res.costUSD, Model: res.model}, nil
}

// recordHelper settles an answered clarify or brief call: its cost, in
// the write that ends its reservation. The answer is the caller's to use
// even when that write fails: the reservation then stays and counts the
// call (see settleHelper).
func (s *Service) recordHelper(ctx context.Context, kind, title string, res helperResult) {
	_, _ = s.settleHelper(ctx, helperCost(kind, "", title, res), nil)
}
