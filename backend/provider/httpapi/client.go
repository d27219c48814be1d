// Package httpapi is the plumbing shared by Deepr's provider clients: one
// JSON call over HTTP (Client.Do), the reading of a provider's error body
// (ParseError), and the one classification of a failed call into a
// *provider.Error (Service.Transport, Service.Status) with a message written
// for the user. It never retries: whether a call may be repeated is the
// caller's decision, made from the Kind it gets back.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxBody bounds how much of an answer is read (reports are far smaller).
const maxBody = 64 << 20

// DefaultTimeout is the per-call timeout when Client.Timeout is 0.
const DefaultTimeout = 60 * time.Second

// Client sends JSON requests to one API. The zero value is not usable: set
// BaseURL. It is safe for concurrent use as long as it is not modified.
type Client struct {
	// BaseURL is scheme://host[/prefix] without a trailing slash; paths
	// passed to Do are appended to it.
	BaseURL string
	// Header is sent with every request (authentication, API revision).
	Header http.Header
	// HTTP is the client used (nil: a new http.Client with no timeout of
	// its own, so Timeout alone bounds a call).
	HTTP *http.Client
	// Timeout bounds one call, answer body included (0: DefaultTimeout).
	Timeout time.Duration
}

// Reply is a complete HTTP answer, whatever its status.
type Reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// OK reports whether the status is 2xx.
func (r Reply) OK() bool { return r.Status >= 200 && r.Status < 300 }

// Do sends method path with body (JSON-encoded; nil sends no body) and
// returns the whole answer. The error is non-nil only when no complete
// answer came back: the connection failed, timed out or was cut, or the
// body could not be read. Classify it with Service.Transport.
func (c Client) Do(ctx context.Context, method, path string, body any) (Reply, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return Reply{}, &encodeError{err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, rd)
	if err != nil {
		return Reply{}, &encodeError{err}
	}
	for k, vs := range c.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Reply{}, fmt.Errorf("reading the answer (HTTP %d): %w", resp.StatusCode, err)
	}
	return Reply{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// encodeError is a request that could not even be built: nothing was sent.
type encodeError struct{ err error }

func (e *encodeError) Error() string { return "building the request: " + e.err.Error() }
func (e *encodeError) Unwrap() error { return e.err }

// APIError is what an error answer's body says, in whichever of the usual
// shapes it came: {"error":{"message","code","status","type"}} (Google,
// OpenAI, Azure, Perplexity), {"detail":"..."} or FastAPI's
// {"detail":[{"msg"}]}, or {"message":"..."}.
type APIError struct {
	Code    string // error.code (a number is written in decimal)
	Status  string // error.status, e.g. "RESOURCE_EXHAUSTED"
	Type    string // error.type
	Message string
}

// ParseError reads an error body. An unreadable body gives its first 200
// characters as the message, so nothing the provider said is lost.
func ParseError(body []byte) APIError {
	var w struct {
		Error   json.RawMessage `json:"error"`
		Detail  json.RawMessage `json:"detail"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(body, &w) != nil {
		return APIError{Message: snippet(body)}
	}
	var e struct {
		Code    json.RawMessage `json:"code"`
		Status  string          `json:"status"`
		Type    string          `json:"type"`
		Message string          `json:"message"`
	}
	var s string
	switch {
	case json.Unmarshal(w.Error, &e) == nil && (e.Message != "" || len(e.Code) > 0 || e.Status != ""):
		return APIError{Code: CodeText(e.Code), Status: e.Status, Type: e.Type, Message: e.Message}
	case json.Unmarshal(w.Error, &s) == nil && s != "":
		return APIError{Message: s}
	case json.Unmarshal(w.Detail, &s) == nil && s != "":
		return APIError{Message: s}
	}
	var items []struct {
		Msg string `json:"msg"`
	}
	if json.Unmarshal(w.Detail, &items) == nil && len(items) > 0 {
		var msgs []string
		for _, it := range items {
			if it.Msg != "" {
				msgs = append(msgs, it.Msg)
			}
		}
		return APIError{Message: strings.Join(msgs, "; ")}
	}
	if w.Message != "" {
		return APIError{Message: w.Message}
	}
	return APIError{Message: snippet(body)}
}

// CodeText writes a JSON string or number as text ("" for anything else).
func CodeText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if i, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
		return n.String()
	}
	return ""
}

// snippet is the first 200 characters of b on one line.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// IsEncodeError reports whether err is a request that could not be built.
func IsEncodeError(err error) bool {
	var e *encodeError
	return errors.As(err, &e)
}
