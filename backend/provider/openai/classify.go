package openai

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

	sdk "github.com/openai/openai-go/v3"

	"github.com/deepr-desktop/deepr/backend/provider"
)

// Retry-After handling for 429 rate_limit_exceeded.
const (
	defaultRetryAfter = 30 * time.Second
	maxRetryAfter     = 10 * time.Minute
	minRetryAfter     = time.Second
)

const (
	quotaMessage = "the OpenAI account is out of credit: add credit at " +
		"platform.openai.com/settings/organization/billing, then resubmit"
	ambiguousAdvice = " It may have reached OpenAI and be running (and billed) there, so it is not retried " +
		"automatically: check platform.openai.com/logs, then resubmit or dismiss the job."
)

// classify turns an error from an SDK call into a *provider.Error that says
// what the caller may safely do next. op is "create", "get", "cancel" or
// "check". It is the only place where OpenAI failures are interpreted.
func classify(op string, err error) *provider.Error {
	if err == nil {
		return nil
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		return pe
	}
	e := &provider.Error{Op: op, Err: err}

	var apiErr *sdk.Error
	if errors.As(err, &apiErr) {
		classifyHTTP(e, apiErr)
		return e
	}

	switch {
	case notSent(err):
		e.Kind = provider.KindNotSent
		e.Message = "could not connect to OpenAI, so nothing was sent (" + short(err) + "). " +
			"Check the network connection and the base URL in Settings."
	case op == "create":
		e.Kind = provider.KindAmbiguous
		e.Message = "the submission got no answer from OpenAI (" + cause(err) + ")." + ambiguousAdvice
	default:
		e.Kind = provider.KindTransient
		e.Message = "OpenAI did not answer the " + opName(op) + " (" + cause(err) + ")"
	}
	return e
}

// classifyHTTP fills e from an HTTP error answer.
func classifyHTTP(e *provider.Error, apiErr *sdk.Error) {
	status := apiErr.StatusCode
	e.HTTPStatus = status
	e.Code = apiErr.Code
	detail := redactKeys(strings.TrimSpace(apiErr.Message))

	switch {
	case status == http.StatusTooManyRequests &&
		(apiErr.Code == "insufficient_quota" || apiErr.Type == "insufficient_quota"):
		e.Kind = provider.KindQuota
		e.Message = quotaMessage
	case status == http.StatusTooManyRequests:
		e.Kind = provider.KindRateLimited
		var h http.Header
		if apiErr.Response != nil {
			h = apiErr.Response.Header
		}
		e.RetryAfter = retryAfter(h)
		e.Message = fmt.Sprintf("OpenAI is rate-limiting requests and asks to wait %s", e.RetryAfter)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Kind = provider.KindAuth
		e.Message = fmt.Sprintf("OpenAI rejected the API key (%d). Set a new key in Settings or OPENAI_API_KEY.", status)
	case e.Op == "create" && (status == http.StatusRequestTimeout || status >= 500):
		e.Kind = provider.KindAmbiguous
		e.Message = "OpenAI answered the submission with a server error" + inParens(detail) + "." + ambiguousAdvice
	case e.Op == "create" && status >= 400 && status < 500:
		e.Kind = provider.KindRejected
		if detail == "" {
			detail = http.StatusText(status)
		}
		e.Message = "OpenAI rejected the request: " + detail
	case (e.Op == "get" || e.Op == "cancel") && status == http.StatusNotFound:
		e.Kind = provider.KindNotFound
		e.Message = "OpenAI no longer has this response (404); it may have expired or been deleted. " +
			"Resubmit the job to run it again."
	case e.Op == "check" && status == http.StatusNotFound:
		e.Kind = provider.KindTransient
		e.Message = "OpenAI's model list was not found (404); check the base URL in Settings."
	default:
		e.Kind = provider.KindTransient
		e.Message = "OpenAI answered the " + opName(e.Op) + " with an error" + inParens(detail)
	}
}

// notSent reports whether err proves no connection was made, so nothing
// reached OpenAI: connection refused, DNS failure, or any dial error (no
// route, dial timeout).
func notSent(err error) bool {
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

// cause names the failure in a few words.
func cause(err error) string {
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "the call was cancelled"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	}
	return short(err)
}

// short is err's text without the method and URL that *url.Error adds.
func short(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		err = ue.Err
	}
	return redactKeys(err.Error())
}

// inParens is " (detail)", or "" when there is no detail.
func inParens(detail string) string {
	if detail == "" {
		return ""
	}
	return " (" + detail + ")"
}

// opName names an operation for the user.
func opName(op string) string {
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

// retryAfter reads Retry-After-Ms or Retry-After (seconds or an HTTP date,
// measured from the Date header) and bounds it to [1s, 10min]; 30s when
// absent or unreadable.
func retryAfter(h http.Header) time.Duration {
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

// keyPattern matches things that look like OpenAI API keys, masked or not.
var keyPattern = regexp.MustCompile(`sk-[A-Za-z0-9_\-*.]{6,}`)

// redactKeys removes anything that looks like an API key from s.
func redactKeys(s string) string {
	return keyPattern.ReplaceAllString(s, "sk-…")
}
