package provider

import "errors"

// CodeModelNotFound is the Error.Code of a create the provider refused
// because the model (or agent, or preset) does not exist there (any more):
// OpenAI's and Azure's model_not_found (Azure: DeploymentNotFound), Gemini's
// 404 NOT_FOUND for an unknown agent, Perplexity's refusal naming the
// model. Such an Error is of KindRejected: nothing was created or billed.
const CodeModelNotFound = "model_not_found"

// ModelGone reports whether err is a create refused because its model does
// not exist at the provider (KindRejected with CodeModelNotFound). A
// refusal that was turned ambiguous (an earlier try may have run) is not.
func ModelGone(err error) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.Kind == KindRejected && pe.Code == CodeModelNotFound
}

// MarkModelGone makes e a create refused because its model does not
// exist: KindRejected with CodeModelNotFound. It returns e.
func MarkModelGone(e *Error) *Error {
	if e != nil {
		e.Kind, e.Code = KindRejected, CodeModelNotFound
	}
	return e
}
