package perplexity

import (
	"net/http"
	"strings"

	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/httpapi"
)

// modelGone marks the refusal e of a create of model as a refusal of the
// model (provider.CodeModelNotFound) when Perplexity answered 400, 404 or
// 422 naming the model or saying invalid_model: it has no such model or
// preset (any more), and nothing was created. It returns e.
func modelGone(model string, reply httpapi.Reply, e *provider.Error) *provider.Error {
	if e == nil || e.Kind != provider.KindRejected {
		return e
	}
	switch reply.Status {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusUnprocessableEntity:
	default:
		return e
	}
	a := httpapi.ParseError(reply.Body)
	text := strings.ToLower(a.Type + " " + a.Code + " " + a.Message)
	if strings.Contains(text, "invalid_model") || (model != "" && strings.Contains(text, strings.ToLower(model))) {
		provider.MarkModelGone(e)
	}
	return e
}
