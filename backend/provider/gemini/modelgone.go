package gemini

import (
	"net/http"
	"strings"

	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/httpapi"
)

// agentGone marks the refusal e of a create on agent as a refusal of the
// agent (provider.CodeModelNotFound) when Gemini answered 404 NOT_FOUND
// for it: the agent does not exist (any more; Google shuts agents down
// without a redirect) and nothing was created. On a follow-up a 404 is
// the parent interaction's (KindContextGone) unless it names the agent.
// It returns e.
func agentGone(agent string, followUp bool, reply httpapi.Reply, e *provider.Error) *provider.Error {
	if e == nil || reply.Status != http.StatusNotFound {
		return e
	}
	if followUp && (agent == "" || !strings.Contains(httpapi.ParseError(reply.Body).Message, agent)) {
		return e
	}
	return provider.MarkModelGone(e)
}
