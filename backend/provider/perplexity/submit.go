package perplexity

import (
	"context"
	"fmt"
	"net/http"

	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/httpapi"
)

// createBody is the create request.
type createBody struct {
	Request        chatRequest `json:"request"`
	IdempotencyKey string      `json:"idempotency_key,omitempty"`
}

type chatRequest struct {
	Model    string    `json:"model"`
	Messages []message `json:"messages"`
}

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Submit creates a run for r and returns its id: on the Agent API
// (submitAgent) unless r.Model runs on the async Sonar API. There it is
// an async request, sent
// with IdempotencyKey(r); a create that may have reached Perplexity (no
// answer, a reset, a 5xx) is sent again with the same key up to
// CreateRetries times, so Perplexity answers with the request it already
// made instead of starting a second paid one. Only when every try stays
// ambiguous (or there is no key to make a repeat safe) is the error
// KindAmbiguous. A 429 is returned at once as KindRateLimited: re-sending
// later with the same JobID and Attempt is safe. Request.Instructions, when
// set, is sent as the system message.
func (p *Provider) Submit(ctx context.Context, r provider.Request) (string, error) {
	if !onAsync(r.Model) {
		return p.submitAgent(ctx, r)
	}
	if err := ctx.Err(); err != nil {
		return "", service().Stopped(err)
	}
	if p.key == "" {
		return "", service().NoKey("create")
	}
	model := r.Model
	if model == "" {
		model = AsyncModel
	}
	body := createBody{Request: chatRequest{Model: model}, IdempotencyKey: IdempotencyKey(r)}
	if r.Instructions != "" {
		body.Request.Messages = append(body.Request.Messages, message{Role: "system", Content: r.Instructions})
	}
	if r.Parent != nil {
		// Perplexity keeps no conversation: the parent's question and
		// report are the earlier turn.
		body.Request.Messages = append(body.Request.Messages,
			message{Role: "user", Content: r.Parent.Prompt}, message{Role: "assistant", Content: r.Parent.Report})
	}
	body.Request.Messages = append(body.Request.Messages, message{Role: "user", Content: r.Prompt})

	retries := p.retries
	if body.IdempotencyKey == "" {
		retries = 0
	}
	maybeSent := false // an earlier try may have created the request
	backoff := firstBackoff
	for try := 0; ; try++ {
		id, e := p.createOnce(ctx, body)
		if e == nil {
			return id, nil
		}
		switch {
		case maybeSent && e.Kind == provider.KindRejected:
			// An earlier try may be running; a refusal now does not
			// prove otherwise, so the job must not fail or be sent anew.
			return "", p.ambiguous(e, try+1)
		case maybeSent && e.Kind == provider.KindNotSent:
			e.Kind = provider.KindAmbiguous
		case e.Kind != provider.KindAmbiguous || e.Code == "conflict":
			return "", e
		}
		maybeSent = true
		if try >= retries {
			if try > 0 {
				e = p.ambiguous(e, try+1)
			}
			return "", e
		}
		if err := p.sleep(ctx, backoff); err != nil {
			return "", p.ambiguous(e, try+1)
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// createOnce sends the create once and classifies the outcome.
func (p *Provider) createOnce(ctx context.Context, body createBody) (string, *provider.Error) {
	if err := ctx.Err(); err != nil {
		return "", service().Stopped(err)
	}
	reply, err := p.client.Do(ctx, http.MethodPost, completionsPath, body)
	if err != nil {
		return "", p.transport("create", err)
	}
	if reply.Status == http.StatusConflict {
		// The key was used before: a request exists, but its id is not
		// given back here.
		return "", &provider.Error{Kind: provider.KindAmbiguous, Op: "create", HTTPStatus: reply.Status, Code: "conflict",
			Message: "Perplexity says a request with this job's idempotency key already exists (409), so it was not sent again. " +
				"Check " + service().Console + ", then resubmit or dismiss the job."}
	}
	if !reply.OK() {
		return "", retiredCreate(reply.Status, modelGone(body.Request.Model, reply, p.status("create", reply)))
	}
	id := decodeID(reply.Body)
	if id == "" {
		return "", &provider.Error{Kind: provider.KindAmbiguous, Op: "create", HTTPStatus: reply.Status,
			Message: "Perplexity answered the submission without a request id." + service().AmbiguousAdvice()}
	}
	return id, nil
}

// ambiguous is the final error of a create that may have reached
// Perplexity after tries attempts, keeping the last failure's details.
func (p *Provider) ambiguous(last *provider.Error, tries int) *provider.Error {
	e := *last
	e.Kind = provider.KindAmbiguous
	cause := ""
	switch {
	case last.HTTPStatus > 0:
		cause = fmt.Sprintf(" (the last answer was HTTP %d)", last.HTTPStatus)
	case last.Err != nil:
		cause = " (the last try: " + httpapi.Cause(last.Err) + ")"
	}
	e.Message = fmt.Sprintf("the submission got no clear answer from Perplexity after %d tries with the same idempotency key%s.",
		tries, cause) + service().AmbiguousAdvice()
	return httpapi.Scrub(&e, p.key)
}
