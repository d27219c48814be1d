package openai

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	sdk "github.com/openai/openai-go/v3"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

func apiError(status int, code, typ, msg string, header ...string) error {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &sdk.Error{StatusCode: status, Code: code, Type: typ, Message: msg,
		Response: &http.Response{StatusCode: status, Header: h}}
}

func urlErr(err error) error {
	return &url.Error{Op: "Post", URL: "https://api.openai.com/v1/responses", Err: err}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestClassify(t *testing.T) {
	refused := urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
	dns := urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "api.openai.com", IsNotFound: true}})
	dialTimeout := urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: timeoutErr{}})
	reset := urlErr(&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)})
	eof := urlErr(io.EOF)
	readTimeout := urlErr(&net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}})

	tests := []struct {
		op         string
		err        error
		want       provider.Kind
		wantStatus int
		wantRetry  time.Duration
		wantInMsg  string
	}{
		// Nothing was sent: any op.
		{"create", refused, provider.KindNotSent, 0, 0, "nothing was sent"},
		{"get", refused, provider.KindNotSent, 0, 0, "nothing was sent"},
		{"cancel", dns, provider.KindNotSent, 0, 0, "no such host"},
		{"create", dns, provider.KindNotSent, 0, 0, "nothing was sent"},
		{"create", dialTimeout, provider.KindNotSent, 0, 0, ""},
		{"check", refused, provider.KindNotSent, 0, 0, ""},

		// 429.
		{"create", apiError(429, "insufficient_quota", "insufficient_quota", "You exceeded your current quota"),
			provider.KindQuota, 429, 0, "out of credit"},
		{"get", apiError(429, "insufficient_quota", "insufficient_quota", "quota"), provider.KindQuota, 429, 0, "billing"},
		{"create", apiError(429, "rate_limit_exceeded", "requests", "slow down", "Retry-After", "7"),
			provider.KindRateLimited, 429, 7 * time.Second, "7s"},
		{"create", apiError(429, "rate_limit_exceeded", "requests", "slow down", "Retry-After-Ms", "1500", "Retry-After", "9"),
			provider.KindRateLimited, 429, 1500 * time.Millisecond, ""},
		{"create", apiError(429, "rate_limit_exceeded", "requests", "slow down"),
			provider.KindRateLimited, 429, 30 * time.Second, ""},
		{"get", apiError(429, "rate_limit_exceeded", "requests", "slow down", "Retry-After", "86400"),
			provider.KindRateLimited, 429, 10 * time.Minute, ""},
		{"create", apiError(429, "", "", "", "Retry-After", "Sun, 01 Mar 2026 12:00:45 GMT", "Date", "Sun, 01 Mar 2026 12:00:00 GMT"),
			provider.KindRateLimited, 429, 45 * time.Second, ""},
		{"create", apiError(429, "", "", "", "Retry-After", "0"), provider.KindRateLimited, 429, time.Second, ""},

		// Auth, any op.
		{"create", apiError(401, "invalid_api_key", "invalid_request_error", "Incorrect API key provided: sk-abc*****wxyz."),
			provider.KindAuth, 401, 0, "OpenAI rejected the API key (401). Set a new key in Settings or OPENAI_API_KEY."},
		{"get", apiError(403, "", "", "forbidden"), provider.KindAuth, 403, 0, "(403)"},
		{"check", apiError(401, "invalid_api_key", "", ""), provider.KindAuth, 401, 0, "Settings"},

		// Create: the provider refused.
		{"create", apiError(400, "invalid_value", "invalid_request_error", "Invalid value for 'model'."),
			provider.KindRejected, 400, 0, "Invalid value for 'model'."},
		{"create", apiError(404, "model_not_found", "invalid_request_error", "The model 'o9' does not exist."),
			provider.KindRejected, 404, 0, "does not exist"},
		{"create", apiError(409, "", "", "conflict"), provider.KindRejected, 409, 0, "conflict"},
		{"create", apiError(422, "", "", ""), provider.KindRejected, 422, 0, "Unprocessable Entity"},

		// Create: may have reached OpenAI.
		{"create", apiError(500, "", "server_error", "The server had an error"), provider.KindAmbiguous, 500, 0, "not retried automatically"},
		{"create", apiError(502, "", "", ""), provider.KindAmbiguous, 502, 0, "server error"},
		{"create", apiError(503, "", "", "overloaded"), provider.KindAmbiguous, 503, 0, "overloaded"},
		{"create", apiError(408, "", "", ""), provider.KindAmbiguous, 408, 0, ""},
		{"create", context.DeadlineExceeded, provider.KindAmbiguous, 0, 0, "timed out"},
		{"create", readTimeout, provider.KindAmbiguous, 0, 0, "timed out"},
		{"create", reset, provider.KindAmbiguous, 0, 0, "connection reset"},
		{"create", eof, provider.KindAmbiguous, 0, 0, "may have reached OpenAI"},
		{"create", context.Canceled, provider.KindAmbiguous, 0, 0, "cancelled"},
		{"create", errors.New("error parsing response json: unexpected end"), provider.KindAmbiguous, 0, 0, ""},

		// Get and cancel.
		{"get", apiError(404, "", "invalid_request_error", "No response found with id 'resp_1'."),
			provider.KindNotFound, 404, 0, "OpenAI no longer has this response (404)"},
		{"cancel", apiError(404, "", "", ""), provider.KindNotFound, 404, 0, "no longer has"},
		{"get", apiError(500, "", "", ""), provider.KindTransient, 500, 0, "status request"},
		{"get", apiError(400, "", "", "bad"), provider.KindTransient, 400, 0, ""},
		{"cancel", apiError(400, "", "", "Cannot cancel a completed response."), provider.KindTransient, 400, 0, "completed"},
		{"get", eof, provider.KindTransient, 0, 0, ""},
		{"get", reset, provider.KindTransient, 0, 0, "connection reset"},
		{"get", context.DeadlineExceeded, provider.KindTransient, 0, 0, "timed out"},
		{"check", apiError(404, "", "", ""), provider.KindTransient, 404, 0, "base URL"},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%d_%s_%s", i, tt.op, tt.want), func(t *testing.T) {
			got := classify(tt.op, tt.err)
			if got == nil {
				t.Fatalf("classify(%q, %v) = nil", tt.op, tt.err)
			}
			if got.Kind != tt.want {
				t.Errorf("classify(%q, %v).Kind = %s, want %s (message %q)", tt.op, tt.err, got.Kind, tt.want, got.Message)
			}
			if got.Op != tt.op || got.HTTPStatus != tt.wantStatus || got.RetryAfter != tt.wantRetry {
				t.Errorf("Op/HTTPStatus/RetryAfter = %q/%d/%s, want %q/%d/%s",
					got.Op, got.HTTPStatus, got.RetryAfter, tt.op, tt.wantStatus, tt.wantRetry)
			}
			if !strings.Contains(got.Message, tt.wantInMsg) {
				t.Errorf("message %q does not contain %q", got.Message, tt.wantInMsg)
			}
			if got.Err != tt.err {
				t.Errorf("Err = %v, want the original error kept", got.Err)
			}
			if strings.Contains(got.Message, "sk-abc") {
				t.Errorf("message %q shows a key", got.Message)
			}
		})
	}
}

