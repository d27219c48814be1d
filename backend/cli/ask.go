package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/deepr-desktop/deepr/backend/research"
)

// ask answers a question about a saved report with the helper model.
func (r *runner) ask(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("ask needs a job ID and a QUESTION (QUESTION \"-\" reads stdin)")
	}
	q := strings.Join(pos[1:], " ")
	if len(pos) == 2 && pos[1] == "-" {
		b, err := io.ReadAll(io.LimitReader(r.env.Stdin, research.MaxQuestionBytes+1))
		if err != nil {
			return fmt.Errorf("reading the question from stdin: %w", err)
		}
		q = string(b)
	}
	if err := r.open(""); err != nil {
		return err
	}
	res, err := r.svc.Ask(ctx, research.AskRequest{ID: pos[0], Question: q})
	if err != nil {
		return err
	}
	if *asJSON {
		return r.printJSON(res)
	}
	fmt.Fprintln(r.env.Stdout, termSafe(res.Question.Answer, true))
	fmt.Fprintf(r.env.Stderr, "(answered by %s from the saved report, $%.4f; saved with the report)\n", safe(res.Question.Model), res.CostUSD)
	return nil
}

// printQuestions writes the questions asked about a report after it.
func (r *runner) printQuestions(qs []research.Question) {
	if len(qs) == 0 {
		return
	}
	w := r.env.Stdout
	fmt.Fprintf(w, "\n## Questions about this report\n")
	for _, q := range qs {
		fmt.Fprintf(w, "\n### %s\n\n%s\n\n(%s, %s, $%.4f)\n", termSafe(strings.Join(strings.Fields(q.Question), " "), false),
			termSafe(strings.TrimSpace(q.Answer), true), safe(q.Model), q.CreatedAt.Local().Format("2006-01-02 15:04"), q.CostUSD)
	}
}
