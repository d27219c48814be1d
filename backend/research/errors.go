package research

import (
	"errors"
	"fmt"

	"github.com/deepr-desktop/deepr/backend/job"
)

// The kinds of error the service returns. Match them with errors.Is; an
// *Error carries the details a face needs to phrase it in its own words.
var (
	// ErrNotFound: no job with that id or prefix.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the input is wrong; Error.Field names what to fix.
	ErrInvalid = errors.New("invalid input")
	// ErrNotFinished: the job has no report yet (it is still active).
	ErrNotFinished = errors.New("not finished")
	// ErrNotAllowed: the job's state does not allow that step now.
	ErrNotAllowed = errors.New("not allowed in this state")
	// ErrProvider: the provider refused or could not be reached.
	ErrProvider = errors.New("provider error")
	// ErrSpendOff: an AI assistant asked for paid work while the user has
	// not allowed assistants to spend (DEEPR_MCP_ALLOW_SPEND).
	ErrSpendOff = errors.New("assistants may not spend")
)

// Error is a service error: a kind (one of the Err* values above), the
// field or job it concerns, and a message for the user that names no
// face-specific step (no CLI command, no button).
type Error struct {
	Kind   error
	Field  string     // ErrInvalid: the input field, e.g. "prompt", "model", "status"
	JobID  string     // the job concerned, if any
	Status job.Status // the job's status, when it matters
	Msg    string
	Err    error // the underlying cause, if any
}

func (e *Error) Error() string { return e.Msg }

// Is matches the kind, so errors.Is(err, ErrNotFound) works.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func invalid(field, format string, a ...any) *Error {
	return &Error{Kind: ErrInvalid, Field: field, Msg: fmt.Sprintf(format, a...)}
}

func notAllowed(j job.Job, format string, a ...any) *Error {
	return &Error{Kind: ErrNotAllowed, JobID: j.ID, Status: j.Status, Msg: fmt.Sprintf(format, a...)}
}

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsInputError reports whether err is about the input itself (ErrInvalid
// on a field the user typed, such as the prompt), so retrying without
// the helper model would fail the same way.
func IsInputError(err error) bool {
	e, ok := AsError(err)
	return ok && errors.Is(e, ErrInvalid) && (e.Field == "prompt" || e.Field == "question")
}

// ErrorView is an error as the window takes it, as data: its kind (one of
// errorKinds' names, "internal" for any other error), the input field it
// names (for ErrInvalid) and the message.
type ErrorView struct {
	Kind    string `json:"kind"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// errorKinds is the one table from a kind to its name across the boundary.
var errorKinds = []struct {
	kind error
	name string
}{
	{ErrInvalid, "invalid"},
	{ErrNotFound, "not_found"},
	{ErrNotFinished, "not_finished"},
	{ErrNotAllowed, "not_allowed"},
	{ErrProvider, "provider"},
	{ErrOverBudget, "over_budget"},
	{ErrSpendOff, "spend_not_allowed"},
}

// AsView maps err to its ErrorView; nil for nil. The message is written
// as a sentence (capital first, full stop last), as the window shows it.
func AsView(err error) *ErrorView {
	if err == nil {
		return nil
	}
	v := &ErrorView{Kind: "internal", Message: sentence(err.Error())}
	for _, k := range errorKinds {
		if errors.Is(err, k.kind) {
			v.Kind = k.name
			break
		}
	}
	if e, ok := AsError(err); ok {
		v.Field = e.Field
	}
	return v
}
