package fakeperplexity

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
)

// agentRun is one Agent API response made in background mode. Guarded by
// Server.mu.
type agentRun struct {
	id, preset, prompt, parent string
	seq                        int
	marks                      map[string]bool
	status                     string
	created                    time.Time
	finished                   time.Time
	steps                      int // successful GETs until terminal
	polls                      int // successful GETs served
	getCalls                   int // all GETs received
}

func (r *agentRun) terminal() bool {
	switch r.status {
	case "completed", "failed", "cancelled", "requires_action":
		return true
	}
	return false
}

// advance moves the run one step on a successful GET.
func (r *agentRun) advance(now func() time.Time) {
	if r.terminal() {
		return
	}
	r.polls++
	if r.polls < r.steps {
		r.status = "in_progress"
		return
	}
	r.finished = now()
	switch {
	case r.marks["fail"]:
		r.status = "failed"
	case r.marks["cancelled"]:
		r.status = "cancelled"
	case r.marks["requires-action"]:
		r.status = "requires_action"
	default:
		r.status = "completed"
	}
}

// Prices of the Agent API the fake bills at (docs.perplexity.ai pricing).
const (
	agentInputPerM  = 2.0
	agentOutputPerM = 8.0
	webSearchUSD    = 0.005
	fetchURLUSD     = 0.0005
)

// render builds the response object for the current state: output and
// usage once it ended (a failed run carries an error and bills nothing).
func (r *agentRun) render() map[string]any {
	o := map[string]any{"id": r.id, "object": "response", "created_at": r.created.Unix(),
		"model": "perplexity/" + r.preset, "status": r.status, "output": []any{}, "error": nil, "usage": nil}
	switch r.status {
	case "completed":
		o["output"] = r.output(fakehttp.Report(fakehttp.Topic(r.prompt), r.marks), r.marks["empty"])
		o["usage"] = r.usage(20, 4)
	case "cancelled":
		o["output"] = r.output([][]fakehttp.Piece{fakehttp.Partial(fakehttp.Topic(r.prompt))}, false)
		o["usage"] = r.usage(6, 1)
	case "requires_action":
		o["output"] = r.output([][]fakehttp.Piece{{{Text: "Which region should the research cover: Europe or Asia?"}}}, false)
		o["usage"] = r.usage(2, 0)
	case "failed":
		o["error"] = map[string]any{"message": "The research could not be completed: the upstream model failed.",
			"code": "internal_error", "type": "server_error"}
	}
	return o
}

// output is a search_results item listing every cited source, then the
// message: one output_text part per report part, each cited piece an
// annotation with CHARACTER offsets into its part.
func (r *agentRun) output(parts [][]fakehttp.Piece, empty bool) []any {
	results := []any{}
	seen := map[string]bool{}
	content := []any{}
	for _, part := range parts {
		if empty {
			break
		}
		text, spans := fakehttp.Join(part, false)
		notes := []any{}
		for _, sp := range spans {
			notes = append(notes, map[string]any{"type": "url_citation", "url": sp.URL, "title": sp.Title,
				"start_index": sp.Start, "end_index": sp.End})
			if !seen[sp.URL] {
				seen[sp.URL] = true
				results = append(results, map[string]any{"title": sp.Title, "url": sp.URL, "date": "2026-01-15",
					"last_updated": "2026-02-01", "snippet": "About " + sp.URL + ".", "source": "web"})
			}
		}
		content = append(content, map[string]any{"type": "output_text", "text": text, "annotations": notes})
	}
	if len(content) == 0 {
		content = append(content, map[string]any{"type": "output_text", "text": "", "annotations": []any{}})
	}
	return []any{
		map[string]any{"type": "search_results", "queries": []any{strings.TrimSpace(fakehttp.Topic(r.prompt))}, "results": results},
		map[string]any{"type": "message", "id": "msg_" + strings.TrimPrefix(r.id, "resp_"), "role": "assistant",
			"status": "completed", "content": content},
	}
}

// usage is what a run that made searches web searches and fetches URL
// fetches bills, with its cost in USD as Perplexity reports it.
func (r *agentRun) usage(searches, fetches int) map[string]any {
	in, out := 15000+40+utf8.RuneCountInString(r.prompt), 6000
	inCost, outCost := float64(in)*agentInputPerM/1e6, float64(out)*agentOutputPerM/1e6
	tools := float64(searches)*webSearchUSD + float64(fetches)*fetchURLUSD
	details := map[string]any{"web_search": map[string]any{"invocation": searches}}
	if fetches > 0 {
		details["fetch_url"] = map[string]any{"invocation": fetches}
	}
	return map[string]any{"input_tokens": in, "output_tokens": out, "total_tokens": in + out,
		"cost": map[string]any{"currency": "USD", "input_cost": inCost, "output_cost": outCost, "tool_calls_cost": tools,
			"total_cost": inCost + outCost + tools},
		"tool_calls_details": details}
}
