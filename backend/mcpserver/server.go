// Package mcpserver is Deepr's face for AI assistants: a Model Context
// Protocol server (the official Go SDK) over the research service, the
// same queue, budget and library as the window and the CLI. Its one job is
// translation: each tool's typed arguments become one service request, and
// the service's answer becomes structured content (with its output schema)
// plus a short text; a service error becomes a tool error carrying
// research.AsView's {kind, field, message}. No rule lives here: what may
// be spent, what is valid and what a job may do are the service's.
//
// Long work returns at once and is followed with get_research, which may
// wait (at most 30 s) for the job to change, sending progress
// notifications meanwhile. No tool call lasts longer than Options.CallLimit
// (45 s): assistants cut calls off after about a minute.
package mcpserver

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/research"
)

// Bounds of a call, as the tools describe them to assistants.
const (
	// CallLimit is the longest any tool call lasts.
	CallLimit = 45 * time.Second
	// MaxWaitSeconds is the most get_research's wait_seconds may ask.
	MaxWaitSeconds = 30
)

// Options tune a Server; every field may be left zero.
type Options struct {
	Version string // the server's version, as the client sees it
	// CallLimit bounds every tool call (0: CallLimit). A call the service
	// has not answered by then returns a tool error saying so.
	CallLimit time.Duration
	// Second is how long one of wait_seconds lasts (0: time.Second); tests
	// shorten it.
	Second time.Duration
	// ProgressEvery is how often a waiting get_research reports progress
	// when nothing changes (0: 5 s).
	ProgressEvery time.Duration
	Log           logrus.FieldLogger // nil: discarded
}

// Server is the MCP server of one process over one service.
type Server struct {
	svc  *research.Service
	feed *Feed
	o    Options
	mcp  *mcp.Server
}

// New builds the server. feed must be the research.Events the service
// was opened with (engine.Options.Events), so waits learn of changes.
func New(svc *research.Service, feed *Feed, o Options) *Server {
	if o.CallLimit <= 0 {
		o.CallLimit = CallLimit
	}
	if o.Second <= 0 {
		o.Second = time.Second
	}
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = 5 * time.Second
	}
	if o.Log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		o.Log = l
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	s := &Server{svc: svc, feed: feed, o: o}
	s.mcp = mcp.NewServer(&mcp.Implementation{Name: "deepr", Title: "Deepr", Version: o.Version}, &mcp.ServerOptions{
		Instructions: instructions,
	})
	s.addResearchTools()
	s.addLibraryTools()
	return s
}

// instructions tell an assistant how to use Deepr well.
const instructions = "Deepr runs deep research (OpenAI, Gemini, Perplexity, Azure) in the background and keeps every report in a " +
	"searchable library. Search the library (search_reports) before paying for new research. estimate_research says what a run " +
	"would cost and whether it fits the user's budget; submit_research queues it and returns a job id at once (runs take minutes): " +
	"follow it with get_research (wait_seconds up to 30) and read the report with read_report or the resource deepr://reports/{job_id}."

// MCP returns the SDK server, to serve on any transport.
func (s *Server) MCP() *mcp.Server { return s.mcp }

// Run serves one client on t (stdio: &mcp.StdioTransport{}) until it
// disconnects or ctx ends.
func (s *Server) Run(ctx context.Context, t mcp.Transport) error { return s.mcp.Run(ctx, t) }

// failure is the part of every tool's output that carries an error as
// data (research.AsView): absent on success.
type failure struct {
	Error *research.ErrorView `json:"error,omitempty" jsonschema:"set when the call failed: kind (invalid, not_found, not_finished, not_allowed, provider, over_budget, spend_not_allowed, internal), the argument or setting to change (field) and what to do (message)"`
}

func (f *failure) fail(v *research.ErrorView) { f.Error = v }

// failable is a tool output that can carry an error.
type failable[T any] interface {
	*T
	fail(*research.ErrorView)
}

// handler is a tool's work: its output and short text, or an error.
type handler[In, Out any] func(ctx context.Context, req *mcp.CallToolRequest, in In) (Out, []mcp.Content, error)

// addTool registers a tool whose schemas come from In and Out. Every call
// is bounded by the call limit, and an error (the service's, or the limit)
// becomes a tool error with the error as data and as text.
func addTool[In, Out any, P failable[Out]](s *Server, t *mcp.Tool, h handler[In, Out]) {
	mcp.AddTool(s.mcp, t, func(ctx context.Context, req *mcp.CallToolRequest, in In) (*mcp.CallToolResult, Out, error) {
		out, content, err := bounded(ctx, s.o.CallLimit, func(ctx context.Context) (Out, []mcp.Content, error) { return h(ctx, req, in) })
		if err != nil {
			v := research.AsView(err)
			s.o.Log.WithField("tool", t.Name).WithField("kind", v.Kind).Info("tool error: " + v.Message)
			var zero Out
			P(&zero).fail(v)
			return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: errorText(v)}}}, zero, nil
		}
		return &mcp.CallToolResult{Content: content}, out, nil
	})
}

// errorText is an error as an assistant reads it.
func errorText(v *research.ErrorView) string {
	if v.Field != "" {
		return fmt.Sprintf("Error (%s, %s): %s", v.Kind, v.Field, v.Message)
	}
	return fmt.Sprintf("Error (%s): %s", v.Kind, v.Message)
}

// errTooLong is the error of a call the service did not answer in time.
func errTooLong(limit time.Duration) error {
	return fmt.Errorf("this call did not finish within %s, the longest a call lasts; what Deepr started goes on where it can: "+
		"check with get_research or list_research", limit.Round(time.Second))
}

// bounded runs f with a deadline of limit and returns by then, whatever f
// does: a call that overruns is answered with errTooLong while f ends on
// its cancelled context.
func bounded[Out any](ctx context.Context, limit time.Duration, f func(context.Context) (Out, []mcp.Content, error)) (Out, []mcp.Content, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	type result struct {
		out     Out
		content []mcp.Content
		err     error
	}
	done := make(chan result, 1)
	go func() {
		out, content, err := f(ctx)
		done <- result{out, content, err}
	}()
	select {
	case r := <-done:
		return r.out, r.content, r.err
	case <-ctx.Done():
		var zero Out
		return zero, nil, errTooLong(limit)
	}
}

// text is one short text content.
func text(format string, a ...any) []mcp.Content {
	return []mcp.Content{&mcp.TextContent{Text: fmt.Sprintf(format, a...)}}
}
