// Package job defines a research job, its states and the only legal moves
// between them. Every package that changes a job's status goes through
// CheckTransition, so the state machine lives in exactly one place.
package job

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Status is the local state of a research job. The string values are part of
// the CLI's JSON contract and the UI's; never rename them.
type Status string

const (
	// Queued: saved locally, waiting for the poller and for a free submission
	// slot. Comes from a new submission or a resubmit. Goes to Submitting,
	// Cancelled, or Failed (outlived the maximum job age).
	Queued Status = "queued"

	// Submitting: committed BEFORE the create call is sent (write-ahead), so a
	// crash mid-call is visible. Goes to Running (provider returned an id),
	// Queued (provably nothing was created: connection refused, 429),
	// Failed (the provider rejected the request) or Unconfirmed (ambiguous).
	Submitting Status = "submitting"

	// Running: the provider accepted the job and its id is saved. Goes to
	// any final state, or stays Running while progress changes.
	Running Status = "running"

	// Completed: report, citations, usage and cost saved. Final.
	Completed Status = "completed"

	// Incomplete: the provider stopped early; partial text and the reason
	// are saved. Final.
	Incomplete Status = "incomplete"

	// Failed: the provider failed or rejected the job, produced no report,
	// forgot the id, or the job outlived its maximum age. Final, but may be
	// resubmitted (back to Queued).
	Failed Status = "failed"

	// Cancelled: the user cancelled or dismissed it. Final, but may be
	// resubmitted. The local state wins over whatever the provider says later.
	Cancelled Status = "cancelled"

	// Unconfirmed: the create call may have reached the provider but no id
	// came back. Never retried automatically (a second create may be billed
	// twice): the user resubmits (Queued), dismisses it (Cancelled), or the
	// run is adopted (Running) once its provider id is known, from a
	// verified webhook or pasted by the user.
	Unconfirmed Status = "unconfirmed"
)

// ViaAssistant marks a job or a helper call that an AI assistant asked
// for through Deepr's MCP server (Job.Via).
const ViaAssistant = "assistant"

// MsgCancelled is the error text of a job the user cancelled.
const MsgCancelled = "Cancelled by the user."

// All lists every status, in lifecycle order.
var All = []Status{Queued, Submitting, Running, Completed, Incomplete, Failed, Cancelled, Unconfirmed}

// transitions is the whole state machine: from -> allowed targets.
var transitions = map[Status][]Status{
	Queued:      {Queued, Submitting, Cancelled, Failed},
	Submitting:  {Running, Queued, Failed, Unconfirmed},
	Running:     {Running, Completed, Incomplete, Failed, Cancelled},
	Failed:      {Queued},
	Cancelled:   {Queued},
	Unconfirmed: {Queued, Cancelled, Running},
	Completed:   {},
	Incomplete:  {},
}

// ErrIllegalTransition is returned (wrapped) by CheckTransition.
var ErrIllegalTransition = errors.New("illegal job state transition")

// CheckTransition reports whether a job may move from one status to another.
// Staying in Queued or Running (to record progress or a new poll time) is
// legal; every other self-move and every move out of Completed or
// Incomplete is not.
func CheckTransition(from, to Status) error {
	for _, s := range transitions[from] {
		if s == to {
			return nil
		}
	}
	return fmt.Errorf("%w: %s -> %s", ErrIllegalTransition, from, to)
}

// ErrNoProviderID is returned (wrapped) by CheckMove for a move to Running
// without a provider id: a job runs only once the provider has named it.
var ErrNoProviderID = errors.New("a running job needs its provider id")

// CheckMove checks a whole change of a job: the status move (CheckTransition)
// and what the target state requires (a move into Running needs the
// provider id). Stores call it on every update.
func CheckMove(from Status, next Job) error {
	if from != next.Status {
		if err := CheckTransition(from, next.Status); err != nil {
			return err
		}
	}
	if from != Running && next.Status == Running && strings.TrimSpace(next.ProviderJobID) == "" {
		return fmt.Errorf("%w: %s -> %s", ErrNoProviderID, from, next.Status)
	}
	return nil
}

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	_, ok := transitions[s]
	return ok
}

// Active reports whether the poller still has work to do for the job:
// submit it (Queued), resolve a crash (Submitting) or poll it (Running).
func (s Status) Active() bool {
	return s == Queued || s == Submitting || s == Running
}

