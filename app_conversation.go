package main

import (
	"context"

	"github.com/deepr-desktop/deepr/backend/research"
)

// The window's conversation calls: questions about a saved report, and
// (see Clarify and Brief) questions before research is paid for. Each is
// one service use case; the helper model's cost comes back with the answer.

// Ask answers a question about a saved report from its text and sources,
// and saves it with the report.
func (a *App) Ask(id, question string) (research.AskResult, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.AskResult, error) {
		return s.Ask(ctx, research.AskRequest{ID: id, Question: question})
	})
}

// Clarify asks up to three short questions about a research request
// before it is paid for. A failure never blocks research: the form can
// always submit the prompt as it is.
func (a *App) Clarify(prompt string) (research.ClarifyResult, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.ClarifyResult, error) {
		return s.Clarify(ctx, prompt)
	})
}

// Brief writes a research brief from a request and the answers to its
// clarifying questions, for the user to edit before submitting.
func (a *App) Brief(req research.BriefRequest) (research.BriefResult, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.BriefResult, error) {
		return s.Brief(ctx, req)
	})
}
