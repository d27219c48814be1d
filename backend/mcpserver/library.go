package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// Source is one numbered source of a report.
type Source struct {
	Index int    `json:"index"`
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
}

func sourcesOf(cs []job.Citation) []Source {
	out := make([]Source, len(cs))
	for i, c := range cs {
		out[i] = Source{Index: c.Index, URL: c.URL, Title: c.Title}
	}
	return out
}

// SearchIn is search_reports's arguments.
type SearchIn struct {
	Query string `json:"query" jsonschema:"words to find in saved reports (full-text: stems match, \"quoted phrases\", OR, NOT)"`
	Limit int    `json:"limit,omitempty" jsonschema:"the most reports to return (default 10, at most 200)"`
}

// Hit is one report found.
type Hit struct {
	JobID    string `json:"job_id"`
	Title    string `json:"title"`
	Status   string `json:"status"`
	Snippet  string `json:"snippet" jsonschema:"the text around the matches"`
	Finished string `json:"finished_at,omitempty"`
	URI      string `json:"uri" jsonschema:"the whole report as a resource (or read_report)"`
}

// SearchOut is search_reports's answer.
type SearchOut struct {
	Hits    []Hit `json:"hits"`
	HasMore bool  `json:"has_more"`
	failure
}

// ReadIn is read_report's arguments.
type ReadIn struct {
	JobID string `json:"job_id"`
}

// ReadOut is read_report's answer.
type ReadOut struct {
	JobID    string `json:"job_id"`
	Title    string `json:"title"`
	Status   string `json:"status"`
	Markdown string `json:"markdown" jsonschema:"the report with numbered citation markers and its Sources list"`
	URI      string `json:"uri"`
	failure
}

// AskIn is ask_report's arguments.
type AskIn struct {
	JobID    string `json:"job_id"`
	Question string `json:"question" jsonschema:"a question the saved report can answer"`
}

// AskOut is ask_report's answer.
type AskOut struct {
	JobID    string  `json:"job_id"`
	Question string  `json:"question"`
	Answer   string  `json:"answer" jsonschema:"from the report and its sources only, citing them as [n]"`
	CostUSD  float64 `json:"cost_usd"`
	failure
}

// defaultSearchLimit is search_reports's page when no limit is given.
const defaultSearchLimit = 10

func (s *Server) addLibraryTools() {
	addTool(s, &mcp.Tool{Name: "search_reports", Title: "Search saved reports",
		Description: "Full-text search over every saved research report (and the questions asked about them), best match first, " +
			"with snippets. Free: search here before paying for new research.",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: ptr(false)}}, s.search)
	addTool(s, &mcp.Tool{Name: "read_report", Title: "Read a report",
		Description: "A saved report as Markdown with its numbered sources (also the resource " + reportTemplate + ").",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: ptr(false)}}, s.read)
	addTool(s, &mcp.Tool{Name: "ask_report", Title: "Ask a saved report",
		Description: "The helper model answers a question from a saved report and its sources only (no new web research); the " +
			"question and answer are saved with the report. Costs cents: allowed only when the user let assistants spend.",
		Annotations: &mcp.ToolAnnotations{DestructiveHint: ptr(false), OpenWorldHint: ptr(true)}}, s.ask)
	s.mcp.AddResourceTemplate(&mcp.ResourceTemplate{Name: "report", Title: "Deepr report", URITemplate: reportTemplate,
		Description: "A saved research report as Markdown with its numbered sources.", MIMEType: "text/markdown"}, s.readResource)
}

func (s *Server) search(ctx context.Context, _ *mcp.CallToolRequest, in SearchIn) (SearchOut, []mcp.Content, error) {
	if in.Limit == 0 {
		in.Limit = defaultSearchLimit
	}
	res, err := s.svc.Search(ctx, research.SearchRequest{Query: in.Query, Limit: in.Limit})
	if err != nil {
		return SearchOut{}, nil, err
	}
	out := SearchOut{Hits: make([]Hit, len(res.Hits)), HasMore: res.HasMore}
	var b strings.Builder
	for i, h := range res.Hits {
		out.Hits[i] = Hit{JobID: h.Job.ID, Title: h.Job.DisplayTitle, Status: string(h.Job.Status), Snippet: h.Marked("", ""),
			URI: ReportURI(h.Job.ID)}
		if h.Job.FinishedAt != nil {
			out.Hits[i].Finished = stamp(*h.Job.FinishedAt)
		}
		fmt.Fprintf(&b, "%d. %s (job %s): %s\n", i+1, h.Job.DisplayTitle, h.Job.ID, out.Hits[i].Snippet)
	}
	if len(res.Hits) == 0 {
		return out, text("No saved report matches %q.", in.Query), nil
	}
	return out, text("%s", strings.TrimSpace(b.String())), nil
}

func (s *Server) read(ctx context.Context, _ *mcp.CallToolRequest, in ReadIn) (ReadOut, []mcp.Content, error) {
	md, j, err := s.svc.RenderReport(ctx, in.JobID, research.FormatMarkdown)
	if err != nil {
		return ReadOut{}, nil, err
	}
	return ReadOut{JobID: j.ID, Title: j.DisplayTitle, Status: string(j.Status), Markdown: md, URI: ReportURI(j.ID)}, text("%s", md), nil
}

// readResource serves deepr://reports/{job_id}. An unknown job or one
// without a report is the protocol's "resource not found".
func (s *Server) readResource(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	uri := req.Params.URI
	id, ok := strings.CutPrefix(uri, "deepr://reports/")
	if !ok || id == "" || strings.ContainsAny(id, "/?#") {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	md, _, err := s.svc.RenderReport(ctx, id, research.FormatMarkdown)
	if errors.Is(err, research.ErrNotFound) || errors.Is(err, research.ErrNotFinished) || errors.Is(err, research.ErrInvalid) {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	if err != nil {
		return nil, err
	}
	return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: uri, MIMEType: "text/markdown", Text: md}}}, nil
}

func (s *Server) ask(ctx context.Context, _ *mcp.CallToolRequest, in AskIn) (AskOut, []mcp.Content, error) {
	res, err := s.svc.Ask(ctx, research.AskRequest{ID: in.JobID, Question: in.Question, Via: job.ViaAssistant})
	if err != nil {
		return AskOut{}, nil, err
	}
	q := res.Question
	return AskOut{JobID: q.JobID, Question: q.Question, Answer: q.Answer, CostUSD: res.CostUSD},
		text("%s\n\n(answered from report %s; cost %s)", q.Answer, q.JobID, cost.FormatUSD(res.CostUSD)), nil
}