// Final reports whether the job has reached an end state. Unconfirmed is
// neither active nor final: it waits for the user.
func (s Status) Final() bool {
	return s == Completed || s == Incomplete || s == Failed || s == Cancelled
}

// OpenStatuses are the statuses that are not final: the jobs the poller or
// the user still has to act on (the Queue's Active section; "open" in a
// status filter).
func OpenStatuses() []Status {
	var out []Status
	for _, s := range []Status{Queued, Submitting, Running, Unconfirmed, Completed, Incomplete, Failed, Cancelled} {
		if !s.Final() {
			out = append(out, s)
		}
	}
	return out
}

// Resubmittable reports whether the user may start a new attempt.
func (s Status) Resubmittable() bool {
	return s == Failed || s == Cancelled || s == Unconfirmed
}

// ParseStatus turns user input into a Status, naming the valid values on error.
func ParseStatus(v string) (Status, error) {
	s := Status(strings.ToLower(strings.TrimSpace(v)))
	if s.Valid() {
		return s, nil
	}
	names := make([]string, len(All))
	for i, a := range All {
		names[i] = string(a)
	}
	return "", fmt.Errorf("unknown status %q: use one of %s", v, strings.Join(names, ", "))
}

// Progress is what the provider has done so far on a running job.
type Progress struct {
	Steps    int    `json:"steps"`
	Searches int    `json:"searches"`
	Pages    int    `json:"pages"`
	Summary  string `json:"summary"` // latest reasoning-summary text, "now doing"
}

// Usage is the token and tool accounting of a finished (or partial) run.
type Usage struct {
	InputTokens     int64 `json:"input_tokens"`
	CachedTokens    int64 `json:"cached_tokens"`
	OutputTokens    int64 `json:"output_tokens"` // includes reasoning tokens
	ReasoningTokens int64 `json:"reasoning_tokens"`
	WebSearchCalls  int64 `json:"web_search_calls"`
}

