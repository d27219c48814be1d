package fakeperplexity

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
)

// request is one stored async request. Guarded by Server.mu.
type request struct {
	id, prompt string
	seq        int
	marks      map[string]bool
	status     string
	created    time.Time
	started    time.Time
	finished   time.Time
	steps      int // successful GETs until terminal
	polls      int // successful GETs served
	getCalls   int // all GETs received
}

func (r *request) terminal() bool { return r.status == "COMPLETED" || r.status == "FAILED" }

// advance moves the request one step on a successful GET.
func (r *request) advance(now func() time.Time) {
	if r.terminal() {
		return
	}
	r.polls++
	if r.started.IsZero() {
		r.started = now()
	}
	if r.polls < r.steps {
		r.status = "IN_PROGRESS"
		return
	}
	r.finished = now()
	r.status = "COMPLETED"
	if r.marks["fail"] {
		r.status = "FAILED"
	}
}

// render builds the async request object for the current state.
func (r *request) render() map[string]any {
	unix := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.Unix()
	}
	o := map[string]any{
		"id": r.id, "model": "sonar-deep-research", "status": r.status,
		"created_at": r.created.Unix(), "started_at": unix(r.started),
		"completed_at": nil, "failed_at": nil, "error_message": nil, "response": nil,
	}
	switch r.status {
	case "COMPLETED":
		o["completed_at"] = unix(r.finished)
		o["response"] = r.completion()
	case "FAILED":
		o["failed_at"] = unix(r.finished)
		o["error_message"] = "The research could not be completed: the upstream model failed."
	}
	return o
}

// completion is the chat completion of a finished request: a <think>
// block, then the report with an [n] marker after each cited piece, n
// numbering the citations list.
func (r *request) completion() map[string]any {
	topic := fakehttp.Topic(r.prompt)
	var b strings.Builder
	var urls []string
	results := []any{}
	number := map[string]int{}
	if !r.marks["empty"] {
		b.WriteString("<think>\nThe user asks about " + topic + ". I should search for recent data.\n</think>\n\n")
		for _, part := range fakehttp.Report(topic, r.marks) {
			for _, p := range part {
				b.WriteString(p.Text)
				if p.URL == "" {
					continue
				}
				n, ok := number[p.URL]
				if !ok {
					urls = append(urls, p.URL)
					n = len(urls)
					number[p.URL] = n
					results = append(results, map[string]any{"title": p.Title, "url": p.URL, "date": "2026-01-15",
						"last_updated": "2026-02-01", "snippet": "About " + p.Text + ".", "source": "web"})
				}
				fmt.Fprintf(&b, "[%d]", n)
			}
		}
	}
	content, finish := b.String(), "stop"
	if r.marks["length"] { // cut at the length limit, mid-sentence
		runes := []rune(content)
		content, finish = string(runes[:len(runes)*2/3]), "length"
	}
	prompt, completion, reasoning, citation := 40+utf8.RuneCountInString(r.prompt), 3000, 60000, 9000
	searches := 20
	in, out, reas, cit, search := float64(prompt)*2/1e6, float64(completion)*8/1e6, float64(reasoning)*3/1e6, float64(citation)*2/1e6, float64(searches)*5/1000
	return map[string]any{
		"id": r.id, "model": "sonar-deep-research", "created": r.created.Unix(), "object": "chat.completion",
		"choices": []any{map[string]any{"index": 0, "finish_reason": finish,
			"message": map[string]any{"role": "assistant", "content": content}}},
		"citations":      nonNil(urls),
		"search_results": results,
		"usage": map[string]any{
			"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
			"citation_tokens": citation, "num_search_queries": searches, "reasoning_tokens": reasoning,
			"search_context_size": "low",
			"cost": map[string]any{"input_tokens_cost": in, "output_tokens_cost": out, "citation_tokens_cost": cit,
				"reasoning_tokens_cost": reas, "search_queries_cost": search, "request_cost": 0,
				"total_cost": in + out + cit + reas + search},
		},
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
