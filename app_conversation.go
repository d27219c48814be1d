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
