package httpapi

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/provider"
)

var svc = Service{Name: "Acme", KeyVar: "ACME_API_KEY", Console: "acme.example/runs", Quota: "Acme is out of credit",
	Thing: "run", CheckWhat: "model list"}

func TestParseError(t *testing.T) {
	tests := []struct {
		body string
		want APIError
	}{
		{`{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}`,
			APIError{Code: "400", Status: "INVALID_ARGUMENT", Message: "API key not valid."}},
		{`{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}`,
			APIError{Code: "rate_limit_exceeded", Type: "requests", Message: "slow down"}},
		{`{"error":"plain text"}`, APIError{Message: "plain text"}},
		{`{"detail":"Not authenticated"}`, APIError{Message: "Not authenticated"}},
		{`{"detail":[{"loc":["body","model"],"msg":"Field required"},{"msg":"bad"}]}`, APIError{Message: "Field required; bad"}},
		{`{"message":"top level"}`, APIError{Message: "top level"}},
		{"<html>\n  502 Bad   Gateway</html>", APIError{Message: "<html> 502 Bad Gateway</html>"}},
	}
	for _, tt := range tests {
		if got := ParseError([]byte(tt.body)); got != tt.want {
			t.Errorf("ParseError(%s) = %+v, want %+v", tt.body, got, tt.want)
		}
	}
	if got := ParseError([]byte(strings.Repeat("x", 500))); len([]rune(got.Message)) != 201 {
		t.Errorf("a long unreadable body is not cut: %d characters", len(got.Message))
	}
}

func TestStatus(t *testing.T) {
	h := http.Header{"Retry-After": {"7"}}
	tests := []struct {
		op    string
		a     Answer
		want  provider.Kind
		inMsg string
	}{
		{"create", Answer{Status: 429, Header: h}, provider.KindRateLimited, "asks to wait 7s"},
		{"create", Answer{Status: 429, Quota: true}, provider.KindQuota, "out of credit"},
		{"get", Answer{Status: 401}, provider.KindAuth, "Acme rejected the API key (401). Set a new key in Settings or ACME_API_KEY."},
		{"create", Answer{Status: 400, Auth: true}, provider.KindAuth, "ACME_API_KEY"},
		{"create", Answer{Status: 500, Detail: "oops"}, provider.KindAmbiguous, "server error (oops). It may have reached Acme"},
		{"create", Answer{Status: 408}, provider.KindAmbiguous, "acme.example/runs"},
		{"create", Answer{Status: 422}, provider.KindRejected, "Unprocessable Entity"},
		{"create", Answer{Status: 400, Detail: "bad key sk-abcdefghijkl"}, provider.KindRejected, "bad key sk-…"},
		{"get", Answer{Status: 404}, provider.KindNotFound, "no longer has this run (404)"},
		{"cancel", Answer{Status: 404}, provider.KindNotFound, ""},
		{"check", Answer{Status: 404}, provider.KindTransient, "model list is not at this base URL (404), so the key was not checked"},
		{"get", Answer{Status: 503}, provider.KindTransient, "status request with an error"},
	}
	for _, tt := range tests {
		e := svc.Status(tt.op, tt.a)
		if e.Kind != tt.want || e.HTTPStatus != tt.a.Status || e.Op != tt.op || !strings.Contains(e.Message, tt.inMsg) {
			t.Errorf("Status(%s, %+v) = %s %d %q; want %s containing %q", tt.op, tt.a, e.Kind, e.HTTPStatus, e.Message, tt.want, tt.inMsg)
		}
	}
}

func TestTransport(t *testing.T) {
	wrap := func(err error) error { return &url.Error{Op: "Post", URL: "https://x", Err: err} }
	refused := wrap(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
	reset := wrap(&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)})
	tests := []struct {
		op    string
		err   error
		want  provider.Kind
		inMsg string
	}{
		{"create", refused, provider.KindNotSent, "nothing was sent"},
		{"create", reset, provider.KindAmbiguous, "connection reset"},
		{"create", wrap(io.EOF), provider.KindAmbiguous, "not retried automatically"},
		{"create", context.DeadlineExceeded, provider.KindAmbiguous, "timed out"},
		{"get", reset, provider.KindTransient, "Acme did not answer the status request (connection reset)"},
		{"create", &encodeError{errors.New("bad")}, provider.KindNotSent, ""},
	}
	for _, tt := range tests {
		if e := svc.Transport(tt.op, tt.err); e.Kind != tt.want || !strings.Contains(e.Message, tt.inMsg) || e.Err != tt.err {
			t.Errorf("Transport(%s, %v) = %s %q", tt.op, tt.err, e.Kind, e.Message)
		}
	}
}

func TestRetryAfterAndRedact(t *testing.T) {
	for _, tt := range []struct {
		h    http.Header
		want time.Duration
	}{
		{nil, 30 * time.Second},
		{http.Header{"Retry-After-Ms": {"1500"}, "Retry-After": {"9"}}, 1500 * time.Millisecond},
		{http.Header{"Retry-After": {"0"}}, time.Second},
		{http.Header{"Retry-After": {"86400"}}, 10 * time.Minute},
		{http.Header{"Retry-After": {"Sun, 01 Mar 2026 12:00:45 GMT"}, "Date": {"Sun, 01 Mar 2026 12:00:00 GMT"}}, 45 * time.Second},
		{http.Header{"Retry-After": {"soon"}}, 30 * time.Second},
	} {
		if got := RetryAfter(tt.h); got != tt.want {
			t.Errorf("RetryAfter(%v) = %s, want %s", tt.h, got, tt.want)
		}
	}
	in := "keys sk-proj-abcdef123 pplx-0123456789 AIzaSyA1234567890abcdef and task-1"
	if got := Redact(in); got != "keys sk-… pplx-… AIza… and task-1" {
		t.Errorf("Redact = %q", got)
	}
	e := Scrub(&provider.Error{Message: "key secret-value-1 here", Err: errors.New("secret-value-1")}, "secret-value-1")
	if strings.Contains(e.Message, "secret-value-1") || strings.Contains(e.Err.Error(), "secret-value-1") {
		t.Errorf("Scrub left the key: %q %v", e.Message, e.Err)
	}
}

func TestClientDo(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/api/echo":
			w.Header().Set("X-Seen", r.Header.Get("X-Key")+"|"+r.Header.Get("Content-Type")+"|"+string(b))
			w.WriteHeader(http.StatusTeapot)
			_, _ = w.Write([]byte(`{"ok":true}`))
		case "/api/slow":
			<-r.Context().Done()
		}
	}))
	defer ts.Close()
	c := Client{BaseURL: ts.URL + "/api/", Header: http.Header{"X-Key": {"k1"}}, Timeout: 5 * time.Second}
	r, err := c.Do(context.Background(), http.MethodPost, "/echo", map[string]int{"n": 1})
	if err != nil || r.Status != http.StatusTeapot || r.OK() || string(r.Body) != `{"ok":true}` ||
		r.Header.Get("X-Seen") != `k1|application/json|{"n":1}` {
		t.Errorf("Do = %+v, %v", r, err)
	}
	c.Timeout = 50 * time.Millisecond
	if _, err := c.Do(context.Background(), http.MethodGet, "/slow", nil); err == nil || svc.Transport("get", err).Kind != provider.KindTransient {
		t.Errorf("a call past its timeout: %v", err)
	}
	if _, err := c.Do(context.Background(), http.MethodPost, "/echo", make(chan int)); !IsEncodeError(err) {
		t.Errorf("unencodable body: %v, want an encode error (nothing sent)", err)
	}
}
