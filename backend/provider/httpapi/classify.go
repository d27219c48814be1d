package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/deepr-desktop/deepr/backend/provider"
)

// Retry-After handling for 429 answers.
const (
	defaultRetryAfter = 30 * time.Second
	maxRetryAfter     = 10 * time.Minute
	minRetryAfter     = time.Second
)

// Service names a provider in the messages written for the user.
type Service struct {
	Name    string // "OpenAI", "Azure OpenAI", "Gemini", "Perplexity"
	KeyVar  string // the key's environment variable, e.g. "GEMINI_API_KEY"
	Console string // where the user sees their runs, e.g. "platform.openai.com/logs"
	// Quota is the whole message for an account out of credit.
	Quota string
	// Thing is what one job is called there: "response", "interaction".
	Thing string
	// CheckWhat is what CheckKey reads: "model list".
	CheckWhat string
	// Address is what Settings calls the provider's address: "base URL"
	// when empty, "Azure endpoint" for Azure.
	Address string
}

// AmbiguousAdvice is the sentence added to every create failure that may
// have reached the provider.
func (s Service) AmbiguousAdvice() string {
	return " It may have reached " + s.Name + " and be running (and billed) there, so it is not retried " +
		"automatically: check " + s.Console + ", then resubmit or dismiss the job."
}

// NoKey is the error for a call made without an API key: nothing is sent.
func (s Service) NoKey(op string) *provider.Error {
	return &provider.Error{Kind: provider.KindAuth, Op: op,
		Message: "no " + s.Name + " API key is set. Set one in Settings or " + s.KeyVar + "."}
}

// Stopped is the error for a create whose context ended before anything
// was sent.
func (s Service) Stopped(err error) *provider.Error {
	return &provider.Error{Kind: provider.KindNotSent, Op: "create", Err: err,
		Message: "the submission was stopped before anything was sent to " + s.Name + "; it will be sent later"}
}

// Transport classifies a call that got no complete answer. op is
// "create", "get", "cancel" or "check". Only a failure that proves nothing
// was sent is KindNotSent; on a create anything else is KindAmbiguous.
func (s Service) Transport(op string, err error) *provider.Error {
	e := &provider.Error{Op: op, Err: err}
	switch {
	case NotSent(err) || IsEncodeError(err):
		e.Kind = provider.KindNotSent
		e.Message = "could not connect to " + s.Name + ", so nothing was sent (" + Short(err) + "). " +
			"Check the network connection and the base URL in Settings."
	case op == "create":
		e.Kind = provider.KindAmbiguous
		e.Message = "the submission got no answer from " + s.Name + " (" + Cause(err) + ")." + s.AmbiguousAdvice()
	default:
		e.Kind = provider.KindTransient
		e.Message = s.Name + " did not answer the " + OpName(op) + " (" + Cause(err) + ")"
	}
	return e
}

// Answer is an HTTP error answer, as the caller read it.
type Answer struct {
	Status int
	Header http.Header
	Code   string // the provider's error code, kept in provider.Error.Code
	Detail string // the provider's message (redacted here)
	// Quota marks an answer that says the account is out of credit.
	Quota bool
	// Auth marks an answer that says the key is not valid, whatever its
	// status (Google answers a bad key with 400 API_KEY_INVALID).
	Auth bool
}

