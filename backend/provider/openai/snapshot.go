package openai

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// wireResponse is the part of a Response object a snapshot needs. It is
// decoded from the raw body, so fields the SDK does not model still work.
type wireResponse struct {
	ID       string            `json:"id"`
	Status   string            `json:"status"`
	Model    string            `json:"model"`
	Metadata map[string]string `json:"metadata"`
	Error    *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	IncompleteDetails *struct {
		Reason string `json:"reason"`
	} `json:"incomplete_details"`
	Output []wireItem `json:"output"`
	Usage  *struct {
		InputTokens        int64 `json:"input_tokens"`
		InputTokensDetails struct {
			CachedTokens int64 `json:"cached_tokens"`
		} `json:"input_tokens_details"`
		OutputTokens        int64 `json:"output_tokens"`
		OutputTokensDetails struct {
			ReasoningTokens int64 `json:"reasoning_tokens"`
		} `json:"output_tokens_details"`
	} `json:"usage"`
}

type wireItem struct {
	Type    string `json:"type"`
	Summary []struct {
		Text string `json:"text"`
	} `json:"summary"`
	Action *struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"action"`
	Content []wirePart `json:"content"`
}

type wirePart struct {
	Type        string        `json:"type"`
	Text        provider.Text `json:"text"`
	Refusal     string        `json:"refusal"`
	Annotations []struct {
		Type       string `json:"type"`
		StartIndex int    `json:"start_index"`
		EndIndex   int    `json:"end_index"`
		URL        string `json:"url"`
		Title      string `json:"title"`
	} `json:"annotations"`
}

// parseSnapshot maps a raw Response object to a Snapshot: the report is
// the last message item's text, citations carry character offsets into it,
// progress and usage are counted from the output items. The snapshot's Raw
// is raw itself (not a copy: the caller hands it over).
func parseSnapshot(raw []byte) (provider.Snapshot, error) {
	var w wireResponse
	if err := json.Unmarshal(raw, &w); err != nil {
		return provider.Snapshot{}, fmt.Errorf("decoding the response: %w", err)
	}
	s := provider.Snapshot{
		ID:     w.ID,
		Status: w.Status,
		JobID:  w.Metadata["deepr_job_id"],
		Model:  w.Model,
		Raw:    raw,
	}
	if w.Error != nil {
		s.ErrorCode, s.ErrorMessage = w.Error.Code, w.Error.Message
	}
	if w.IncompleteDetails != nil {
		s.IncompleteReason = w.IncompleteDetails.Reason
	}
	if w.Usage != nil {
		s.Usage = job.Usage{
			InputTokens:     w.Usage.InputTokens,
			CachedTokens:    w.Usage.InputTokensDetails.CachedTokens,
			OutputTokens:    w.Usage.OutputTokens,
			ReasoningTokens: w.Usage.OutputTokensDetails.ReasoningTokens,
		}
	}

	pages := map[string]bool{}
	lastMessage := -1
	for i, it := range w.Output {
		switch it.Type {
		case "message":
			lastMessage = i
			continue
		case "reasoning":
			for _, p := range it.Summary {
				if t := provider.OneLine(p.Text); t != "" {
					s.Progress.Summary = t
				}
			}
		case "web_search_call":
			if it.Action == nil {
				break
			}
			switch it.Action.Type {
			case "search":
				s.Progress.Searches++
			case "open_page", "find_in_page":
				if it.Action.URL == "" || !pages[it.Action.URL] {
					s.Progress.Pages++
				}
				pages[it.Action.URL] = true
			}
		}
		s.Progress.Steps++
	}
	s.Usage.WebSearchCalls = int64(s.Progress.Searches)
	if lastMessage >= 0 {
		s.Report, s.Citations = reportOf(w.Output[lastMessage].Content)
	}
	return s, nil
}

// reportOf concatenates a message's output_text parts (or, when it has
// none, its refusals) and converts their url_citation annotations to
// character offsets into the whole text. Annotations outside their part
// are clamped or dropped. Citations are ordered by start; Index numbers
// URLs by first appearance.
func reportOf(parts []wirePart) (string, []job.Citation) {
	var texts []string
	var cites []job.Citation
	offset := 0
	for _, p := range parts {
		if p.Type != "output_text" {
			continue
		}
		n := utf8.RuneCountInString(string(p.Text))
		for _, a := range p.Annotations {
			if a.Type != "url_citation" || a.URL == "" {
				continue
			}
			start, end := a.StartIndex, min(a.EndIndex, n)
			if start < 0 || start > n || end < start {
				continue
			}
			cites = append(cites, job.Citation{URL: a.URL, Title: a.Title, Start: offset + start, End: offset + end})
		}
		texts = append(texts, string(p.Text))
		offset += n
	}
	report := strings.Join(texts, "") // one part: itself, not a copy
	if report == "" {
		texts = texts[:0]
		for _, p := range parts {
			if p.Type == "refusal" {
				texts = append(texts, p.Refusal)
			}
		}
		report = strings.Join(texts, "")
	}
	provider.NumberCitations(cites)
	return report, cites
}