// Citation is one source cited by a report. Start and End are CHARACTER
// (rune) indexes into the report text, End exclusive. Index is 1-based in
// order of first appearance.
type Citation struct {
	Index int    `json:"index"`
	URL   string `json:"url"`
	Title string `json:"title"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Options are the research settings chosen at submission.
type Options struct {
	WebSearch       bool `json:"web_search"`
	CodeInterpreter bool `json:"code_interpreter"`
	MaxToolCalls    int  `json:"max_tool_calls"`
	// EditedFrom is the job this one was edited from ("Edit and
	// resubmit"), "" for a new request.
	EditedFrom string `json:"edited_from,omitempty"`
}

// How a follow-up carries its parent's context (Job.ParentContext).
const (
	// ContextPrevious: the provider's stored conversation is continued
	// (OpenAI and Azure previous_response_id, Gemini
	// previous_interaction_id).
	ContextPrevious = "previous_response"
	// ContextReport: the parent's question and report are sent as
	// context in the input (Perplexity, or a parent on another provider).
	ContextReport = "report"
	// ContextFallback: the provider no longer kept the parent's response
	// (404 or expired), so its question and report were sent as context
	// instead.
	ContextFallback = "report_fallback"
)

// Job is one research request and everything known about it. Its JSON form
// is the CLI's and the UI's job object.
type Job struct {
	ID             string     `json:"id"`
	Status         Status     `json:"status"`
	Provider       string     `json:"provider"`
	Model          string     `json:"model"`
	Prompt         string     `json:"prompt"`
	Options        Options    `json:"options"`
	ProviderJobID  string     `json:"provider_job_id"`
	ProviderStatus string     `json:"provider_status"`
	Attempt        int        `json:"attempt"`
	Error          string     `json:"error"`
	Progress       Progress   `json:"progress"`
	Usage          Usage      `json:"usage"`
	CostUSD        float64    `json:"cost_usd"`
	CreatedAt      time.Time  `json:"created_at" ts_type:"string"`
	QueuedAt       time.Time  `json:"queued_at" ts_type:"string"` // the current attempt (submit, resubmit); the max job age counts from it
	UpdatedAt      time.Time  `json:"updated_at" ts_type:"string"`
	SubmittedAt    *time.Time `json:"submitted_at" ts_type:"string"`
	FinishedAt     *time.Time `json:"finished_at" ts_type:"string"`
	NextPollAt     time.Time  `json:"next_poll_at" ts_type:"string"`
	PollErrors     int        `json:"poll_errors"` // consecutive transient errors, for backoff
	ReportPath     string     `json:"report_path"`
	Version        int64      `json:"version"`

	// OriginID is the id the job had in the folder it was imported from,
	// when that id was not one Deepr makes (ValidID) and the job was given
	// a new one; "" otherwise. Provenance only: control characters are
	// removed and it is cut short (see library.Import).
	OriginID string `json:"origin_id,omitempty"`

	// Clarified is what the user wrote when the prompt is a research
	// brief a helper model wrote from it (nil otherwise): their own
	// question, which titles the job, and their answers to the helper's
	// questions. Kept in the job and its report folder's metadata.json.
	Clarified *Clarified `json:"clarified,omitempty"`
	// Via says through which face the job was submitted: "" for the
	// window and the CLI, ViaAssistant for an AI assistant (deepr mcp).
	// It is recorded with every attempt's cost, so spend shows it.
	Via string `json:"via,omitempty"`

	// ParentID is the job this one follows up on ("Go deeper"), "" for
	// new research.
	ParentID string `json:"parent_id"`
	// ParentContext says how a follow-up carries its parent's context to
	// the provider (one of the Context* values); "" for new research.
	ParentContext string `json:"parent_context"`

	// MaxCostUSD is the job's own cost cap in dollars (0: none), set with
	// its budget check. It belongs to the job: a resubmit keeps it and an
	// edit ("Edit and resubmit") starts from it.
	MaxCostUSD float64 `json:"max_cost_usd"`

	// CancelRequestedAt is when the user cancelled the job while it ran at
	// the provider (nil: never, in this attempt). The job stays Running
	// until the provider says how the run ended, so what it used is
	// recorded and, where the provider cannot stop a run, its report is
	// kept; cancel is not offered again. A resubmit clears it.
	CancelRequestedAt *time.Time `json:"cancel_requested_at" ts_type:"string"`
	// CancelPrompt is what a face asks before cancelling the job, naming
	// its provider ("" when cancel is not among Actions). Derived like
	// Actions.
	CancelPrompt string `json:"cancel_prompt"`
	// CancelNote says what became of a cancel asked for while the job ran
	// ("" when none was). Derived like Actions.
	CancelNote string `json:"cancel_note"`

	// Waiting says, for a queued job, why it has not been sent yet and
	// when it is tried next ("" otherwise). Derived like Actions.
	Waiting string `json:"waiting"`

	// ProviderDisplay and ModelDisplay are the provider's and the model's
	// display names (the provider's spec, the model catalogue; an Azure
	// deployment also names the model it stands for), so a face tells an
	// Azure run from an OpenAI one without a copy of either. Derived like
	// Actions.
	ProviderDisplay string `json:"provider_display"`
	ModelDisplay    string `json:"model_display"`

	// Actions are what the user can do with the job now (see ActionsFor).
	// They are derived, never stored: the research service fills them in
	// every job it hands to a face or an event.
	Actions []Action `json:"actions"`
	// Active says whether the poller still has work to do for the job
	// (Status.Active), HasReport whether a report text is saved, and
	// DisplayTitle is the job's one title (Title). Derived like Actions.
	Active       bool   `json:"active"`
	Final        bool   `json:"final"` // Status.Final: nothing more happens without the user
	HasReport    bool   `json:"has_report"`
	DisplayTitle string `json:"title"`
}

// Clarified is the user's own request behind a research brief.
type Clarified struct {
	Question string   `json:"question"`
	Answers  []Answer `json:"answers,omitempty"`
}

// Answer is the user's answer to one of the helper model's questions.
type Answer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Title is a short one-line title: the user's own question, from the
// prompt or, for a brief written from it, from Clarified.
func (j Job) Title() string {
	if j.Clarified != nil && strings.TrimSpace(j.Clarified.Question) != "" {
		return TitleFrom(j.Clarified.Question)
	}
	return TitleFrom(j.Prompt)
}

// TitleMax is the most characters a title has (TitleFrom).
const TitleMax = 80

// Tool-call limits of a request, where its model honours one: the default
// when none is given, and the range a user may choose from.
const (
	DefaultMaxToolCalls = 40
	MinMaxToolCalls     = 1
	MaxMaxToolCalls     = 200
)

// TitleFrom returns the first line of a prompt, cut to TitleMax characters.
func TitleFrom(prompt string) string {
	t := strings.TrimSpace(prompt)
	if i := strings.IndexAny(t, "\r\n"); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	r := []rune(t)
	if len(r) > TitleMax {
		t = strings.TrimSpace(string(r[:TitleMax-1])) + "…"
	}
	return t
}
