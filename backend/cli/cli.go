// Package cli is Deepr's headless command line: the same binary as the
// desktop app, over the same database, with no display needed. It is a thin
// face over the application service (package research): it parses flags,
// calls one use case and prints the result. Exit codes: 0 success, 1 error
// (stderr says what went wrong and what to do), 2 usage.
package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/logging"
	"github.com/deepr-desktop/deepr/backend/research"
)

// Env is everything a command touches outside the process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) (string, bool) // nil: os.LookupEnv
	WorkDir        string                      // "" : current directory
	Version        string
	Serve          Serve // `deepr serve`; nil: not in this build
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

// errSilent: the command already explained the failure on stderr.
var errSilent = errors.New("failed")

// command is one subcommand: the one list that the help text, IsCommand
// and the dispatch all read.
type command struct {
	name    string
	args    string // synopsis after the name
	summary string // "" for none
	run     func(r *runner, ctx context.Context, args []string) error
}

// commands lists every subcommand in the order the help shows them.
var commands = []command{
	{"submit", "[--provider openai|gemini|perplexity|azure] [--model M] [--no-web-search] [--code-interpreter] [--max-tool-calls N] [--max-cost USD] [--follow-up ID] [--clarify] [--dry-run] [--json] PROMPT",
		`queue research (PROMPT "-" reads stdin); prints the job id; --follow-up goes deeper on a finished report; --clarify asks a few questions first and submits the brief; --dry-run prints the estimate and budget only`, (*runner).submit},
	{"clarify", "PROMPT [--json]", "up to three questions the helper model would ask before research (scope, period, region, depth)", (*runner).clarify},
	{"list", "[--status S[,S...]] [--limit N] [--json]", "jobs, newest first (--limit 0: all; --status open: every job not final)", (*runner).list},
	{"status", "ID [--json]", "one job (ID or a unique prefix) and its thread of follow-ups", (*runner).status},
	{"wait", "ID [--timeout DURATION]", "block until the job ends; exit 0 only if completed", (*runner).wait},
	{"check", "ID", "ask the provider about a queued or running job now", (*runner).check},
	{"cancel", "ID", "cancel a queued or running job", (*runner).cancel},
	{"resubmit", "ID", "new attempt of an unconfirmed, failed or cancelled job", (*runner).resubmit},
	{"adopt", "ID RESPONSE_ID", "track the response an unconfirmed job became (from the provider's dashboard)", (*runner).adopt},
	{"dismiss", "ID", "give up on an unconfirmed job without sending it again", (*runner).dismiss},
	{"delete", "ID", "delete a job that is not running, with its report and folder", (*runner).delete},
	{"show", "ID [--format md|html|json]", "the report, with the questions asked about it", (*runner).show},
	{"ask", "ID QUESTION [--json]", "ask a saved report a question: the helper model answers from its text and sources (saved with it)", (*runner).ask},
	{"search", "QUERY [--limit N] [--offset N] [--json]", "full-text search over saved reports, best first (--json carries the total)", (*runner).search},
	{"similar", "PROMPT [--json]", "saved reports on the subject of a prompt (up to three), with the words that matched", (*runner).similar},
	{"export", "ID --format md|html|pdf|docx --output FILE | --all --output DIR", "a report as a file, or the whole library as folders", (*runner).export},
	{"import", "DIR [--json]", "take report folders (an export, a mirror) into the library", (*runner).importDir},
	{"costs", "[--month YYYY-MM] [--json]", "this month's (or that month's) spending by model, against the budget", (*runner).costs},
	{"key", "set|clear|test [--provider P]", "a provider's API key, OpenAI by default (set reads it from stdin)", (*runner).key},
	{"mirror", "rebuild [--all]", "rewrite missing or damaged report folders from the database (--all: every folder)", (*runner).mirror},
	{"worker", "", "run the poller in the foreground until Ctrl-C", (*runner).worker},
	{"mcp", "[--http HOST:PORT [--allow-remote]]", "serve Deepr to an AI assistant over stdio (Model Context Protocol), or over HTTP on loopback with a bearer token; polls while no other process does", (*runner).mcpCmd},
	{"serve", "[--listen 127.0.0.1:8710] [--host NAME] [--tls-cert FILE --tls-key FILE] [--insecure-http]",
		"run the poller and serve the app to browsers (sign in with the printed URL or DEEPR_SERVE_TOKEN)", (*runner).serve},
	{"doctor", "[--json]", "check configuration, data folder, database, API key, poller, webhooks", (*runner).doctor},
	{"version", "", "", nil}, // answered by Main itself
	{"help", "", "", nil},
}

// Commands lists every subcommand name.
var Commands = func() []string {
	out := make([]string, len(commands))
	for i, c := range commands {
		out[i] = c.name
	}
	return out
}()

