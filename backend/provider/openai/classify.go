package openai

import (
	"errors"
	"net/http"

	sdk "github.com/openai/openai-go/v3"

	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/httpapi"
)

// openAIService and azureService name the two flavours in user messages.
func openAIService() httpapi.Service {
	return httpapi.Service{
		Name: "OpenAI", KeyVar: "OPENAI_API_KEY", Console: "platform.openai.com/logs",
		Quota: "the OpenAI account is out of credit: add credit at " +
			"platform.openai.com/settings/organization/billing, then resubmit",
		Thing: "response", CheckWhat: "model list",
	}
}

func azureService() httpapi.Service {
	return httpapi.Service{
		Name: "Azure OpenAI", KeyVar: "AZURE_OPENAI_API_KEY", Console: "the Azure AI Foundry portal",
		Quota: "the Azure OpenAI resource is out of quota: raise the deployment's quota in the " +
			"Azure AI Foundry portal, then resubmit",
		Thing: "response", CheckWhat: "model list", Address: "Azure endpoint",
	}
}

// classify is classifyAs for OpenAI itself.
func classify(op string, err error) *provider.Error { return classifyAs(openAIService(), op, err) }

// classifyAs turns an error from an SDK call into a *provider.Error that
// says what the caller may safely do next. op is "create", "get", "cancel"
// or "check". It is the only place where OpenAI failures are interpreted.
func classifyAs(svc httpapi.Service, op string, err error) *provider.Error {
	if err == nil {
		return nil
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		return pe
	}
	var apiErr *sdk.Error
	if !errors.As(err, &apiErr) {
		e := svc.Transport(op, err)
		e.Err = err
		return e
	}
	var h http.Header
	if apiErr.Response != nil {
		h = apiErr.Response.Header
	}
	e := svc.Status(op, httpapi.Answer{
		Status: apiErr.StatusCode, Header: h, Code: apiErr.Code, Detail: apiErr.Message,
		Quota: apiErr.StatusCode == http.StatusTooManyRequests &&
			(apiErr.Code == "insufficient_quota" || apiErr.Type == "insufficient_quota"),
	})
	e.Err = err
	if op == "create" && e.Kind == provider.KindRejected &&
		(apiErr.Code == provider.CodeModelNotFound || apiErr.Code == "DeploymentNotFound") {
		// The model (an Azure deployment) does not exist there (any more):
		// nothing was created.
		provider.MarkModelGone(e)
	}
	return e
}
