package perplexity

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/provider"
)

// TestUnknownModelOnCreate: a 400/404/422 from Perplexity that names the
// model (or says invalid_model) refuses the model: nothing created, no
// retry; another refusal is not about the model.
func TestUnknownModelOnCreate(t *testing.T) {
	const model = "sonar-deep-research"
	for _, c := range []struct {
		name   string
		status int
		body   string
		gone   bool
	}{
		{"400 invalid_model", 400, `{"error":{"message":"Invalid model 'sonar-deep-research'. Permitted models can be found in the documentation.","type":"invalid_model","code":400}}`, true},
		{"404 naming the model", 404, `{"error":{"message":"model sonar-deep-research not found","type":"not_found"}}`, true},
		{"422 naming the model", 422, `{"detail":[{"msg":"unknown model: sonar-deep-research"}],"error":{"message":"unknown model: sonar-deep-research"}}`, true},
		{"another 400", 400, `{"error":{"message":"messages must alternate","type":"invalid_request"}}`, false},
	} {
		calls := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			calls++
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(c.status)
			_, _ = w.Write([]byte(c.body))
		}))
		p := New(Config{APIKey: "pplx-test-key-0001112223334", BaseURL: srv.URL, RequestTimeout: 5 * time.Second})
		_, err := p.Submit(t.Context(), provider.Request{JobID: "j1", Prompt: "q", Model: model})
		srv.Close()
		if got := provider.ModelGone(err); got != c.gone || provider.KindOf(err) != provider.KindRejected || calls != 1 {
			t.Errorf("%s: ModelGone = %v, kind %v, %d calls (%v); want %v, rejected, 1 call", c.name, got, provider.KindOf(err), calls, err, c.gone)
		}
	}
}
