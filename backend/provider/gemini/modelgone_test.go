package gemini

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/provider"
)

// TestUnknownAgentOnCreate: Gemini's 404 NOT_FOUND on a create is a
// refusal of the agent (nothing created), unless it is a follow-up whose
// parent interaction is gone; a 404 naming the agent is the agent's even
// on a follow-up.
func TestUnknownAgentOnCreate(t *testing.T) {
	const agent = "deep-research-max-preview-04-2026"
	for _, c := range []struct {
		name   string
		status int
		body   string
		parent string
		gone   bool
		kind   provider.Kind
	}{
		{"404 for the agent", 404, `{"error":{"code":404,"message":"Agent ` + agent + ` is not found.","status":"NOT_FOUND"}}`, "", true, provider.KindRejected},
		{"404 without a message", 404, `{"error":{"code":404,"status":"NOT_FOUND"}}`, "", true, provider.KindRejected},
		{"404 on a follow-up", 404, `{"error":{"code":404,"message":"Interaction not found.","status":"NOT_FOUND"}}`, "int_1", false, provider.KindContextGone},
		{"404 naming the agent on a follow-up", 404, `{"error":{"code":404,"message":"Agent ` + agent + ` is not found.","status":"NOT_FOUND"}}`, "int_1", true, provider.KindRejected},
		{"another 400", 400, `{"error":{"code":400,"message":"bad input","status":"INVALID_ARGUMENT"}}`, "", false, provider.KindRejected},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(c.status)
			_, _ = w.Write([]byte(c.body))
		}))
		p := New(Config{APIKey: testKey, BaseURL: srv.URL, RequestTimeout: 5 * time.Second})
		r := provider.Request{JobID: "j1", Prompt: "q", Model: agent}
		if c.parent != "" {
			r.Parent = &provider.Parent{ResponseID: c.parent}
		}
		_, err := p.Submit(t.Context(), r)
		srv.Close()
		if got := provider.ModelGone(err); got != c.gone || provider.KindOf(err) != c.kind {
			t.Errorf("%s: ModelGone = %v, kind %v (%v); want %v, %v", c.name, got, provider.KindOf(err), err, c.gone, c.kind)
		}
	}
}
