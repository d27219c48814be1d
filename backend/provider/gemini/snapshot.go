package gemini

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/httpapi"
)

// Reasons set in Snapshot.IncompleteReason for the statuses that stop a
// run without a finished report.
const (
	ReasonBudgetExceeded       = "budget_exceeded"
	ReasonRequiresAction       = "requires_action"
	ReasonRequiresContinuation = "requires_continuation"
)

// mapStatus maps an Interaction status to the provider.Status* vocabulary.
// budget_exceeded, requires_action and requires_continuation (also spelled
// continuation_required) become StatusIncomplete with that reason: Deepr
// never asks the agent to plan collaboratively and cannot confirm or
// continue a run, so polling them again would wait forever. Any other
// unknown status is returned as it came, for the caller to log and poll
// again.
func mapStatus(raw string) (status, reason string) {
	// queued, in_progress, completed, failed, cancelled and incomplete are
	// the provider.Status* words themselves, returned as they came below.
	switch raw {
	case "budget_exceeded":
		return provider.StatusIncomplete, ReasonBudgetExceeded
	case "requires_action":
		return provider.StatusIncomplete, ReasonRequiresAction
	case "requires_continuation", "continuation_required":
		return provider.StatusIncomplete, ReasonRequiresContinuation
	}
	return raw, ""
}

// stopMessage explains, for the user, the reasons above: what happened
// and what to do. The worker puts it after whether a partial report was
// kept (see worker.decide), so it does not say so itself.
func stopMessage(reason string) string {
	switch reason {
	case ReasonBudgetExceeded:
		return "The agent used up its own budget for the research before it finished; what it used is billed. " +
			"A narrower question usually fits."
	case ReasonRequiresAction:
		return "The agent paused to ask for a confirmation, which Deepr cannot give. " +
			"Resubmit the job, with the question made more specific if needed."
	case ReasonRequiresContinuation:
		return "The agent paused and asked to be told to continue, which Deepr " +
			"cannot do. Resubmit the job to run it again."
	}
	return ""
}

// wireInteraction is the part of an Interaction a snapshot needs.
type wireInteraction struct {
	ID     string            `json:"id"`
	Agent  string            `json:"agent"`
	Status string            `json:"status"`
	Labels map[string]string `json:"labels"`
	Steps  []wireStep        `json:"steps"`
	Errors []struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	} `json:"errors"`
	Usage *struct {
		Input    int64 `json:"total_input_tokens"`
		Output   int64 `json:"total_output_tokens"`
		Thought  int64 `json:"total_thought_tokens"`
		Cached   int64 `json:"total_cached_tokens"`
		ToolUse  int64 `json:"total_tool_use_tokens"`
		Grounded []struct {
			Type  string `json:"type"`
			Count int64  `json:"count"`
		} `json:"grounding_tool_count"`
	} `json:"usage"`
}

type wireStep struct {
	Type    string `json:"type"`
	Summary []struct {
		Text string `json:"text"`
	} `json:"summary"`
	Arguments struct {
		Queries []string `json:"queries"`
		URLs    []string `json:"urls"`
	} `json:"arguments"`
	Content []wireContent `json:"content"`
	Error   *struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	} `json:"error"`
}

type wireContent struct {
	Type        string        `json:"type"`
	Text        provider.Text `json:"text"`
	Annotations []struct {
		Type  string `json:"type"`
		URL   string `json:"url"`
		Title string `json:"title"`
		Start int    `json:"start_index"`
		End   int    `json:"end_index"`
	} `json:"annotations"`
}