func TestClassifyKeepsProviderFields(t *testing.T) {
	got := classify("create", apiError(400, "invalid_value", "invalid_request_error", "Bad key sk-proj-abcdef123456 here"))
	if got.Code != "invalid_value" {
		t.Errorf("Code = %q, want invalid_value", got.Code)
	}
	if strings.Contains(got.Message, "abcdef123456") {
		t.Errorf("message %q shows a key-like string", got.Message)
	}
	if classify("get", nil) != nil {
		t.Errorf("classify(nil) != nil")
	}
	pe := &provider.Error{Kind: provider.KindAuth, Op: "get"}
	if classify("get", fmt.Errorf("wrapped: %w", pe)) != pe {
		t.Errorf("an already classified error was reclassified")
	}
}

func TestCost(t *testing.T) {
	tests := []struct {
		model string
		u     job.Usage
		want  float64
	}{
		{"o3-deep-research", job.Usage{InputTokens: 1_000_000}, 10},
		{"o3-deep-research", job.Usage{InputTokens: 1_000_000, CachedTokens: 1_000_000}, 2.5},
		{"o3-deep-research", job.Usage{OutputTokens: 1_000_000, ReasoningTokens: 600_000}, 40},
		{"o3-deep-research-2025-06-26", job.Usage{InputTokens: 2_000_000, CachedTokens: 1_000_000, OutputTokens: 500_000, WebSearchCalls: 10}, 10 + 2.5 + 20 + 0.1},
		{"o4-mini-deep-research", job.Usage{InputTokens: 1_000_000, CachedTokens: 500_000, OutputTokens: 1_000_000}, 1 + 0.25 + 8},
		{"o4-mini-deep-research-2025-06-26", job.Usage{WebSearchCalls: 3}, 0.03},
		{"gpt-unknown", job.Usage{InputTokens: 1_000_000, WebSearchCalls: 2}, 0.02},
		{"o3-deep-research", job.Usage{InputTokens: 100, CachedTokens: 500}, 100 * 2.5 / 1e6}, // cached never exceeds input
	}
	for _, tt := range tests {
		if got := Cost(tt.model, tt.u); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Cost(%q, %+v) = %v, want %v", tt.model, tt.u, got, tt.want)
		}
	}
}

func TestValidModel(t *testing.T) {
	for _, m := range append(Models(), "o3-deep-research-2025-06-26", "o4-mini-deep-research-2025-06-26") {
		if !ValidModel(m) {
			t.Errorf("ValidModel(%q) = false, want true", m)
		}
	}
	for _, m := range []string{"", "gpt-4o", "o3", "o3-deep-research-2024-01-01", "O3-DEEP-RESEARCH"} {
		if ValidModel(m) {
			t.Errorf("ValidModel(%q) = true, want false", m)
		}
	}
	if Models()[0] != DefaultModel {
		t.Errorf("Models()[0] = %q, want the default %q first", Models()[0], DefaultModel)
	}
}
