// Package cli is Deepr's headless command line: the same binary as the
// desktop app, over the same database, with no display needed. Exit codes:
// 0 success, 1 error (stderr says what went wrong and what to do), 2 usage.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/logging"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/render"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Env is everything a command touches outside the process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) (string, bool) // nil: os.LookupEnv
	WorkDir        string                      // "" : current directory
	Version        string
	Keys           engine.KeySource // saved API key (keychain/file); may be nil
}

// exit codes
const (
	exitOK    = 0
	exitErr   = 1
	exitUsage = 2
)

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// Usage is the help text.
const Usage = `Deepr: queue deep-research jobs, get the report when it is ready.

Usage:
  deepr                                   open the desktop app
  deepr submit [--model M] [--no-web-search] [--code-interpreter] [--max-tool-calls N] [--json] PROMPT
                                          queue research (PROMPT "-" reads stdin); prints the job id
  deepr list [--status S] [--limit N] [--json]
  deepr status ID [--json]                ID or a unique prefix of it
  deepr wait ID [--timeout DURATION]      block until the job ends; exit 0 only if completed
  deepr cancel ID
  deepr resubmit ID                       new attempt of an unconfirmed, failed or cancelled job
  deepr show ID [--format md|html|json]
  deepr search QUERY [--json]             full-text search over saved reports
  deepr worker                            run the poller in the foreground until Ctrl-C
  deepr doctor                            check configuration, data folder, database and API key
  deepr version
  deepr help

Configuration: environment variables or .env (see docs/configuration.md).
`

// Commands lists every subcommand; IsCommand tells main whether to stay headless.
var Commands = []string{"submit", "list", "status", "wait", "cancel", "resubmit", "show", "search", "worker", "doctor", "version", "help"}

// IsCommand reports whether arg names a CLI subcommand (or a help flag).
func IsCommand(arg string) bool {
	switch arg {
	case "-h", "--help", "-help", "--version", "-version":
		return true
	}
	for _, c := range Commands {
		if c == arg {
			return true
		}
	}
	return false
}

// Main runs one command and returns the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Stdin == nil {
		env.Stdin = os.Stdin
	}
	if env.Stdout == nil {
		env.Stdout = os.Stdout
	}
	if env.Stderr == nil {
		env.Stderr = os.Stderr
	}
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, Usage)
		return exitUsage
	}
	r := &runner{env: env}
	err := r.run(ctx, args[0], args[1:])
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "deepr: %s\n\nRun `deepr help` for usage.\n", ue.msg)
		return exitUsage
	case errors.Is(err, errSilent):
		return exitErr
	default:
		fmt.Fprintf(env.Stderr, "deepr: %s\n", strings.TrimPrefix(err.Error(), research.ErrInvalid.Error()+": "))
		return exitErr
	}
}

// errSilent: the command already explained the failure on stderr.
var errSilent = errors.New("failed")

type runner struct {
	env Env
	eng *engine.Engine
	log *logrus.Logger
}

func (r *runner) run(ctx context.Context, cmd string, args []string) error {
	switch cmd {
	case "help", "-h", "--help", "-help":
		fmt.Fprint(r.env.Stdout, Usage)
		return nil
	case "version", "--version", "-version":
		fmt.Fprintf(r.env.Stdout, "deepr %s\n", r.env.Version)
		return nil
	}
	handlers := map[string]func(context.Context, []string) error{
		"submit": r.submit, "list": r.list, "status": r.status, "wait": r.wait,
		"cancel": r.cancel, "resubmit": r.resubmit, "show": r.show, "search": r.search,
		"worker": r.worker, "doctor": r.doctor,
	}
	h, ok := handlers[cmd]
	if !ok {
		return usagef("unknown command %q", cmd)
	}
	if cmd == "doctor" { // doctor opens things itself, step by step
		return h(ctx, args)
	}
	defer func() { _ = r.eng.Close() }()
	return h(ctx, args)
}