// parseSnapshot maps a raw Interaction to a Snapshot: the report is the
// last model_output step's text, citations carry character offsets into
// it, progress is counted from the steps and usage from the totals. The
// snapshot's Raw is raw itself (not a copy: the caller hands it over).
func parseSnapshot(raw []byte) (provider.Snapshot, error) {
	var w wireInteraction
	if err := json.Unmarshal(raw, &w); err != nil {
		return provider.Snapshot{}, fmt.Errorf("decoding the interaction: %w", err)
	}
	s := provider.Snapshot{ID: w.ID, Model: w.Agent, Raw: raw, JobID: w.Labels[LabelJobID]}
	s.Untagged = s.JobID == ""
	s.Status, s.IncompleteReason = mapStatus(w.Status)
	if s.Status != w.Status {
		s.ProviderStatus = w.Status // Gemini's own word, kept as the job's provider_status
	}
	if msg := stopMessage(s.IncompleteReason); msg != "" {
		s.ErrorCode, s.ErrorMessage = s.IncompleteReason, msg
	}
	if len(w.Errors) > 0 {
		s.ErrorCode, s.ErrorMessage = httpapi.CodeText(w.Errors[0].Code), w.Errors[0].Message
	}

	last := -1
	for i, st := range w.Steps {
		switch st.Type {
		case "user_input":
			continue
		case "model_output":
			last = i
		case "thought":
			for _, p := range st.Summary {
				if t := provider.OneLine(p.Text); t != "" {
					s.Progress.Summary = t
				}
			}
		case "google_search_call":
			s.Progress.Searches += max(len(st.Arguments.Queries), 1)
		case "url_context_call":
			s.Progress.Pages += len(st.Arguments.URLs)
		}
		s.Progress.Steps++
	}
	if last >= 0 {
		out := w.Steps[last]
		s.Report, s.Citations = reportOf(out.Content)
		if out.Error != nil && s.ErrorMessage == "" {
			s.ErrorCode, s.ErrorMessage = httpapi.CodeText(out.Error.Code), out.Error.Message
		}
	}
	if u := w.Usage; u != nil {
		s.Usage = job.Usage{
			// Tool-use prompt tokens (search results fed back to the
			// model) are billed as input.
			InputTokens:     u.Input + u.ToolUse,
			CachedTokens:    u.Cached,
			OutputTokens:    u.Output + u.Thought,
			ReasoningTokens: u.Thought,
		}
		searches, counted := int64(0), false
		for _, g := range u.Grounded {
			if g.Type == "google_search" {
				searches += g.Count
				counted = true
			}
		}
		if !counted {
			searches = int64(s.Progress.Searches)
		}
		s.Usage.WebSearchCalls = searches
	}
	return s, nil
}

// reportOf concatenates the text parts of a model_output step and converts
// their url_citation annotations, which Gemini measures in BYTES into each
// part's text, to CHARACTER offsets into the whole report. Offsets inside
// a multi-byte character widen the span to include it; spans outside their
// part are clamped or dropped. Citations are ordered by start; Index
// numbers URLs by first appearance.
func reportOf(parts []wireContent) (string, []job.Citation) {
	var texts []string
	var cites []job.Citation
	offset := 0
	for _, p := range parts {
		if p.Type != "text" {
			continue
		}
		text := string(p.Text)
		first := len(cites)
		var bytes []int // each kept annotation's start and end, in bytes
		for _, a := range p.Annotations {
			if a.Type != "url_citation" || a.URL == "" || a.Start < 0 || a.Start > len(text) || a.End < a.Start {
				continue
			}
			bytes = append(bytes, runeStart(text, a.Start, false), runeStart(text, min(a.End, len(text)), true))
			cites = append(cites, job.Citation{URL: a.URL, Title: a.Title})
		}
		runes := runeCounts(text, bytes)
		for i := range cites[first:] {
			cites[first+i].Start, cites[first+i].End = offset+runes[2*i], offset+runes[2*i+1]
		}
		texts = append(texts, text)
		offset += utf8.RuneCountInString(text)
	}
	provider.NumberCitations(cites)
	return strings.Join(texts, ""), cites // one part: itself, not a copy
}

// runeStart moves byte offset b (0 <= b <= len(s)) into s to the start of
// a character: one inside a multi-byte character counts that character as
// before it (roundUp false, for a start) or as included (roundUp true, for
// an end).
func runeStart(s string, b int, roundUp bool) int {
	for b > 0 && b < len(s) && !utf8.RuneStart(s[b]) {
		if roundUp {
			b++
		} else {
			b--
		}
	}
	return b
}

// runeCounts converts byte offsets into s (each at the start of a
// character, or len(s)) to rune indexes, in one pass over s.
func runeCounts(s string, offsets []int) []int {
	out := make([]int, len(offsets))
	order := make([]int, len(offsets))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return offsets[order[a]] < offsets[order[b]] })
	b, r := 0, 0
	for _, i := range order {
		r += utf8.RuneCountInString(s[b:offsets[i]])
		b = offsets[i]
		out[i] = r
	}
	return out
}
