package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/research"
)

// clarify prints the helper model's questions about a research request.
func (r *runner) clarify(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("clarify", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("clarify needs a PROMPT")
	}
	if err := r.open(""); err != nil {
		return err
	}
	res, err := r.svc.Clarify(ctx, strings.Join(pos, " "))
	if err != nil {
		return err
	}
	if *asJSON {
		return r.printJSON(res)
	}
	if len(res.Questions) == 0 {
		fmt.Fprintln(r.env.Stdout, "No questions: the request is clear enough to submit as it is.")
	}
	for i, q := range res.Questions {
		fmt.Fprintf(r.env.Stdout, "%d. %s\n", i+1, termSafe(q, false))
	}
	fmt.Fprintf(r.env.Stderr, "(asked by %s, $%.4f)\n", res.Model, res.CostUSD)
	return nil
}

// clarifyPrompt asks the helper's questions on stderr, reads the answers
// from stdin, has the brief written and asks whether to submit it. It
// returns the text to submit: the brief, or the prompt as it is when the
// helper fails or the user says so; ok is false when the user gives up.
// A helper failure never stops the submission.
func (r *runner) clarifyPrompt(ctx context.Context, prompt string) (text string, ok bool, err error) {
	in := bufio.NewReader(r.env.Stdin)
	line := func() string {
		s, _ := in.ReadString('\n')
		return strings.TrimSpace(s)
	}
	errw := r.env.Stderr
	res, err := r.svc.Clarify(ctx, prompt)
	if err != nil {
		if research.IsInputError(err) {
			return "", false, err
		}
		fmt.Fprintf(errw, "note: no clarifying questions (%s); the prompt is sent as it is\n", termSafe(phrase(err), false))
		return prompt, true, nil
	}
	if len(res.Questions) == 0 {
		fmt.Fprintf(errw, "No questions: the request is clear (%s, $%.4f).\n", res.Model, res.CostUSD)
		return prompt, true, nil
	}
	fmt.Fprintf(errw, "A few questions before paying for research (%s, $%.4f). Press Enter to skip one.\n", res.Model, res.CostUSD)
	answers := make([]research.Answer, len(res.Questions))
	for i, q := range res.Questions {
		fmt.Fprintf(errw, "%d. %s\n> ", i+1, termSafe(q, false))
		answers[i] = research.Answer{Question: q, Answer: line()}
	}
	b, err := r.svc.Brief(ctx, research.BriefRequest{Prompt: prompt, Answers: answers})
	if err != nil {
		fmt.Fprintf(errw, "note: no research brief (%s); the prompt is sent as it is\n", termSafe(phrase(err), false))
		return prompt, true, nil
	}
	if b.CostUSD > 0 {
		fmt.Fprintf(errw, "\nResearch brief (%s, $%.4f):\n\n%s\n\n", b.Model, b.CostUSD, termSafe(b.Brief, true))
	} else {
		fmt.Fprintf(errw, "\nNo answers: the prompt is sent as it is.\n")
		return prompt, true, nil
	}
	fmt.Fprint(errw, "Submit this brief? [Y]es, [o]riginal prompt instead, [n]o: ")
	switch strings.ToLower(line()) {
	case "", "y", "yes":
		return b.Brief, true, nil
	case "o", "original":
		return prompt, true, nil
	}
	return "", false, nil
}
