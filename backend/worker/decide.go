package worker

import (
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// outcome is what one poll of a running job means locally.
type outcome struct {
	// status is the new local status; job.Running means "keep polling".
	status job.Status
	// err is the job's error text for a final state ("" when none).
	err string
	// report means the snapshot's text is saved as the job's report.
	report bool
	// unknown marks a provider status this version does not know. The job
	// keeps running (it is never dropped, never finished on a guess).
	unknown bool
	// usageLate marks a run cancelled at the user's request whose usage
	// the provider has not reported yet: the poll may wait a little for it
	// (see settle) before the job ends with no cost known.
	usageLate bool
}

// decide maps what the provider says about a running job to a local
// outcome. It is the only place that turns a provider status into a final
// state, so every documented status is handled here and table-tested.
func decide(j job.Job, s provider.Snapshot) outcome {
	name := displayName(j.Provider)
	switch s.Status {
	case provider.StatusQueued, provider.StatusInProgress:
		return outcome{status: job.Running}
	case provider.StatusCompleted:
		if strings.TrimSpace(s.Report) == "" {
			return outcome{status: job.Failed, err: name + " finished with no report text: nothing to save. Resubmit the job to try again."}
		}
		return outcome{status: job.Completed, report: true}
	case provider.StatusIncomplete:
		reason := s.IncompleteReason
		if reason == "" {
			reason = "no reason given"
		}
		advice := "Start it again as new research to retry."
		switch reason {
		case "max_output_tokens":
			advice = "The report hit the output limit: a narrower question usually fits."
		case "content_filter":
			advice = "A content filter stopped it: rephrasing the question may help."
		}
		if s.IncompleteReason != "" && s.ErrorCode == s.IncompleteReason && s.ErrorMessage != "" {
			advice = s.ErrorMessage // the provider explains its own reason (Gemini's budget_exceeded)
		}
		o := outcome{status: job.Incomplete, report: strings.TrimSpace(s.Report) != ""}
		if o.report {
			o.err = fmt.Sprintf("%s stopped before finishing (%s); the partial report is saved. %s", name, reason, advice)
		} else {
			o.err = fmt.Sprintf("%s stopped before finishing (%s) and returned no text. %s", name, reason, advice)
		}
		return o
	case provider.StatusFailed:
		msg := s.ErrorMessage
		if msg == "" {
			msg = "no message given"
		}
		if s.ErrorCode != "" {
			msg = s.ErrorCode + ": " + msg
		}
		return outcome{status: job.Failed, err: fmt.Sprintf("%s failed the job (%s). Resubmit it to try again.", name, strings.TrimRight(msg, ". "))}
	case provider.StatusCancelled:
		switch {
		case j.CancelRequestedAt == nil:
			return outcome{status: job.Cancelled, err: "Cancelled at " + name + ", not from this app. Resubmit it to run it again."}
		case usageKnown(s):
			return outcome{status: job.Cancelled, err: job.MsgCancelled}
		}
		return outcome{status: job.Cancelled, usageLate: true, err: job.MsgCancelled + " " + noUsage(name)}
	}
	return outcome{status: job.Running, unknown: true}
}

// noUsage says that provider name reported no usage for a run that ended,
// and where to see what it charged.
func noUsage(name string) string {
	return fmt.Sprintf("%s reported no usage for the run, so no cost is recorded for it here: %s's billing page shows what it charged.", name, name)
}
