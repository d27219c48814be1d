package perplexity

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// mapStatus maps an async request status to the provider.Status*
// vocabulary. Perplexity has no cancelled or incomplete state (those runs
// report FAILED). An unknown status is returned as it came, for the
// caller to log and poll again.
func mapStatus(raw string) string {
	switch raw {
	case "CREATED":
		return provider.StatusQueued
	case "IN_PROGRESS":
		return provider.StatusInProgress
	case "COMPLETED":
		return provider.StatusCompleted
	case "FAILED":
		return provider.StatusFailed
	}
	return raw
}

// wireRequest is the part of an async request object a snapshot needs.
type wireRequest struct {
	ID           string  `json:"id"`
	Model        string  `json:"model"`
	Status       string  `json:"status"`
	ErrorMessage *string `json:"error_message"`
	Response     *struct {
		Model   string `json:"model"`
		Choices []struct {
			FinishReason string `json:"finish_reason"`
			Message      struct {
				Content provider.Text `json:"content"`
			} `json:"message"`
		} `json:"choices"`
		Citations     []string `json:"citations"`
		SearchResults []struct {
			Title string `json:"title"`
			URL   string `json:"url"`
		} `json:"search_results"`
		Usage *struct {
			Prompt     int64 `json:"prompt_tokens"`
			Completion int64 `json:"completion_tokens"`
			Citation   int64 `json:"citation_tokens"`
			Reasoning  int64 `json:"reasoning_tokens"`
			Searches   int64 `json:"num_search_queries"`
			Cost       *struct {
				Total float64 `json:"total_cost"`
			} `json:"cost"`
		} `json:"usage"`
	} `json:"response"`
}

// parseSnapshot maps a raw async request object to a Snapshot: the report
// is the completion's content without its <think> block and [n] markers,
// which become citations; usage and the reported cost come from usage. A
// completion that stopped at its length limit (finish_reason "length") is
// StatusIncomplete (reason max_output_tokens): its report is cut.
// The snapshot's Raw is raw itself (not a copy: the caller hands it over).
func parseSnapshot(raw []byte) (provider.Snapshot, error) {
	var w wireRequest
	if err := json.Unmarshal(raw, &w); err != nil {
		return provider.Snapshot{}, fmt.Errorf("decoding the request: %w", err)
	}
	s := provider.Snapshot{ID: w.ID, Status: mapStatus(w.Status), Model: w.Model, Raw: raw}
	if w.ErrorMessage != nil {
		s.ErrorMessage = *w.ErrorMessage
	}
	resp := w.Response
	if resp == nil {
		return s, nil
	}
	if resp.Model != "" {
		s.Model = resp.Model
	}
	if len(resp.Choices) > 0 {
		s.Report, s.Citations = extractCitations(stripThink(string(resp.Choices[0].Message.Content)), sourcesOf(resp.Citations, resp.SearchResults))
		if s.Status == provider.StatusCompleted && resp.Choices[0].FinishReason == "length" {
			// Cut at the length limit: the report is kept, as incomplete.
			s.Status, s.IncompleteReason = provider.StatusIncomplete, "max_output_tokens"
		}
	}
	if u := resp.Usage; u != nil {
		s.Usage = job.Usage{
			InputTokens:     u.Prompt + u.Citation, // citation tokens bill at the input rate
			OutputTokens:    u.Completion + u.Reasoning,
			ReasoningTokens: u.Reasoning,
			WebSearchCalls:  u.Searches,
		}
		if u.Cost != nil && u.Cost.Total > 0 {
			s.CostUSD = u.Cost.Total
		}
	}
	s.Progress.Searches = int(s.Usage.WebSearchCalls)
	return s, nil
}

// sourcesOf is the list the [n] markers number: the citations URLs, titled
// from search_results; search_results alone when there are no citations.
func sourcesOf(urls []string, results []struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}) []source {
	titles := map[string]string{}
	for _, r := range results {
		if _, ok := titles[r.URL]; !ok {
			titles[r.URL] = strings.TrimSpace(r.Title)
		}
	}
	var out []source
	if len(urls) == 0 {
		for _, r := range results {
			out = append(out, source{url: r.URL, title: strings.TrimSpace(r.Title)})
		}
		return out
	}
	for _, u := range urls {
		out = append(out, source{url: u, title: titles[u]})
	}
	return out
}
