package perplexity

import (
	"context"
	"net/http"
	"strings"

	"github.com/deepr-desktop/deepr/backend/provider"
)

// The Agent API's paths: a create goes to agentPath (alias
// /v1/responses), a response is read at responsesPath/{id}.
const (
	agentPath     = "/v1/agent"
	responsesPath = "/v1/responses"
)

// agentBody is an Agent API create in background mode. A name with a "/"
// (provider/model) is a model; any other name is a preset.
type agentBody struct {
	Preset             string `json:"preset,omitempty"`
	Model              string `json:"model,omitempty"`
	Input              string `json:"input"`
	Instructions       string `json:"instructions,omitempty"`
	Background         bool   `json:"background"`
	PreviousResponseID string `json:"previous_response_id,omitempty"`
}

// submitAgent creates a background response for r on the Agent API and
// returns its id. The Agent API takes no idempotency key and no metadata,
// so the create is sent exactly once: a failure that may have reached
// Perplexity (no answer, a reset, a 5xx, a 2xx without an id) is
// KindAmbiguous and the job becomes unconfirmed, as an OpenAI job does. A
// follow-up continues its parent's response (previous_response_id) when
// it has one, else sends the parent's question and report as context; a
// refusal of the previous response is KindContextGone.
func (p *Provider) submitAgent(ctx context.Context, r provider.Request) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", service().Stopped(err)
	}
	if p.key == "" {
		return "", service().NoKey("create")
	}
	name := r.Model
	if name == "" {
		name = DefaultModel
	}
	body := agentBody{Input: r.Prompt, Instructions: r.Instructions, Background: true}
	if strings.Contains(name, "/") {
		body.Model = name
	} else {
		body.Preset = name
	}
	if r.Parent != nil {
		if r.Parent.ResponseID != "" {
			body.PreviousResponseID = r.Parent.ResponseID
		} else {
			body.Input = provider.ContextText(*r.Parent, r.Prompt)
		}
	}
	reply, err := p.client.Do(ctx, http.MethodPost, agentPath, body)
	if err != nil {
		return "", p.transport("create", err)
	}
	if !reply.OK() {
		e := p.status("create", reply)
		if body.PreviousResponseID != "" && e.Kind == provider.KindRejected && (reply.Status == http.StatusNotFound ||
			strings.Contains(string(reply.Body), "previous_response")) {
			e.Kind = provider.KindContextGone
			return "", e
		}
		if strings.Contains(strings.ToLower(string(reply.Body)), "invalid_preset") {
			provider.MarkModelGone(e)
		}
		return "", modelGone(name, reply, e)
	}
	id := decodeID(reply.Body)
	if id == "" {
		return "", &provider.Error{Kind: provider.KindAmbiguous, Op: "create", HTTPStatus: reply.Status,
			Message: "Perplexity answered the submission without a response id." + service().AmbiguousAdvice()}
	}
	return id, nil
}

// fetchAgent returns the current state of Agent API response id.
func (p *Provider) fetchAgent(ctx context.Context, id string) (provider.Snapshot, error) {
	reply, err := p.client.Do(ctx, http.MethodGet, responsesPath+"/"+pathID(id), nil)
	if err != nil {
		return provider.Snapshot{}, p.transport("get", err)
	}
	if !reply.OK() {
		return provider.Snapshot{}, p.status("get", reply)
	}
	return read(parseAgent, reply.Body, id)
}
