// Package provider holds the provider-neutral vocabulary of a deep-research
// backend: what is sent (Request), what comes back (Snapshot) and how a
// failed call is classified (Error). Concrete providers live in
// sub-packages; the interface they satisfy is owned by the worker.
package provider

import (
	"errors"
	"fmt"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// Request is one research submission.
type Request struct {
	JobID           string // local job id, sent as metadata
	Prompt          string
	Model           string
	Instructions    string // empty: the provider's default research brief
	WebSearch       bool
	CodeInterpreter bool
	MaxToolCalls    int
	// Attempt counts deliberate submissions of this job, from 0. It is
	// part of the idempotency key of providers that honour one
	// (Perplexity: JobID + "-" + Attempt), so a create repeated with the
	// same JobID and Attempt is answered with the run it already made.
	// Keep it unchanged when re-sending after a rate limit or an
	// unconfirmed submission; increase it only for a new paid run
	// (resubmit).
	Attempt int
	// Parent is the research this request follows up on; nil for new
	// research.
	Parent *Parent
}

// Parent is what a follow-up continues. With ResponseID set, providers
// that keep conversations continue the stored one (OpenAI and Azure
// previous_response_id, Gemini previous_interaction_id) and send only the
// new prompt; without it (or on a provider that keeps none: Perplexity),
// the parent's Prompt and Report are sent as context before the new
// prompt. A provider that answers that the stored response is gone
// returns a *Error of KindContextGone, and nothing was created.
type Parent struct {
	ResponseID string
	Prompt     string
	Report     string
}

// ContextText is the parent's question and report as one text, for
// providers that take a single input: the earlier research first, then
// the follow-up prompt.
func ContextText(p Parent, prompt string) string {
	return "Earlier research this request follows up on.\n\nQuestion:\n" + p.Prompt +
		"\n\nReport:\n" + p.Report + "\n\nFollow-up request:\n" + prompt
}

// Provider statuses as the OpenAI Responses API reports them. Other
// providers map their own vocabulary onto these.
const (
	StatusQueued     = "queued"
	StatusInProgress = "in_progress"
	StatusCompleted  = "completed"
	StatusFailed     = "failed"
	StatusCancelled  = "cancelled"
	StatusIncomplete = "incomplete"
)

// Snapshot is what the provider says about one job at one moment.
type Snapshot struct {
	ID               string // provider's job id
	JobID            string // the local job id the create call was tagged with (metadata), "" if none
	Status           string // provider's raw status (see Status* constants; may be unknown)
	Progress         job.Progress
	Report           string         // markdown report text (may be partial when incomplete)
	Citations        []job.Citation // character offsets into Report
	Usage            job.Usage
	ErrorCode        string
	ErrorMessage     string
	IncompleteReason string
	Raw              []byte // the provider's raw JSON, kept for debugging
	// CostUSD is the cost the provider itself reports for the run, in US
	// dollars (Perplexity does); 0 means "not reported: compute it from
	// Usage with the provider's price table".
	CostUSD float64
	// Model is the model the provider says ran the job, when it says
	// (Azure reports the model behind a deployment name); "" when not
	// reported. Useful for pricing a deployment whose name is not a model.
	Model string
	// ProviderStatus is the provider's own status word when Status maps
	// it onto one of the Status* constants (Gemini's budget_exceeded is
	// StatusIncomplete); "" when Status is the provider's word itself.
	ProviderStatus string
	// Untagged is true when the provider keeps the job-id tag of every
	// create and this run carries none (a Gemini interaction without a
	// deepr_job_id label): no Deepr job created it, so none may adopt it.
	Untagged bool
}

// KeptStatus is what a job records as its provider_status: the
// provider's own word for its status.
func (s Snapshot) KeptStatus() string {
	if s.ProviderStatus != "" {
		return s.ProviderStatus
	}
	return s.Status
}

// Kind classifies a failed provider call by what the caller may safely do next.
type Kind int

const (
	// KindNotSent: provably nothing reached the provider (connection refused,
	// DNS failure). Retry later; a queued job stays queued.
	KindNotSent Kind = iota + 1
	// KindRateLimited: 429 rate_limit_exceeded. Nothing was created; retry
	// after RetryAfter.
	KindRateLimited
	// KindQuota: 429 insufficient_quota. The account is out of credit; fail.
	KindQuota
	// KindRejected: 400/404/422 on create. The provider refused the request;
	// fail with its message.
	KindRejected
	// KindAuth: 401/403. The key is rejected; pause everything.
	KindAuth
	// KindAmbiguous: a create call that may have reached the provider (5xx,
	// timeout, reset). Never retry: the job becomes unconfirmed.
	KindAmbiguous
	// KindNotFound: 404 on a fetch of a known id: the provider no longer has it.
	KindNotFound
	// KindTransient: any other error on a fetch or cancel. Back off and retry.
	KindTransient
	// KindContextGone: a follow-up's create was refused because the
	// provider no longer keeps the parent's response (404, expired).
	// Nothing was created: send it again with the parent's report as
	// context.
	KindContextGone
)

func (k Kind) String() string {
	switch k {
	case KindNotSent:
		return "not-sent"
	case KindRateLimited:
		return "rate-limited"
	case KindQuota:
		return "quota"
	case KindRejected:
		return "rejected"
	case KindAuth:
		return "auth"
	case KindAmbiguous:
		return "ambiguous"
	case KindNotFound:
		return "not-found"
	case KindTransient:
		return "transient"
	case KindContextGone:
		return "context-gone"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is a classified provider failure. Message is written for the user:
// what went wrong and what to do.
type Error struct {
	Kind       Kind
	Op         string // "create", "get", "cancel"
	HTTPStatus int    // 0 when no response came back
	Code       string // provider error code, if any
	Message    string
	RetryAfter time.Duration // from Retry-After, when given
	Err        error         // underlying error
}

func (e *Error) Error() string {
	if e.HTTPStatus > 0 {
		return fmt.Sprintf("%s: %s (HTTP %d)", e.Op, e.Message, e.HTTPStatus)
	}
	return fmt.Sprintf("%s: %s", e.Op, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err, or KindTransient when err is not a *Error.
func KindOf(err error) Kind {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return KindTransient
}
