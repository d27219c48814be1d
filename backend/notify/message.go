package notify

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/deepr-desktop/deepr/backend/job"
)

// View says what a click on a notification opens.
type View string

const (
	// ViewReport opens the job's report (completed and incomplete jobs:
	// the partial result of an incomplete one is saved).
	ViewReport View = "report"
	// ViewDetails opens the job's details in the queue (failed and
	// unconfirmed jobs: there is no report, the error and the
	// resubmit button are what the user needs).
	ViewDetails View = "details"
	// ViewQueue shows the window on the queue (a summary of many jobs).
	ViewQueue View = "queue"
)

// Target is what a notification opens when clicked. JobID is empty for
// ViewQueue.
type Target struct {
	JobID string `json:"jobId,omitempty"`
	View  View   `json:"view"`
}

// Note is one notification as the platform sends it: plain text (no
// markup) and what a click opens.
type Note struct {
	Title  string
	Body   string
	Target Target
}

// targetFor says what clicking j's notification opens.
func targetFor(j job.Job) Target {
	switch j.Status {
	case job.Completed, job.Incomplete:
		return Target{JobID: j.ID, View: ViewReport}
	default:
		return Target{JobID: j.ID, View: ViewDetails}
	}
}

// actionLabel is the button text for a target.
func actionLabel(t Target) string {
	switch t.View {
	case ViewReport:
		return "Open report"
	case ViewDetails:
		return "Show details"
	default:
		return "Show Deepr"
	}
}

// Summary returns the one notification that stands for many ended jobs,
// counting them by outcome, e.g. "12 research jobs ended" / "9 ready,
// 2 failed, 1 needs your attention". A click shows the queue.
func Summary(jobs []job.Job) Note {
	var ready, incomplete, failed, attention int
	for _, j := range jobs {
		switch j.Status {
		case job.Completed:
			ready++
		case job.Incomplete:
			incomplete++
		case job.Failed:
			failed++
		default:
			attention++
		}
	}
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(ready, "ready")
	add(incomplete, "incomplete")
	add(failed, "failed")
	if attention == 1 {
		parts = append(parts, "1 needs your attention")
	} else {
		add(attention, "need your attention")
	}
	return Note{
		Title:  fmt.Sprintf("%d research jobs ended", len(jobs)),
		Body:   strings.Join(parts, ", ") + ". Open Deepr to see them.",
		Target: Target{View: ViewQueue},
	}
}

// Message returns the notification for a job, in plain text (no markup):
//
//	Completed   -> "Research ready", the prompt's title
//	Incomplete  -> "Research incomplete", title and why it stopped
//	Failed      -> "Research failed", title and the error, shortened
//	Unconfirmed -> "Research needs your attention", title and what to do
//
// Other statuses give ("", ""): nothing to announce. Bodies are at most
// MaxBody characters, on one line.
func Message(j job.Job) (title, body string) {
	name := j.Title()
	if name == "" {
		name = "Untitled research"
	}
	var detail string
	switch j.Status {
	case job.Completed:
		return "Research ready", cut(name, MaxBody)
	case job.Incomplete:
		title, detail = "Research incomplete", oneLine(j.Error)
		if detail == "" {
			detail = "stopped before finishing; the partial result is saved"
		}
	case job.Failed:
		title, detail = "Research failed", oneLine(j.Error)
		if detail == "" {
			detail = "no error message; open Deepr to resubmit it"
		}
	case job.Unconfirmed:
		title, detail = "Research needs your attention", "may have been sent; resubmit or dismiss"
	default:
		return "", ""
	}
	// Keep room for the detail: the title gets at most half the body.
	name = cut(name, MaxBody/2)
	return title, cut(name+": "+detail, MaxBody)
}

// oneLine collapses every run of whitespace and control characters into
// one space.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// cut shortens s to at most n characters, ending with "…" when cut.
func cut(s string, n int) string {
	s = oneLine(s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
