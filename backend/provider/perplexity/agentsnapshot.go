package perplexity

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/httpapi"
)

// ReasonRequiresAction is the IncompleteReason of an Agent API response
// that stopped to ask for an action (requires_action): Deepr sends no
// tools that could answer it, so the run cannot go on.
const ReasonRequiresAction = "requires_action"

// mapAgentStatus maps an Agent API status to the provider.Status*
// vocabulary: requires_action becomes StatusIncomplete with
// ReasonRequiresAction (polling it again would wait forever). An unknown
// status is returned as it came, for the caller to log and poll again.
func mapAgentStatus(raw string) (status, reason string) {
	// The other words are the provider.Status* words themselves.
	if raw == "requires_action" {
		return provider.StatusIncomplete, ReasonRequiresAction
	}
	return raw, ""
}

// wireResponse is the part of an Agent API response object a snapshot
// needs.
type wireResponse struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Error  *struct {
		Message string          `json:"message"`
		Code    json.RawMessage `json:"code"`
		Type    string          `json:"type"`
	} `json:"error"`
	Output []struct {
		Type    string `json:"type"`
		Content []struct {
			Type        string        `json:"type"`
			Text        provider.Text `json:"text"`
			Annotations []struct {
				Type  string `json:"type"`
				URL   string `json:"url"`
				Title string `json:"title"`
				Start *int   `json:"start_index"`
				End   *int   `json:"end_index"`
			} `json:"annotations"`
		} `json:"content"`
		Results []struct {
			Title string `json:"title"`
			URL   string `json:"url"`
		} `json:"results"`
		Queries  []string          `json:"queries"`
		Contents []json.RawMessage `json:"contents"` // fetch_url_results
	} `json:"output"`
	Usage *struct {
		Input  int64 `json:"input_tokens"`
		Output int64 `json:"output_tokens"`
		Cost   *struct {
			Total float64 `json:"total_cost"`
		} `json:"cost"`
		Tools map[string]struct {
			Invocation int64 `json:"invocation"`
		} `json:"tool_calls_details"`
	} `json:"usage"`
}

// parseAgent maps a raw Agent API response object to a Snapshot: the
// report is the last message's output_text parts; their url_citation
// annotations become citations in CHARACTER offsets into the whole report
// (titled from the search_results output where they carry none); without
// annotations, [n] markers numbering the search results are read as the
// async API's are. Usage and the cost Perplexity reports (USD) come from
// usage. The snapshot's Raw is raw itself (the caller hands it over).
func parseAgent(raw []byte) (provider.Snapshot, error) {
	var w wireResponse
	if err := json.Unmarshal(raw, &w); err != nil {
		return provider.Snapshot{}, fmt.Errorf("decoding the response: %w", err)
	}
	s := provider.Snapshot{ID: w.ID, Raw: raw}
	s.Status, s.IncompleteReason = mapAgentStatus(w.Status)
	if s.IncompleteReason == ReasonRequiresAction {
		s.ErrorCode = ReasonRequiresAction
		s.ErrorMessage = "Perplexity stopped the research to ask for an action (requires_action), which Deepr cannot take; " +
			"what it wrote is kept as the report. Resubmit the job, with the question made more specific if needed."
	}
	if w.Error != nil {
		s.ErrorCode, s.ErrorMessage = httpapi.CodeText(w.Error.Code), w.Error.Message
		if s.ErrorCode == "" {
			s.ErrorCode = w.Error.Type
		}
	}
	var sources []source
	titles := map[string]string{}
	message := -1
	for i, it := range w.Output {
		switch it.Type {
		case "message":
			message = i
		case "search_results":
			s.Progress.Searches += max(len(it.Queries), 1)
			for _, r := range it.Results {
				if _, ok := titles[r.URL]; !ok && r.URL != "" {
					titles[r.URL] = strings.TrimSpace(r.Title)
					sources = append(sources, source{url: r.URL, title: titles[r.URL]})
				}
			}
		case "fetch_url_results":
			s.Progress.Pages += len(it.Contents)
		}
	}
	if message >= 0 {
		var texts []string
		offset, annotated := 0, false
		for _, part := range w.Output[message].Content {
			if part.Type != "output_text" {
				continue
			}
			text := string(part.Text)
			n := utf8.RuneCountInString(text)
			for _, a := range part.Annotations {
				annotated = true
				if (a.Type != "" && a.Type != "url_citation") || a.URL == "" || a.Start == nil || a.End == nil {
					continue
				}
				start, end := *a.Start, min(*a.End, n)
				if start < 0 || start > n || end < start {
					continue
				}
				title := strings.TrimSpace(a.Title)
				if title == "" {
					title = titles[a.URL]
				}
				s.Citations = append(s.Citations, job.Citation{URL: a.URL, Title: title, Start: offset + start, End: offset + end})
			}
			texts = append(texts, text)
			offset += n
		}
		s.Report = strings.Join(texts, "") // one part: itself, not a copy
		if annotated {
			provider.NumberCitations(s.Citations)
		} else if len(sources) > 0 {
			s.Report, s.Citations = extractCitations(s.Report, sources)
		}
	}
	if u := w.Usage; u != nil {
		s.Usage = job.Usage{InputTokens: u.Input, OutputTokens: u.Output, WebSearchCalls: u.Tools["web_search"].Invocation}
		if u.Cost != nil && u.Cost.Total > 0 {
			s.CostUSD = u.Cost.Total
		}
		if s.Usage.WebSearchCalls > 0 {
			s.Progress.Searches = int(s.Usage.WebSearchCalls)
		}
		if f := int(u.Tools["fetch_url"].Invocation); f > s.Progress.Pages {
			s.Progress.Pages = f
		}
	}
	return s, nil
}
