package provider_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/gemini"
	"github.com/deepr-desktop/deepr/backend/provider/openai"
	"github.com/deepr-desktop/deepr/backend/provider/perplexity"
)

// TestCheckKeyWrongAddress: a 404 on the key test (a wrong base URL or
// Azure endpoint) blames the address, named as Settings names it, and
// not the key, for every provider.
func TestCheckKeyWrongAddress(t *testing.T) {
	// notFound answers every request 404, as a server at the wrong
	// address (or a wrong path under it) does.
	notFound := func(t *testing.T, body string) string {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, body, http.StatusNotFound)
		}))
		t.Cleanup(ts.Close)
		return ts.URL
	}
	for _, tc := range []struct {
		name, address string
		check         func(t *testing.T) error
	}{
		{"OpenAI", "base URL", func(t *testing.T) error {
			return openai.New(openai.Config{APIKey: "sk-test-key-0001", BaseURL: notFound(t, "404 page not found") + "/wrong"}).CheckKey(context.Background())
		}},
		{"Azure OpenAI", "Azure endpoint", func(t *testing.T) error {
			return openai.New(openai.Config{APIKey: "0123456789abcdef0123456789abcdef",
				AzureEndpoint: notFound(t, `{"error":{"code":"404","message":"Resource not found"}}`)}).CheckKey(context.Background())
		}},
		{"Gemini", "base URL", func(t *testing.T) error {
			return gemini.New(gemini.Config{APIKey: "gemini-test-key-0001", BaseURL: notFound(t, "<html>Not Found</html>")}).CheckKey(context.Background())
		}},
		{"Perplexity", "base URL", func(t *testing.T) error {
			return perplexity.New(perplexity.Config{APIKey: "pplx-test-key-0001", BaseURL: notFound(t, "<html>Not Found</html>")}).CheckKey(context.Background())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pe *provider.Error
			if err := tc.check(t); !errors.As(err, &pe) {
				t.Fatalf("CheckKey = %v, want a *provider.Error", err)
			}
			if pe.Kind == provider.KindAuth || !strings.Contains(pe.Message, tc.address) ||
				!strings.Contains(pe.Message, "the key was not checked") || strings.Contains(pe.Message, "rejected") {
				t.Fatalf("CheckKey against a wrong address = %v %q, want a message naming the %s and not blaming the key", pe.Kind, pe.Message, tc.address)
			}
		})
	}
}
