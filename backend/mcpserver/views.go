package mcpserver

import (
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

// ReportURI is the resource address of a job's report.
func ReportURI(id string) string { return "deepr://reports/" + id }

// reportTemplate is the resource template of every report.
const reportTemplate = "deepr://reports/{job_id}"

// RunOptions are the research options an assistant may give.
type RunOptions struct {
	WebSearch       *bool `json:"web_search,omitempty" jsonschema:"search the web (default true: deep-research models need a data source)"`
	CodeInterpreter bool  `json:"code_interpreter,omitempty" jsonschema:"let the model run code on what it found (OpenAI and Azure only)"`
	MaxToolCalls    int   `json:"max_tool_calls,omitempty" jsonschema:"the most tool calls (searches, page reads) the run may make, where the model honours a limit; fewer costs less (default 40)"`
}

// Range is an estimate in dollars.
type Range struct {
	LowUSD  float64 `json:"low_usd"`
	HighUSD float64 `json:"high_usd" jsonschema:"the most the run is expected to cost: reserved against the monthly budget until its cost is known"`
	Basis   string  `json:"basis" jsonschema:"what the estimate rests on"`
}

func rangeOf(r cost.Range) Range { return Range{LowUSD: r.LowUSD, HighUSD: r.HighUSD, Basis: r.Basis} }

// Progress is what the provider reported of a running job.
type Progress struct {
	Steps    int    `json:"steps"`
	Searches int    `json:"searches"`
	Pages    int    `json:"pages"`
	Now      string `json:"now,omitempty" jsonschema:"what the run is doing now, in the provider's words"`
}

// JobView is a job as an assistant sees it.
type JobView struct {
	JobID    string   `json:"job_id"`
	Status   string   `json:"status" jsonschema:"queued, submitting, running, completed, incomplete, failed, cancelled or unconfirmed"`
	Active   bool     `json:"active" jsonschema:"true while Deepr still works on it (queued, submitting, running)"`
	Title    string   `json:"title"`
	Provider string   `json:"provider"`
	Model    string   `json:"model"`
	Progress Progress `json:"progress"`
	CostUSD  float64  `json:"cost_usd" jsonschema:"what the run has cost so far (known when it ends)"`
	Message  string   `json:"message,omitempty" jsonschema:"why it failed, stopped early or waits"`
	Created  string   `json:"created_at"`
	Finished string   `json:"finished_at,omitempty"`
	Assisted bool     `json:"from_assistant,omitempty" jsonschema:"true when an AI assistant submitted it"`
}

func viewOf(j job.Job) JobView {
	v := JobView{JobID: j.ID, Status: string(j.Status), Active: j.Active, Title: j.DisplayTitle, Provider: j.Provider, Model: j.Model,
		Progress: Progress{Steps: j.Progress.Steps, Searches: j.Progress.Searches, Pages: j.Progress.Pages, Now: j.Progress.Summary},
		CostUSD:  j.CostUSD, Created: stamp(j.CreatedAt), Assisted: j.Via == job.ViaAssistant}
	if j.FinishedAt != nil {
		v.Finished = stamp(*j.FinishedAt)
	}
	for _, m := range []string{j.Error, j.Waiting, j.CancelNote} {
		if m != "" {
			v.Message = m
			break
		}
	}
	return v
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// line is a job in one line of text.
func line(v JobView) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s] %s (%s/%s)", v.JobID, v.Status, v.Title, v.Provider, v.Model)
	if v.Status == string(job.Running) && (v.Progress.Searches > 0 || v.Progress.Pages > 0) {
		fmt.Fprintf(&b, ", %d searches, %d pages", v.Progress.Searches, v.Progress.Pages)
	}
	if v.CostUSD > 0 {
		fmt.Fprintf(&b, ", %s", cost.FormatUSD(v.CostUSD))
	}
	if v.Message != "" {
		fmt.Fprintf(&b, ": %s", v.Message)
	}
	return b.String()
}