// open starts the engine (config, database) for commands that need it.
func (r *runner) open(holder string) error {
	if r.eng != nil {
		return nil
	}
	level := logrus.WarnLevel
	if v, ok := r.getenv("DEEPR_LOG_LEVEL"); ok && v != "" {
		l, err := logging.ParseLevel(v)
		if err != nil {
			return err
		}
		level = l
	}
	r.log = logging.New(r.env.Stderr, level)
	eng, err := engine.Open(engine.Options{
		Getenv: r.env.Getenv, WorkDir: r.env.WorkDir, Log: r.log, Holder: holder, Keys: r.env.Keys,
	})
	if err != nil {
		return err
	}
	r.eng = eng
	return nil
}

func (r *runner) getenv(k string) (string, bool) {
	if r.env.Getenv != nil {
		return r.env.Getenv(k)
	}
	return os.LookupEnv(k)
}

// parse parses flags that may come before or after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usagef("usage of %s", fs.Name())
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func oneArg(name string, pos []string, what string) (string, error) {
	if len(pos) != 1 {
		return "", usagef("%s takes exactly one %s (got %d)", name, what, len(pos))
	}
	return pos[0], nil
}

func (r *runner) printJSON(v any) error {
	enc := json.NewEncoder(r.env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (r *runner) submit(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("submit", flag.ContinueOnError)
	model := fs.String("model", "", "model")
	noWeb := fs.Bool("no-web-search", false, "")
	code := fs.Bool("code-interpreter", false, "")
	maxCalls := fs.Int("max-tool-calls", 0, "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("submit needs a PROMPT (or - to read it from stdin)")
	}
	prompt := strings.Join(pos, " ")
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
	if *noWeb && !*code {
		fmt.Fprintln(r.env.Stderr, "warning: web search is off and no other data source is set; deep-research models need one, so the provider may reject this job")
	}
	j, err := r.eng.Research.Submit(ctx, research.SubmitInput{
		Prompt: prompt, Model: *model, WebSearch: !*noWeb, CodeInterpreter: *code, MaxToolCalls: *maxCalls,
	})
	if err != nil {
		return err
	}
	if *asJSON {
		if err := r.printJSON(j); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(r.env.Stdout, j.ID)
	}
	if !r.eng.HasKey() {
		fmt.Fprintln(r.env.Stderr, "note: no OpenAI API key is set; the job waits until you set OPENAI_API_KEY or add a key in the app's Settings")
	}
	if _, fresh, err := r.eng.LeaseHolder(ctx); err == nil && !fresh {
		fmt.Fprintln(r.env.Stderr, "note: no poller is running; open the Deepr app or run `deepr worker` to send it")
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
	var f store.ListFilter
	f.Limit = *limit
	if *status != "" {
		for _, s := range strings.Split(*status, ",") {
			st, err := job.ParseStatus(s)
			if err != nil {
				return usagef("--status: %v", err)
			}
			f.Statuses = append(f.Statuses, st)
		}
	}
	if err := r.open(""); err != nil {
		return err
	}
	jobs, err := r.eng.Store.ListJobs(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		if jobs == nil {
			jobs = []job.Job{}
		}
		return r.printJSON(jobs)
	}
	if len(jobs) == 0 {
		fmt.Fprintln(r.env.Stdout, "No jobs yet. Start one with: deepr submit \"your question\"")
		return nil
	}
	tw := tabwriter.NewWriter(r.env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tMODEL\tCREATED\tTITLE")
	for _, j := range jobs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", j.ID, j.Status, cut(j.Model, 30), j.CreatedAt.Local().Format("2006-01-02 15:04"), cut(j.Title(), 60))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if *limit > 0 && len(jobs) == *limit {
		fmt.Fprintf(r.env.Stderr, "(showing the %d newest; --limit 0 lists all)\n", *limit)
	}
	return nil
}

// termSafe makes untrusted text (prompts, provider messages, reports from
// the web) safe to print on a terminal: control characters, escape
// sequences and bidirectional overrides become visible placeholders; new
// lines and tabs are kept only when keepLines is true.
func termSafe(s string, keepLines bool) string {
	return strings.Map(func(r rune) rune {
		switch {
		case keepLines && (r == '\n' || r == '\t'):
			return r
		case r == '\r' && keepLines:
			return -1
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return '\uFFFD'
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return '\uFFFD'
		}
		return r
	}, s)
}

func cut(s string, n int) string {
	s = termSafe(s, false)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
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
	j, err := r.eng.Research.Get(ctx, id)
	if err != nil {
		return err
	}
	if *asJSON {
		return r.printJSON(j)
	}
	r.describe(j)
	return nil
}

func (r *runner) describe(j job.Job) {
	w := r.env.Stdout
	fmt.Fprintf(w, "Job       %s (attempt %d)\n", j.ID, j.Attempt)
	fmt.Fprintf(w, "Status    %s\n", termSafe(statusLine(j), false))
	fmt.Fprintf(w, "Model     %s (%s)\n", cut(j.Model, 60), j.Provider)
	fmt.Fprintf(w, "Prompt    %s\n", cut(j.Title(), 100))
	fmt.Fprintf(w, "Created   %s\n", j.CreatedAt.Local().Format(time.RFC1123))
	if j.ProviderJobID != "" {
		fmt.Fprintf(w, "Provider  %s\n", cut(j.ProviderJobID, 100))
	}
	if j.Status == job.Running {
		fmt.Fprintf(w, "Progress  %d steps, %d searches, %d pages\n", j.Progress.Steps, j.Progress.Searches, j.Progress.Pages)
		if j.Progress.Summary != "" {
			fmt.Fprintf(w, "Now       %s\n", cut(j.Progress.Summary, 100))
		}
	}
	if j.FinishedAt != nil {
		fmt.Fprintf(w, "Finished  %s\n", j.FinishedAt.Local().Format(time.RFC1123))
	}
	if j.Usage.InputTokens+j.Usage.OutputTokens > 0 {
		fmt.Fprintf(w, "Usage     %d input, %d output tokens, %d web searches, $%.2f\n",
			j.Usage.InputTokens, j.Usage.OutputTokens, j.Usage.WebSearchCalls, j.CostUSD)
	}
	if j.ReportPath != "" {
		fmt.Fprintf(w, "Report    %s\n", j.ReportPath)
	}
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
	j, err := r.eng.Research.Get(ctx, id)
	if err != nil {
		return err
	}
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	// Run the poller here too: the store's lease lets it poll only if no
	// other process (the app, `deepr worker`) is already doing so.
	wctx, stopWorker := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = r.eng.Worker.Run(wctx)
	}()
	defer func() { stopWorker(); <-done }()
	r.eng.Worker.Wake(j.ID)

	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	last := ""
	for {
		j, err = r.eng.Store.GetJob(context.WithoutCancel(ctx), j.ID)
		if err != nil {
			return err
		}
		if line := termSafe(statusLine(j), false); line != last {
			fmt.Fprintf(r.env.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), line)
			last = line
		}
		if settled(j) {
			break
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("timed out after %s; job %s is still %s: check later with `deepr status %s`", *timeout, j.ID, j.Status, j.ID)
			}
			return fmt.Errorf("interrupted; job %s is still %s and keeps going", j.ID, j.Status)
		case <-tick.C:
		}
	}
	fmt.Fprintln(r.env.Stdout, j.ID, j.Status)
	if j.Status != job.Completed {
		return errSilent
	}
	return nil
}

