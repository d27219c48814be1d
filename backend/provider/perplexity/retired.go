package perplexity

import (
	"context"
	"fmt"
	"net/http"

	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/httpapi"
)

// retiredAdvice is how to move a job off the async Sonar API.
const retiredAdvice = "Edit and resubmit the job with the " + DefaultModel + " preset (Perplexity's Agent API)."

// asyncRetired returns the error of a GET on the async Sonar API that
// answered reply when the answer says the API itself is gone, nil
// otherwise. 410 says so at once; a 404 may only mean that this request
// expired, so the request list is read: when it too answers 404 or 410,
// the API is gone. The error is KindNotFound with CodeAPIRetired, and its
// message says what happened and how to move the job.
func (p *Provider) asyncRetired(ctx context.Context, reply httpapi.Reply) *provider.Error {
	status := reply.Status
	switch status {
	case http.StatusGone:
	case http.StatusNotFound:
		list, err := p.client.Do(ctx, http.MethodGet, completionsPath, nil)
		if err != nil || (list.Status != http.StatusNotFound && list.Status != http.StatusGone) {
			return nil
		}
	default:
		return nil
	}
	return &provider.Error{Kind: provider.KindNotFound, Op: "get", HTTPStatus: status, Code: provider.CodeAPIRetired,
		Err: fmt.Errorf("HTTP %d: %s", status, httpapi.ParseError(reply.Body).Message),
		Message: fmt.Sprintf("Perplexity retired the async Sonar API this job was created on (HTTP %d), so its result "+
			"can no longer be fetched; whether the run finished and was billed shows in %s. %s", status, service().Console, retiredAdvice)}
}

// retiredCreate makes e, the refusal of a create on the async Sonar API
// that answered 404 or 410, a refusal of its model (nothing was created)
// that says the API was retired and what to use instead. Other refusals
// are returned as they are.
func retiredCreate(status int, e *provider.Error) *provider.Error {
	if e == nil || (status != http.StatusNotFound && status != http.StatusGone) {
		return e
	}
	provider.MarkModelGone(e)
	e.Message = fmt.Sprintf("Perplexity retired the async Sonar API that %s runs on (HTTP %d); nothing was sent or billed. %s",
		AsyncModel, status, retiredAdvice)
	return e
}
