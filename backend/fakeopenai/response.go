package fakeopenai

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
)

// marks are the behaviour markers found in a prompt.
type marks struct {
	fail, incomplete, empty          bool
	create500, create503, createDrop bool
	rateLimit, quota, badRequest     bool
	get500, getDrop, gone            bool
	hostile, unicode, slow           bool
	still, cancelUsageLate, long     bool
	modelGone                        bool
	size                             string // "bytes-N" of a [[fake:bytes-N]] marker, or ""
}

func parseMarkers(prompt string) marks {
	has := fakehttp.Markers(prompt)
	return marks{
		fail: has["fail"], incomplete: has["incomplete"], empty: has["empty"],
		create500: has["create500"], create503: has["create503"], createDrop: has["create-drop"],
		rateLimit: has["ratelimit"], quota: has["quota"], badRequest: has["badrequest"],
		get500: has["get500"], getDrop: has["getdrop"], gone: has["gone"],
		hostile: has["hostile"], unicode: has["unicode"], slow: has["slow"],
		still: has["still"], cancelUsageLate: has["cancel-usage-late"], long: has["long"],
		size: sizeMarker(has), modelGone: has["model-gone"],
	}
}

// report is the markers that choose the sample report.
func (m marks) report() map[string]bool {
	out := map[string]bool{"hostile": m.hostile, "unicode": m.unicode}
	if m.size != "" {
		out[m.size] = true
	}
	return out
}

// sizeMarker is the [[fake:bytes-N]] marker among has, without its brackets.
func sizeMarker(has map[string]bool) string {
	if n := fakehttp.Size(has); n > 0 {
		return fmt.Sprintf("bytes-%d", n)
	}
	return ""
}

// response is one stored background response. Guarded by Server.mu.
type response struct {
	id         string
	seq        int
	createdAt  time.Time
	finishedAt time.Time
	status     string
	prompt     string
	marks      marks
	steps      int  // successful GETs until terminal
	polls      int  // successful GETs served
	getCalls   int  // all GETs received
	finishNext bool // Finish was called
	cancelGets int  // successful GETs since it was cancelled

	model            string
	instructions     *string
	background       *bool
	metadata         map[string]string
	tools            []json.RawMessage
	maxToolCalls     *int64
	reasoningSummary *string
	previousID       *string // previous_response_id of a follow-up

	answer      string // a plain (not background) request's answer, "" for research
	maxOutput   int64  // its max_output_tokens (0: none)
	inputTokens int64  // its input tokens
	notStored   bool   // created with "store": false
}

// advance moves the response one step on a successful GET.
func (r *response) advance(now func() time.Time) {
	if terminal(r.status) {
		return
	}
	r.polls++
	if !r.finishNext && r.polls < r.steps {
		r.status = "in_progress"
		return
	}
	r.finishedAt = now()
	switch {
	case r.marks.fail:
		r.status = "failed"
	case r.marks.incomplete:
		r.status = "incomplete"
	default:
		r.status = "completed"
	}
}

// render builds the full Response object for the current state.
func (r *response) render() map[string]any {
	var instructions, maxToolCalls, summary any
	if r.instructions != nil {
		instructions = *r.instructions
	}
	if r.maxToolCalls != nil {
		maxToolCalls = *r.maxToolCalls
	}
	if r.reasoningSummary != nil {
		summary = *r.reasoningSummary
	}
	background := r.answer == "" // a plain request's default is false
	if r.background != nil {
		background = *r.background
	}
	tools := r.tools
	if tools == nil {
		tools = []json.RawMessage{}
	}
	var previous any
	if r.previousID != nil {
		previous = *r.previousID
	}
	metadata := r.metadata
	if metadata == nil {
		metadata = map[string]string{}
	}
	out := map[string]any{
		"id":                   r.id,
		"object":               "response",
		"created_at":           r.createdAt.Unix(),
		"status":               r.status,
		"background":           background,
		"error":                nil,
		"incomplete_details":   nil,
		"instructions":         instructions,
		"max_output_tokens":    nil,
		"max_tool_calls":       maxToolCalls,
		"model":                r.model,
		"output":               r.output(),
		"parallel_tool_calls":  true,
		"previous_response_id": previous,
		"reasoning":            map[string]any{"effort": "medium", "summary": summary},
		"service_tier":         "default",
		"store":                !r.notStored,
		"temperature":          1.0,
		"text":                 map[string]any{"format": map[string]any{"type": "text"}},
		"tool_choice":          "auto",
		"tools":                tools,
		"top_p":                1.0,
		"truncation":           "disabled",
		"usage":                nil,
		"user":                 nil,
		"metadata":             metadata,
	}
	switch r.status {
	case "completed":
		out["completed_at"] = r.finishedAt.Unix()
		out["usage"] = r.usage(false)
	case "incomplete":
		out["incomplete_details"] = map[string]any{"reason": "max_output_tokens"}
		out["usage"] = r.usage(true)
	case "cancelled": // billed for what it used before it stopped
		if !r.marks.cancelUsageLate || r.cancelGets > 1 {
			out["usage"] = r.usage(true)
		}
	case "failed":
		out["error"] = map[string]any{"code": "server_error",
			"message": "The fake model failed while researching this question (server_error)."}
	}
	return out
}

