package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

func cut(s string, n int) string {
	s = termSafe(s, false)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// names are a job's provider and model by their display names (the
// service fills them; a job without them shows its ids).
func names(j job.Job) (prov, model string) {
	prov, model = j.ProviderDisplay, j.ModelDisplay
	if prov == "" {
		prov = j.Provider
	}
	if model == "" {
		model = j.Model
	}
	return prov, model
}

// modelLine is "o3 deep research on OpenAI (o3-deep-research)": the model
// and provider by name, and the model's id when its name does not show it.
func modelLine(j job.Job) string {
	prov, model := names(j)
	line := model + " on " + prov
	if !strings.Contains(model, j.Model) {
		line += " (" + j.Model + ")"
	}
	return line
}

func (r *runner) describe(j job.Job) {
	w := r.env.Stdout
	fmt.Fprintf(w, "Job       %s (attempt %d)\n", safe(j.ID), j.Attempt)
	fmt.Fprintf(w, "Status    %s\n", termSafe(statusLine(j), false))
	fmt.Fprintf(w, "Model     %s\n", cut(modelLine(j), 120))
	fmt.Fprintf(w, "Prompt    %s\n", cut(j.Title(), 100))
	fmt.Fprintf(w, "Created   %s\n", j.CreatedAt.Local().Format(time.RFC1123))
	if j.ProviderJobID != "" {
		fmt.Fprintf(w, "Provider  %s\n", cut(j.ProviderJobID, 100))
	}
	if j.Status == job.Running {
		fmt.Fprintf(w, "Progress  %d steps, %d searches, %d pages\n", j.Progress.Steps, j.Progress.Searches, j.Progress.Pages)
		if j.Progress.Summary != "" {
			fmt.Fprintf(w, "Now       %s\n", cut(j.Progress.Summary, 100))
		}
	}
	if j.FinishedAt != nil {
		fmt.Fprintf(w, "Finished  %s\n", j.FinishedAt.Local().Format(time.RFC1123))
	}
	if j.CancelNote != "" {
		fmt.Fprintf(w, "Cancel    %s\n", termSafe(j.CancelNote, false))
	}
	if j.Usage.InputTokens+j.Usage.OutputTokens > 0 {
		fmt.Fprintf(w, "Usage     %d input, %d output tokens, %d web searches, $%.2f\n",
			j.Usage.InputTokens, j.Usage.OutputTokens, j.Usage.WebSearchCalls, j.CostUSD)
	}
	if j.ReportPath != "" {
		fmt.Fprintf(w, "Report    %s\n", safe(j.ReportPath))
	}
	if j.OriginID != "" {
		fmt.Fprintf(w, "Imported  with the id %s (not one Deepr makes)\n", safe(j.OriginID))
	}
	if j.ParentID != "" {
		fmt.Fprintf(w, "Follows   %s (%s)\n", safe(j.ParentID), contextLine(j))
	}
	if len(j.Actions) > 0 {
		fmt.Fprintf(w, "Next      %s\n", strings.Join(j.Actions, ", "))
	}
}

// printState prints "ID STATUS", the answer of the commands that change a
// job.
func (r *runner) printState(j job.Job) {
	fmt.Fprintln(r.env.Stdout, safe(j.ID), safe(string(j.Status)))
}

// statusLine is a short human line for a job's state. The provider's own
// status is shown only while the job runs (where it adds information).
func statusLine(j job.Job) string {
	var b strings.Builder
	b.WriteString(string(j.Status))
	if j.ProviderStatus != "" && j.Status == job.Running {
		b.WriteString(" (" + j.ProviderStatus + ")")
	}
	if j.Error != "" {
		b.WriteString(": " + j.Error)
	}
	return b.String()
}

// contextLine says how a follow-up carried its parent's research.
func contextLine(j job.Job) string {
	switch j.ParentContext {
	case job.ContextPrevious:
		return "continues its research at the provider"
	case job.ContextFallback:
		return "the provider no longer kept its research, so its report was sent as context"
	}
	return "its report is sent as context"
}

// describeThread lists the thread of a job that is part of one.
func (r *runner) describeThread(j job.Job, th research.Thread) {
	if len(th.Jobs) < 2 && th.MissingParent == "" {
		return
	}
	w := r.env.Stdout
	fmt.Fprintf(w, "Thread    %d jobs, $%.2f in all\n", len(th.Jobs), th.CostUSD)
	if th.MissingParent != "" {
		fmt.Fprintf(w, "          (follows up on %s, which was deleted)\n", safe(th.MissingParent))
	}
	for _, tj := range th.Jobs {
		mark := " "
		if tj.Job.ID == j.ID {
			mark = "*"
		}
		fmt.Fprintf(w, "        %s %s%s  %-10s $%.2f  %s\n", mark, strings.Repeat("  ", tj.Depth), safe(tj.Job.ID), safe(string(tj.Job.Status)), tj.CostUSD, cut(tj.Job.Title(), 60))
	}
}