// Usage returns the help text.
func Usage() string {
	var b strings.Builder
	b.WriteString("Deepr: queue deep-research jobs, get the report when it is ready.\n\nUsage:\n")
	b.WriteString("  deepr                                   open the desktop app\n")
	for _, c := range commands {
		line := strings.TrimSpace("deepr " + c.name + " " + c.args)
		switch {
		case c.summary == "":
			fmt.Fprintf(&b, "  %s\n", line)
		case len(line) <= 38:
			fmt.Fprintf(&b, "  %-38s  %s\n", line, c.summary)
		default:
			fmt.Fprintf(&b, "  %s\n  %-38s  %s\n", line, "", c.summary)
		}
	}
	b.WriteString("\nConfiguration: environment variables or .env (see docs/configuration.md).\n")
	return b.String()
}

// IsCommand reports whether arg names a CLI subcommand (or a help flag).
func IsCommand(arg string) bool {
	switch arg {
	case "-h", "--help", "-help", "--version", "-version":
		return true
	}
	_, ok := lookup(arg)
	return ok
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
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
	protocolOut := env.Stdout // deepr mcp's protocol: bytes as they are
	stdout, stderr := &termWriter{w: env.Stdout}, &termWriter{w: env.Stderr}
	defer stdout.flush()
	defer stderr.flush()
	env.Stdout, env.Stderr = stdout, stderr
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, Usage())
		return exitUsage
	}
	r := &runner{env: env, protocolOut: protocolOut}
	defer func() { _ = r.svc.Close() }()
	name := args[0]
	switch name {
	case "-h", "--help", "-help":
		name = "help"
	case "--version", "-version":
		name = "version"
	}
	var err error
	switch c, ok := lookup(name); {
	case name == "help":
		fmt.Fprint(env.Stdout, Usage())
	case name == "version":
		fmt.Fprintf(env.Stdout, "deepr %s\n", env.Version)
	case ok:
		err = c.run(r, ctx, args[1:])
	default:
		err = usagef("unknown command %q", name)
	}
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "deepr: %s\n\nRun `deepr help` for usage.\n", safe(ue.msg))
		return exitUsage
	case errors.Is(err, errSilent):
		return exitErr
	default:
		fmt.Fprintf(env.Stderr, "deepr: %s%s\n", safe(phrase(err)), hint(err))
		return exitErr
	}
}

// phrase words a service error for a terminal user: what went wrong and
// the command that helps.
func phrase(err error) string {
	e, ok := research.AsError(err)
	if !ok {
		return err.Error()
	}
	switch {
	case errors.Is(e, research.ErrNotFound) && e.Status == "":
		return e.Msg + ": list jobs with `deepr list`"
	case errors.Is(e, research.ErrNotFinished):
		return e.Msg + ": wait for it with `deepr wait " + e.JobID + "`"
	case errors.Is(e, research.ErrNotAllowed) && e.Status == "unconfirmed":
		return e.Msg + fmt.Sprintf(" (`deepr dismiss %s`, `deepr resubmit %s`, `deepr adopt %s RESPONSE_ID`)", e.JobID, e.JobID, e.JobID)
	}
	return e.Msg
}

// settingOf names the setting behind a service error's field: the
// service speaks of Settings, a terminal user may set the variable.
var settingOf = map[string]string{
	"helper_model":    "DEEPR_HELPER_MODEL",
	"helper_provider": "DEEPR_HELPER_PROVIDER",
}

// hint adds what a terminal user can set to a service error ("" when
// nothing): the variable behind the field, or the budget's.
func hint(err error) string {
	var be *cost.BudgetError
	if errors.As(err, &be) {
		if be.PerJob {
			return " (or give a higher --max-cost)"
		}
		return " (the monthly budget is DEEPR_MONTHLY_BUDGET)"
	}
	if e, ok := research.AsError(err); ok && errors.Is(e, research.ErrInvalid) && settingOf[e.Field] != "" {
		return " (setting " + settingOf[e.Field] + ")"
	}
	return ""
}

type runner struct {
	env Env
	svc *research.Service
	log *logrus.Logger

	events      research.Events // given to the service by open (deepr mcp's feed); nil: none
	protocolOut io.Writer       // stdout without the terminal guard (deepr mcp)
}

// open starts the service (config, database) for commands that need it.
func (r *runner) open(holder string) error {
	if r.svc != nil {
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
	svc, err := engine.Open(engine.Options{Getenv: r.env.Getenv, WorkDir: r.env.WorkDir, Log: r.log, Holder: holder, Events: r.events})
	if err != nil {
		return err
	}
	r.svc = svc
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

// idCommand parses a command that takes exactly one job ID and no flags,
// and opens the service.
func (r *runner) idCommand(name string, args []string) (string, error) {
	pos, err := parse(flag.NewFlagSet(name, flag.ContinueOnError), args)
	if err != nil {
		return "", err
	}
	id, err := oneArg(name, pos, "job ID")
	if err != nil {
		return "", err
	}
	return id, r.open("")
}

// printJSON writes v as indented JSON, every character a terminal would
// act on escaped (jsonSafe).
func (r *runner) printJSON(v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := r.env.Stdout.Write(jsonSafe(b.Bytes()))
	return err
}