func (r *response) usage(partial bool) map[string]any {
	if r.answer != "" {
		output := int64(utf8.RuneCountInString(r.answer)/4 + 1)
		if r.marks.long && r.maxOutput > 0 { // the answer used every output token allowed
			output = r.maxOutput
		}
		return map[string]any{
			"input_tokens": r.inputTokens, "input_tokens_details": map[string]any{"cached_tokens": 0},
			"output_tokens": output, "output_tokens_details": map[string]any{"reasoning_tokens": 0},
			"total_tokens": r.inputTokens + output,
		}
	}
	input := int64(1500 + utf8.RuneCountInString(r.prompt))
	output, reasoning := int64(4200), int64(2600)
	if partial {
		output, reasoning = 2000, 1900
	}
	return map[string]any{
		"input_tokens":          input,
		"input_tokens_details":  map[string]any{"cached_tokens": 300},
		"output_tokens":         output,
		"output_tokens_details": map[string]any{"reasoning_tokens": reasoning},
		"total_tokens":          input + output,
	}
}

// output is the output array for the current state: a round of research
// items per successful GET, and the report message once terminal.
func (r *response) output() []any {
	items := []any{}
	if r.status == "queued" {
		return items
	}
	rounds := r.polls
	if rounds < 1 || r.marks.still {
		rounds = 1
	}
	topic := fakehttp.Topic(r.prompt)
	calls := 0 // tool calls so far: OpenAI stops at max_tool_calls
	tool := func(item map[string]any) {
		if r.maxToolCalls == nil || int64(calls) < *r.maxToolCalls {
			items = append(items, item)
			calls++
		}
	}
	for i := 1; i <= rounds; i++ {
		items = append(items, map[string]any{
			"id": fmt.Sprintf("rs_%06d_%d", r.seq, i), "type": "reasoning",
			"summary": []any{map[string]any{"type": "summary_text",
				"text": fmt.Sprintf("**Step %d**\n\nLooking for sources on %s.", i, topic)}},
		})
		tool(map[string]any{
			"id": fmt.Sprintf("ws_%06d_%da", r.seq, i), "type": "web_search_call", "status": "completed",
			"action": map[string]any{"type": "search", "query": topic,
				"queries": []string{fmt.Sprintf("%s (part %d)", topic, i)}},
		})
		if i%2 == 0 {
			tool(map[string]any{
				"id": fmt.Sprintf("ws_%06d_%db", r.seq, i), "type": "web_search_call", "status": "completed",
				"action": map[string]any{"type": "open_page", "url": fmt.Sprintf("https://example.org/source-%d", i)},
			})
		}
		if i%3 == 0 {
			tool(map[string]any{
				"id": fmt.Sprintf("ws_%06d_%dc", r.seq, i), "type": "web_search_call", "status": "completed",
				"action": map[string]any{"type": "find_in_page", "pattern": "capacity",
					"url": fmt.Sprintf("https://example.org/source-%d", i)},
			})
		}
	}
	if r.answer != "" {
		return []any{message(fmt.Sprintf("msg_%06d", r.seq), "completed", map[string]any{
			"type": "output_text", "text": r.answer, "annotations": []any{}, "logprobs": []any{}})}
	}
	switch {
	case r.status == "completed" && !r.marks.empty:
		var parts []any
		for _, pieces := range fakehttp.Report(topic, r.marks.report()) {
			parts = append(parts, part(pieces))
		}
		items = append(items, message(fmt.Sprintf("msg_%06d", r.seq), "completed", parts...))
	case r.status == "incomplete" && !r.marks.empty:
		items = append(items, message(fmt.Sprintf("msg_%06d", r.seq), "incomplete", part(fakehttp.Partial(topic))))
	}
	return items
}

// part builds an output_text content part whose url_citation annotations
// carry CHARACTER (rune) offsets into its own text, end exclusive.
func part(pieces []fakehttp.Piece) map[string]any {
	text, spans := fakehttp.Join(pieces, false)
	annotations := []any{}
	for _, sp := range spans {
		annotations = append(annotations, map[string]any{
			"type": "url_citation", "start_index": sp.Start, "end_index": sp.End, "url": sp.URL, "title": sp.Title,
		})
	}
	return map[string]any{"type": "output_text", "text": text, "annotations": annotations, "logprobs": []any{}}
}

func message(id, status string, parts ...any) map[string]any {
	return map[string]any{"id": id, "type": "message", "role": "assistant", "status": status, "content": parts}
}
