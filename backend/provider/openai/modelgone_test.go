package openai

import (
	"net/http"
	"testing"

	"github.com/deepr-desktop/deepr/backend/provider"
)

// TestModelNotFoundOnCreate: OpenAI's model_not_found (404, or 400 with the
// code) and Azure's DeploymentNotFound on a create are refusals of the
// model (nothing created), also for a follow-up; other refusals are not.
func TestModelNotFoundOnCreate(t *testing.T) {
	followUp := provider.Request{Parent: &provider.Parent{ResponseID: "resp_1"}}
	for _, c := range []struct {
		name string
		svc  func() *provider.Error
		r    provider.Request
		gone bool
	}{
		{"openai 404", func() *provider.Error {
			return classify("create", apiError(404, "model_not_found", "invalid_request_error", "The model `o3-deep-research` does not exist"))
		}, provider.Request{}, true},
		{"openai 400", func() *provider.Error {
			return classify("create", apiError(400, "model_not_found", "invalid_request_error", "The model does not exist"))
		}, provider.Request{}, true},
		{"openai 404 on a follow-up", func() *provider.Error {
			return classify("create", apiError(404, "model_not_found", "invalid_request_error", "The model does not exist"))
		}, followUp, true},
		{"azure deployment", func() *provider.Error {
			return classifyAs(azureService(), "create", apiError(404, "DeploymentNotFound", "", "The API deployment for this resource does not exist."))
		}, provider.Request{}, true},
		{"another 400", func() *provider.Error {
			return classify("create", apiError(400, "invalid_value", "invalid_request_error", "bad tools"))
		}, provider.Request{}, false},
		{"model_not_found on a get", func() *provider.Error {
			return classify("get", apiError(http.StatusNotFound, "model_not_found", "", ""))
		}, provider.Request{}, false},
	} {
		e := contextGone(c.r, c.svc())
		if got := provider.ModelGone(e); got != c.gone {
			t.Errorf("%s: ModelGone = %v (kind %v, code %q), want %v", c.name, got, e.Kind, e.Code, c.gone)
		}
	}
}
