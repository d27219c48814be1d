package fakegemini

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
)

// interaction is one stored background interaction. Guarded by Server.mu.
type interaction struct {
	id, agent, input string
	seq              int
	labels           map[string]string // as sent on create, echoed by GET
	marks            map[string]bool
	status           string
	created, updated time.Time
	steps            int  // successful GETs until terminal
	polls            int  // successful GETs served
	getCalls         int  // all GETs received
	finishNext       bool // Finish was called
}

// terminal reports whether the interaction will not change any more
// (requires_action and requires_continuation wait for the client, which
// the fake never gives).
func (it *interaction) terminal() bool {
	switch it.status {
	case "queued", "in_progress":
		return false
	}
	return true
}

// advance moves the interaction one step on a successful GET.
func (it *interaction) advance(now func() time.Time) {
	if it.terminal() {
		return
	}
	it.polls++
	it.updated = now()
	if !it.finishNext && it.polls < it.steps {
		it.status = "in_progress"
		return
	}
	m := it.marks
	switch {
	case m["fail"]:
		it.status = "failed"
	case m["incomplete"]:
		it.status = "incomplete"
	case m["budget"]:
		it.status = "budget_exceeded"
	case m["requires-action"]:
		it.status = "requires_action"
	case m["continuation"]:
		it.status = "requires_continuation"
	case m["strange"]:
		it.status = "paused_for_review"
	default:
		it.status = "completed"
	}
}

// render builds the Interaction object. full (a GET) includes the
// user_input step; create and cancel answer the agent's steps only.
func (it *interaction) render(full bool) map[string]any {
	steps := []any{}
	if full {
		steps = append(steps, map[string]any{"type": "user_input",
			"content": []any{map[string]any{"type": "text", "text": it.input}}})
	}
	steps = append(steps, it.research()...)
	if out := it.output(); out != nil {
		steps = append(steps, out)
	}
	o := map[string]any{
		"id":      it.id,
		"agent":   it.agent,
		"status":  it.status,
		"role":    "agent",
		"created": it.created.UTC().Format(time.RFC3339),
		"updated": it.updated.UTC().Format(time.RFC3339),
		"steps":   steps,
	}
	if len(it.labels) > 0 {
		o["labels"] = it.labels
	}
	if it.terminal() && (full || it.status != "cancelled") { // a cancelled run is billed for what it used
		o["usage"] = it.usage()
	}
	if it.status == "failed" {
		o["errors"] = []any{map[string]any{"code": "https://ai.google.dev/errors/internal",
			"message": "The agent failed while researching this question."}}
	}
	return o
}

// research is one round of thought and tool steps per successful GET.
func (it *interaction) research() []any {
	var out []any
	topic := fakehttp.Topic(it.input)
	for i := 1; i <= it.polls; i++ {
		call := fmt.Sprintf("call_%06d_%d", it.seq, i)
		out = append(out,
			map[string]any{"type": "thought", "signature": "c2ln",
				"summary": []any{map[string]any{"type": "text", "text": fmt.Sprintf("**Step %d**\n\nLooking for sources on %s.", i, topic)}}},
			map[string]any{"type": "google_search_call", "id": call, "search_type": "web_search",
				"arguments": map[string]any{"queries": []string{fmt.Sprintf("%s (part %d)", topic, i), topic + " statistics"}}},
			map[string]any{"type": "google_search_result", "call_id": call, "is_error": false, "signature": "c2ln",
				"result": []any{map[string]any{"search_suggestions": "<div>" + topic + "</div>"}}})
		if i%2 == 0 {
			ctx := fmt.Sprintf("ctx_%06d_%d", it.seq, i)
			out = append(out,
				map[string]any{"type": "url_context_call", "id": ctx,
					"arguments": map[string]any{"urls": []string{fmt.Sprintf("https://example.org/source-%d", i)}}},
				map[string]any{"type": "url_context_result", "call_id": ctx,
					"result": []any{map[string]any{"url": fmt.Sprintf("https://example.org/source-%d", i), "status": "success"}}})
		}
	}
	return out
}

// output is the final model_output step, or nil when there is none yet.
func (it *interaction) output() map[string]any {
	topic := fakehttp.Topic(it.input)
	var parts [][]fakehttp.Piece
	var stepErr map[string]any
	switch it.status {
	case "completed":
		if it.marks["empty"] {
			return nil
		}
		parts = fakehttp.Report(topic, it.marks)
	case "incomplete", "budget_exceeded":
		parts = [][]fakehttp.Piece{fakehttp.Partial(topic)}
	case "requires_action":
		parts = [][]fakehttp.Piece{{{Text: "Research plan for " + topic + ":\n\n1. Survey recent data.\n2. Compare sources.\n\nShall I proceed?"}}}
	case "failed":
		stepErr = map[string]any{"code": 13, "message": "Internal error while generating the report."}
	default:
		return nil
	}
	content := []any{}
	for _, pieces := range parts {
		content = append(content, textContent(pieces))
	}
	step := map[string]any{"type": "model_output", "content": content}
	if stepErr != nil {
		step["error"] = stepErr
	}
	return step
}

// textContent is a TextContent whose url_citation annotations are in
// BYTES into its own text, end exclusive, as Gemini reports them.
func textContent(pieces []fakehttp.Piece) map[string]any {
	text, spans := fakehttp.Join(pieces, true)
	annotations := []any{}
	for _, sp := range spans {
		annotations = append(annotations, map[string]any{"type": "url_citation",
			"url": sp.URL, "title": sp.Title, "start_index": sp.Start, "end_index": sp.End})
	}
	return map[string]any{"type": "text", "text": text, "annotations": annotations}
}

func (it *interaction) usage() map[string]any {
	input := 24000 + utf8.RuneCountInString(it.input)
	output, thought, cached, tool := 4000, 6000, 5000, 12000
	if it.status != "completed" {
		output, thought = 1500, 3000
	}
	searches := 2 * it.polls
	return map[string]any{
		"total_input_tokens":    input,
		"total_output_tokens":   output,
		"total_thought_tokens":  thought,
		"total_cached_tokens":   cached,
		"total_tool_use_tokens": tool,
		"total_tokens":          input + output + thought + tool,
		"grounding_tool_count":  []any{map[string]any{"type": "google_search", "count": searches}},
	}
}
