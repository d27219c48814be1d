package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
)

// similar lists the saved reports on the subject of a prompt, with the
// words that matched (the hint the new-research form shows).
func (r *runner) similar(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("similar", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	prompt := strings.TrimSpace(strings.Join(pos, " "))
	if prompt == "" {
		return usagef("similar needs a PROMPT")
	}
	if err := r.open(""); err != nil {
		return err
	}
	found, err := r.svc.Similar(ctx, prompt)
	if err != nil {
		return err
	}
	if *asJSON {
		return r.printJSON(found)
	}
	if len(found) == 0 {
		fmt.Fprintln(r.env.Stdout, "No saved report on this subject.")
		return nil
	}
	for _, s := range found {
		fmt.Fprintf(r.env.Stdout, "%s  %s  %s\n    matched: %s\n", safe(s.Job.ID), s.Job.CreatedAt.Local().Format("2006-01-02"),
			cut(s.Job.Title(), 70), termSafe(strings.Join(s.Matched, ", "), false))
	}
	return nil
}

// noteSimilar names, on stderr, the closest saved report on the subject
// of a prompt about to be paid for. It is a hint: a failure says nothing.
func (r *runner) noteSimilar(ctx context.Context, prompt string) {
	found, err := r.svc.Similar(ctx, prompt)
	if err != nil || len(found) == 0 {
		return
	}
	s := found[0]
	fmt.Fprintf(r.env.Stderr, "note: you researched this before: %s %q (%s; matched: %s); read it with `deepr show %s`\n",
		safe(s.Job.ID), cut(s.Job.Title(), 70), s.Job.CreatedAt.Local().Format("2006-01-02"),
		termSafe(strings.Join(s.Matched, ", "), false), safe(s.Job.ID))
}

// reportCount is "1 report" or "N reports".
func reportCount(n int) string {
	if n == 1 {
		return "1 report"
	}
	return fmt.Sprintf("%d reports", n)
}