// Status classifies an HTTP error answer to op.
func (s Service) Status(op string, a Answer) *provider.Error {
	e := &provider.Error{Op: op, HTTPStatus: a.Status, Code: a.Code}
	detail := Redact(strings.TrimSpace(a.Detail))
	e.Err = fmt.Errorf("HTTP %d: %s", a.Status, detail)
	switch st := a.Status; {
	case a.Quota:
		e.Kind = provider.KindQuota
		e.Message = s.Quota
	case st == http.StatusTooManyRequests:
		e.Kind = provider.KindRateLimited
		e.RetryAfter = RetryAfter(a.Header)
		e.Message = fmt.Sprintf("%s is rate-limiting requests and asks to wait %s", s.Name, e.RetryAfter)
	case a.Auth || st == http.StatusUnauthorized || st == http.StatusForbidden:
		e.Kind = provider.KindAuth
		e.Message = fmt.Sprintf("%s rejected the API key (%d). Set a new key in Settings or %s.", s.Name, st, s.KeyVar)
	case op == "create" && (st == http.StatusRequestTimeout || st >= 500):
		e.Kind = provider.KindAmbiguous
		e.Message = s.Name + " answered the submission with a server error" + InParens(detail) + "." + s.AmbiguousAdvice()
	case op == "create" && st >= 400 && st < 500:
		e.Kind = provider.KindRejected
		if detail == "" {
			detail = http.StatusText(st)
		}
		e.Message = s.Name + " rejected the request: " + detail
	case (op == "get" || op == "cancel") && st == http.StatusNotFound:
		e.Kind = provider.KindNotFound
		e.Message = s.Name + " no longer has this " + s.Thing + " (404); it may have expired or been deleted. " +
			"Resubmit the job to run it again."
	case op == "check" && st == http.StatusNotFound:
		e.Kind = provider.KindTransient
		// Nothing of the provider is at this address: the key was never
		// looked at, so it must not be blamed.
		addr := s.Address
		if addr == "" {
			addr = "base URL"
		}
		e.Message = s.Name + "'s " + s.CheckWhat + " is not at this " + addr + " (404), so the key was not checked. " +
			"Check the " + addr + " in Settings."
	default:
		e.Kind = provider.KindTransient
		e.Message = s.Name + " answered the " + OpName(op) + " with an error" + InParens(detail)
	}
	return e
}

// Scrub removes key from e's message and underlying error text. Keys
// shorter than 8 characters are not searched for (they would match words).
func Scrub(e *provider.Error, key string) *provider.Error {
	if e == nil || len(key) < 8 {
		return e
	}
	e.Message = strings.ReplaceAll(e.Message, key, "[redacted]")
	if e.Err != nil && strings.Contains(e.Err.Error(), key) {
		e.Err = errors.New(strings.ReplaceAll(e.Err.Error(), key, "[redacted]"))
	}
	return e
}

// NotSent reports whether err proves no connection was made, so nothing
// reached the provider: connection refused, DNS failure, or any dial error
// (no route, dial timeout).
func NotSent(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// Cause names a transport failure in a few words.
func Cause(err error) string {
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "the call was cancelled"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	}
	return Short(err)
}

// Short is err's text without the method and URL that *url.Error adds,
// with anything that looks like an API key removed.
func Short(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		err = ue.Err
	}
	return Redact(err.Error())
}

// InParens is " (detail)", or "" when there is no detail.
func InParens(detail string) string {
	if detail == "" {
		return ""
	}
	return " (" + detail + ")"
}

// OpName names an operation for the user.
func OpName(op string) string {
	switch op {
	case "create":
		return "submission"
	case "get":
		return "status request"
	case "cancel":
		return "cancel request"
	case "check":
		return "key check"
	}
	return op + " request"
}

// RetryAfter reads Retry-After-Ms or Retry-After (seconds or an HTTP date,
// measured from the Date header) and bounds it to [1s, 10min]; 30s when
// absent or unreadable.
func RetryAfter(h http.Header) time.Duration {
	d, ok := parseRetryAfter(h)
	if !ok {
		return defaultRetryAfter
	}
	return min(max(d, minRetryAfter), maxRetryAfter)
}

func parseRetryAfter(h http.Header) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && ms < 1e12 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && s < 1e9 {
		return time.Duration(s * float64(time.Second)), true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	sent, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return 0, false
	}
	return at.Sub(sent), true
}

// keyPattern matches things that look like API keys of the supported
// providers, masked or not: OpenAI (sk-...), Perplexity (pplx-...) and
// Google (AIza...).
var keyPattern = regexp.MustCompile(`\b(?:sk-[A-Za-z0-9_\-*.]{6,}|pplx-[A-Za-z0-9_\-*.]{6,}|AIza[A-Za-z0-9_\-*.]{10,})`)

// Redact removes anything that looks like an API key from s.
func Redact(s string) string {
	return keyPattern.ReplaceAllStringFunc(s, func(k string) string {
		switch {
		case strings.HasPrefix(k, "sk-"):
			return "sk-…"
		case strings.HasPrefix(k, "pplx-"):
			return "pplx-…"
		}
		return "AIza…"
	})
}
