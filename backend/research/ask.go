package research

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/render"
	"github.com/deepr-desktop/deepr/backend/store"
)

// MaxQuestionBytes bounds a question about a report.
const MaxQuestionBytes = 4000

// askMaxOutput bounds an answer (and so its cost).
const askMaxOutput = 1200

// askInstructions tell the helper model to answer from the report alone.
const askInstructions = "You answer a question about one saved research report. Use only the report and its numbered " +
	"Sources list below: do not search the web and do not add facts from elsewhere. Where you use a source, cite it by " +
	"its number in square brackets, like [2]. If the report does not answer the question, say so plainly. Answer " +
	"briefly, in the language of the question."

// Question is a question asked about a saved report, with its answer.
type Question = store.Question

// AskRequest is a question about the report of a job (id or prefix).
type AskRequest struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	// Via is "" for the window and the CLI, job.ViaAssistant for an AI
	// assistant (deepr mcp): see assistants.go.
	Via string `json:"-"` // set by the face in Go, never from JSON
}

// AskResult is the answer, saved with the report, and what it cost.
type AskResult struct {
	Question Question `json:"question"`
	CostUSD  float64  `json:"cost_usd"`
}

// Ask answers a question about a saved report with the helper model, from
// the report's text and its numbered sources only (no new web research),
// and saves the question and answer with the report (shown with it,
// searchable, exported) and its cost as spend. An empty question, a job
// without a report or a helper that cannot be used is an *Error and
// nothing is sent or billed. The call reserves its high estimate first
// (callHelper) and ONE write replaces the reservation with the question,
// the answer and the real cost. An answer that cannot be saved (the
// report was deleted meanwhile) is still counted: the error comes with
// the result, which holds the unsaved answer and its cost.
func (s *Service) Ask(ctx context.Context, r AskRequest) (AskResult, error) {
	capUSD, err := s.assistantCap(r.Via, 0, false, "this question")
	if err != nil {
		return AskResult{}, err
	}
	q, err := checkQuestion(r.Question)
	if err != nil {
		return AskResult{}, err
	}
	j, rep, err := s.report(ctx, r.ID)
	if err != nil {
		return AskResult{}, err
	}
	input := "Report: " + rep.Title + "\n\n" + render.Markdown(rep.Markdown, rep.Citations) + "\n\nQuestion: " + q
	title := store.QuestionTitle(q)
	res, err := s.callHelper(ctx, helperCall{kind: store.KindAsk, about: j.ID, title: title, via: r.Via, maxCostUSD: capUSD, req: provider.HelperRequest{
		Instructions: askInstructions, Input: input, MaxOutputTokens: askMaxOutput}})
	if err != nil {
		return AskResult{}, err
	}
	answer := store.Question{ID: res.id, JobID: j.ID, Question: q, Answer: strings.TrimSpace(res.answer.Text),
		Provider: res.provider, Model: res.model, Usage: res.answer.Usage, CostUSD: res.costUSD}
	var saved store.Question
	recorded, err := s.settleHelper(ctx, helperCost(store.KindAsk, j.ID, title, res), func(ctx context.Context) error {
		var err error
		saved, err = s.st.SaveQuestion(ctx, answer)
		return err
	})
	if err != nil {
		return AskResult{Question: answer, CostUSD: res.costUSD}, unsavedAnswer(j.ID, res.costUSD, recorded, err)
	}
	s.rewriteMirror(ctx, j.ID) // the folder carries the questions too: exports and imports keep them
	return AskResult{Question: saved, CostUSD: res.costUSD}, nil
}

// unsavedAnswer is the error of a paid answer that could not be saved
// with its report; recorded tells whether its cost is in the month's spend
// (else its reservation still counts it).
func unsavedAnswer(id string, usd float64, recorded bool, err error) error {
	counted := fmt.Sprintf("what it cost (%s) is counted in this month's spend", cost.FormatUSD(usd))
	if !recorded {
		counted = "what it cost could not be recorded either: its estimate stays counted as reserved until it expires, then as spent"
	}
	if errors.Is(err, store.ErrNotFound) {
		return &Error{Kind: ErrNotFound, JobID: id, Err: err,
			Msg: "the report of job " + id + " was deleted while the helper model answered, so the answer was not saved; " + counted}
	}
	return fmt.Errorf("the answer about job %s could not be saved with its report (%w); %s. Ask again once the database is writable", id, err, counted)
}

// Questions lists the questions asked about a job's report, oldest first.
func (s *Service) Questions(ctx context.Context, id string) ([]Question, error) {
	j, err := s.get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.st.Questions(ctx, j.ID)
}

func checkQuestion(q string) (string, error) {
	q = strings.TrimSpace(q)
	switch {
	case q == "":
		return "", invalid("question", "the question is empty: ask something about the report")
	case len(q) > MaxQuestionBytes:
		return "", invalid("question", "the question is %d bytes; the limit is %d: shorten it", len(q), MaxQuestionBytes)
	case !utf8.ValidString(q):
		return "", invalid("question", "the question is not valid UTF-8 text")
	}
	if i := strings.IndexFunc(q, func(r rune) bool {
		return (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f
	}); i >= 0 {
		return "", invalid("question", "the question contains a control character (byte %d): remove it", i)
	}
	return q, nil
}