func (r *runner) cancel(ctx context.Context, args []string) error {
	pos, err := parse(flag.NewFlagSet("cancel", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	id, err := oneArg("cancel", pos, "job ID")
	if err != nil {
		return err
	}
	if err := r.open(""); err != nil {
		return err
	}
	j, err := r.eng.Research.Cancel(ctx, id)
	var pce *research.ProviderCancelError
	if errors.As(err, &pce) {
		fmt.Fprintf(r.env.Stderr, "warning: %v\n", err)
		err = nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(r.env.Stdout, j.ID, j.Status)
	return nil
}

func (r *runner) resubmit(ctx context.Context, args []string) error {
	pos, err := parse(flag.NewFlagSet("resubmit", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	id, err := oneArg("resubmit", pos, "job ID")
	if err != nil {
		return err
	}
	if err := r.open(""); err != nil {
		return err
	}
	j, err := r.eng.Research.Resubmit(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintln(r.env.Stdout, j.ID, j.Status)
	return nil
}

func (r *runner) show(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	format := fs.String("format", "md", "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	id, err := oneArg("show", pos, "job ID")
	if err != nil {
		return err
	}
	switch *format {
	case "md", "html", "json":
	default:
		return usagef("--format must be md, html or json (got %q)", *format)
	}
	if err := r.open(""); err != nil {
		return err
	}
	j, rep, err := r.eng.Research.Report(ctx, id)
	if err != nil && !(*format == "json" && j.ID != "") {
		return err
	}
	if j.Status == job.Incomplete {
		fmt.Fprintf(r.env.Stderr, "note: this report is incomplete: %s\n", termSafe(j.Error, false))
	}
	switch *format {
	case "md":
		md := strings.TrimRight(rep.Markdown, "\n") + "\n" + mirror.SourcesMarkdown(rep.Citations)
		_, err = io.WriteString(r.env.Stdout, termSafe(md, true))
		return err
	case "html":
		_, err = io.WriteString(r.env.Stdout, render.HTML(rep.Markdown, rep.Citations)+"\n")
		return err
	}
	cites := rep.Citations
	if cites == nil {
		cites = []job.Citation{}
	}
	return r.printJSON(struct {
		job.Job
		Report    string         `json:"report"`
		Citations []job.Citation `json:"citations"`
	}{j, rep.Markdown, cites})
}

func (r *runner) search(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	limit := fs.Int("limit", 20, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(strings.Join(pos, " "))
	if q == "" {
		return usagef("search needs a QUERY")
	}
	if err := r.open(""); err != nil {
		return err
	}
	hits, err := r.eng.Store.Search(ctx, q, store.SearchOptions{Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		type hit struct {
			job.Job
			Snippet string `json:"snippet"`
		}
		out := make([]hit, 0, len(hits))
		for _, h := range hits {
			out = append(out, hit{h.Job, plainSnippet(h.Snippet, "", "")})
		}
		return r.printJSON(out)
	}
	if len(hits) == 0 {
		fmt.Fprintf(r.env.Stdout, "No saved report matches %q.\n", q)
		return nil
	}
	for _, h := range hits {
		fmt.Fprintf(r.env.Stdout, "%s  %s  %s\n    %s\n", h.Job.ID, h.Job.CreatedAt.Local().Format("2006-01-02"),
			cut(h.Job.Title(), 70), termSafe(plainSnippet(h.Snippet, "[", "]"), false))
	}
	return nil
}

// plainSnippet replaces the store's match markers with open/close strings
// and flattens whitespace.
func plainSnippet(s, open, close string) string {
	s = strings.NewReplacer("\x02", open, "\x03", close).Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

func (r *runner) worker(ctx context.Context, args []string) error {
	pos, err := parse(flag.NewFlagSet("worker", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("worker takes no arguments")
	}
	host, _ := os.Hostname()
	if err := r.open(fmt.Sprintf("deepr worker (pid %d on %s)", os.Getpid(), host)); err != nil {
		return err
	}
	if r.log.GetLevel() < logrus.InfoLevel {
		r.log.SetLevel(logrus.InfoLevel)
	}
	if !r.eng.HasKey() {
		fmt.Fprintln(r.env.Stderr, "warning: no OpenAI API key is set; jobs wait until OPENAI_API_KEY is set")
	}
	fmt.Fprintf(r.env.Stderr, "deepr worker: polling every %s; database %s. Ctrl-C to stop.\n",
		r.eng.Cfg.EffectivePollInterval(), r.eng.Dirs.Database())
	err = r.eng.Run(ctx)
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	fmt.Fprintln(r.env.Stderr, "deepr worker: stopped")
	return nil
}

// settled reports whether waiting longer cannot change a job: it is final,
// or unconfirmed (which waits for the user).
func settled(j job.Job) bool { return j.Status.Final() || j.Status == job.Unconfirmed }

// statusLine is a short human line for a job's state.
func statusLine(j job.Job) string {
	var b strings.Builder
	b.WriteString(string(j.Status))
	if j.ProviderStatus != "" && j.Status == job.Running {
		b.WriteString(" (" + j.ProviderStatus + ")")
	}
	if j.Error != "" {
		b.WriteString(": " + j.Error)
	}
	return b.String()
}
