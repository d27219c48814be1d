package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

func (r *runner) submit(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("submit", flag.ContinueOnError)
	model := fs.String("model", "", "model")
	prov := fs.String("provider", "", "provider")
	noWeb := fs.Bool("no-web-search", false, "")
	code := fs.Bool("code-interpreter", false, "")
	maxCalls := fs.Int("max-tool-calls", 0, "")
	asJSON := fs.Bool("json", false, "")
	dryRun := fs.Bool("dry-run", false, "")
	maxCost := fs.String("max-cost", "", "")
	followUp := fs.String("follow-up", "", "")
	clarify := fs.Bool("clarify", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("submit needs a PROMPT (or - to read it from stdin)")
	}
	var capUSD float64
	if *maxCost != "" {
		if capUSD, err = cost.ParseUSD(*maxCost); err != nil || capUSD <= 0 {
			return usagef("--max-cost must be a positive number of dollars, like 5 or 12.50 (got %q)", *maxCost)
		}
	}
	prompt := strings.Join(pos, " ")
	if *clarify && len(pos) == 1 && pos[0] == "-" {
		return usagef("--clarify reads the answers from stdin, so the PROMPT cannot come from there too")
	}
	if len(pos) == 1 && pos[0] == "-" {
		b, err := io.ReadAll(io.LimitReader(r.env.Stdin, research.MaxPromptBytes+1))
		if err != nil {
			return fmt.Errorf("reading the prompt from stdin: %w", err)
		}
		prompt = string(b)
	}
	if err := r.open(""); err != nil {
		return err
	}
	if *clarify {
		text, ok, err := r.clarifyPrompt(ctx, prompt)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(r.env.Stderr, "Nothing submitted.")
			return errSilent
		}
		prompt = text
	}
	req := research.SubmitRequest{
		Prompt: prompt, Model: *model, WebSearch: !*noWeb, CodeInterpreter: *code, MaxToolCalls: *maxCalls, MaxCostUSD: capUSD, Provider: *prov,
		ParentID: *followUp,
	}
	if req.ParentID == "" {
		r.noteSimilar(ctx, prompt)
	}
	if *dryRun {
		return r.dryRun(ctx, req, *asJSON)
	}
	res, err := r.svc.Submit(ctx, req)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := r.printJSON(res.Job); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(r.env.Stdout, safe(res.Job.ID))
	}
	for _, n := range res.Notes {
		switch n.Code {
		case research.NoteNoKey:
			fmt.Fprintf(r.env.Stderr, "note: %s (set the key in the environment or save one with `deepr key set --provider %s`)\n", safe(n.Message), safe(res.Job.Provider))
		case research.NoteNoPoller:
			fmt.Fprintln(r.env.Stderr, "note: no poller is running; open the Deepr app or run `deepr worker` to send it")
		default:
			fmt.Fprintln(r.env.Stderr, "note: "+safe(n.Message))
		}
		if n.Code == research.NoteNoSource {
			fmt.Fprintln(r.env.Stderr, "      (leave out --no-web-search)")
		}
	}
	return nil
}

func (r *runner) list(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	status := fs.String("status", "", "")
	limit := fs.Int("limit", 50, "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("list takes no arguments (got %q)", pos[0])
	}
	if *limit < 0 {
		return usagef("--limit must be 0 (all) or more")
	}
	if _, err := research.ParseStatuses([]string{*status}); err != nil {
		return usagef("--status: %s", phrase(err))
	}
	if err := r.open(""); err != nil {
		return err
	}
	jobs, err := r.svc.List(ctx, research.ListRequest{Statuses: []string{*status}, Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		return r.printJSON(jobs)
	}
	if len(jobs) == 0 {
		fmt.Fprintln(r.env.Stdout, "No jobs yet. Start one with: deepr submit \"your question\"")
		return nil
	}
	tw := tabwriter.NewWriter(r.env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tPROVIDER\tMODEL\tCREATED\tTITLE")
	for _, j := range jobs {
		prov, model := names(j)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", safe(j.ID), safe(string(j.Status)), cut(prov, 20), cut(model, 40),
			j.CreatedAt.Local().Format("2006-01-02 15:04"), cut(j.Title(), 60))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if *limit > 0 && len(jobs) == *limit {
		fmt.Fprintf(r.env.Stderr, "(showing the %d newest; --limit 0 lists all)\n", *limit)
	}
	return nil
}

func (r *runner) status(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	id, err := oneArg("status", pos, "job ID")
	if err != nil {
		return err
	}
	if err := r.open(""); err != nil {
		return err
	}
	j, err := r.svc.Get(ctx, id)
	if err != nil {
		return err
	}
	th, err := r.svc.Thread(ctx, j.ID)
	if err != nil {
		return err
	}
	if *asJSON {
		out := struct {
			job.Job
			Thread *research.Thread `json:"thread,omitempty"` // only for a job in a thread of two or more
		}{Job: j}
		if len(th.Jobs) > 1 || th.MissingParent != "" {
			out.Thread = &th
		}
		return r.printJSON(out)
	}
	r.describe(j)
	r.describeThread(j, th)
	return nil
}

func (r *runner) wait(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("wait", flag.ContinueOnError)
	timeout := fs.Duration("timeout", 0, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	id, err := oneArg("wait", pos, "job ID")
	if err != nil {
		return err
	}
	if *timeout < 0 {
		return usagef("--timeout must be positive, like 30m")
	}
	if err := r.open(fmt.Sprintf("deepr wait (pid %d)", os.Getpid())); err != nil {
		return err
	}
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	last := ""
	j, err := r.svc.Wait(ctx, research.WaitRequest{ID: id, Progress: func(j job.Job) {
		if line := termSafe(statusLine(j), false); line != last {
			fmt.Fprintf(r.env.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), line)
			last = line
		}
	}})
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("timed out after %s; job %s is still %s: check later with `deepr status %s`", *timeout, j.ID, j.Status, j.ID)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("interrupted; job %s is still %s and keeps going", j.ID, j.Status)
	case err != nil:
		return err
	}
	r.printState(j)
	if j.Status != job.Completed {
		return errSilent
	}
	return nil
}
