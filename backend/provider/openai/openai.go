// Package openai is the OpenAI deep-research provider: it submits background
// Responses API jobs (o3-deep-research, o4-mini-deep-research), fetches and
// cancels them, and turns every answer and failure into the provider
// package's neutral Snapshot and classified *provider.Error.
//
// The same code serves Azure OpenAI (Config.AzureEndpoint): the v1
// Responses API at {endpoint}/openai/v1/, the key in the api-key header,
// and a deployment name as the model.
//
// It talks through the official SDK but never lets the SDK read the
// environment: every setting comes from Config. A create call is sent at
// most once (SDK retries are off); callers do their own backoff.
package openai

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	sdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"
	"github.com/openai/openai-go/v3/shared"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/httpapi"
)

// Config is everything the provider needs. New never reads environment
// variables; the config package does that and passes the values here.
type Config struct {
	APIKey    string
	BaseURL   string // "" means https://api.openai.com/v1; tests use e.g. http://127.0.0.1:1234/v1
	OrgID     string // optional OpenAI-Organization header
	ProjectID string // optional OpenAI-Project header
	// RequestTimeout bounds one call (default 60s).
	RequestTimeout time.Duration
	// HTTPClient is optional; the default has no timeout of its own.
	HTTPClient *http.Client

	// AzureEndpoint, when set, makes this an Azure OpenAI provider: calls
	// go to AzureEndpoint + "/openai/v1/" (the endpoint is
	// https://RESOURCE.openai.azure.com) with the key in the api-key
	// header; BaseURL, OrgID and ProjectID are ignored, Name is "azure",
	// and a request's Model is the deployment name.
	AzureEndpoint string
	// DefaultModel is the model (on Azure, the deployment) used when a
	// request names none; "" means DefaultModel (o3-deep-research).
	DefaultModel string
}

// AzureBaseURL is the Responses API base for an Azure endpoint.
func AzureBaseURL(endpoint string) string {
	return strings.TrimRight(strings.TrimSpace(endpoint), "/") + "/openai/v1/"
}

// DefaultTimeout is the per-call timeout when Config.RequestTimeout is 0.
const DefaultTimeout = 60 * time.Second

// DefaultMaxToolCalls caps tool calls (and so cost) when a request says 0.
const DefaultMaxToolCalls = job.DefaultMaxToolCalls

// Provider is the OpenAI Responses API provider. It is safe for concurrent use.
type Provider struct {
	key       string
	name      string // "openai" or "azure"
	svc       httpapi.Service
	model     string // used when a request names none
	timeout   time.Duration
	responses responses.ResponseService
	models    sdk.ModelService
}

// New returns a provider for cfg.
func New(cfg Config) *Provider {
	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{}
	}
	// The services are built directly from explicit options, not through
	// sdk.NewClient, whose defaults read OPENAI_API_KEY, OPENAI_BASE_URL,
	// OPENAI_ORG_ID, OPENAI_PROJECT_ID and OPENAI_CUSTOM_HEADERS.
	opts := []option.RequestOption{
		option.WithHTTPClient(client),
		option.WithEnvironmentProduction(),
		option.WithMaxRetries(0),
		option.WithRequestTimeout(timeout),
	}
	p := &Provider{key: cfg.APIKey, name: "openai", svc: openAIService(), model: DefaultModel, timeout: timeout}
	if m := strings.TrimSpace(cfg.DefaultModel); m != "" {
		p.model = m
	}
	if azure := strings.TrimSpace(cfg.AzureEndpoint); azure != "" {
		p.name, p.svc = "azure", azureService()
		// Azure takes the key in api-key and no Authorization header.
		opts = append(opts, option.WithBaseURL(AzureBaseURL(azure)), option.WithHeader("api-key", cfg.APIKey))
	} else {
		opts = append(opts, option.WithAPIKey(cfg.APIKey))
		if base := strings.TrimSpace(cfg.BaseURL); base != "" {
			opts = append(opts, option.WithBaseURL(base))
		}
		if cfg.OrgID != "" {
			opts = append(opts, option.WithOrganization(cfg.OrgID))
		}
		if cfg.ProjectID != "" {
			opts = append(opts, option.WithProject(cfg.ProjectID))
		}
	}
	p.responses = responses.NewResponseService(opts...)
	p.models = sdk.NewModelService(opts...)
	return p
}

// Name is the provider's name as stored with each job: "openai", or
// "azure" for an Azure OpenAI endpoint.
func (p *Provider) Name() string { return p.name }

// CanCancel reports that OpenAI (and Azure) can stop a running response.
func (p *Provider) CanCancel() bool { return true }

// DefaultModel is the model (on Azure, the deployment) a request without
// one runs on.
func (p *Provider) DefaultModel() string { return p.model }

// Submit creates a background response for r and returns its id. The call
// is sent at most once: an error whose Kind is KindAmbiguous means it may
// have reached OpenAI and must not be repeated automatically.
func (p *Provider) Submit(ctx context.Context, r provider.Request) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", p.svc.Stopped(err)
	}
	if p.key == "" {
		return "", p.svc.NoKey("create")
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	resp, err := p.responses.New(ctx, newParams(r, p.model), option.WithMaxRetries(0))
	if err != nil {
		return "", contextGone(r, p.fail("create", err))
	}
	if resp.ID == "" {
		return "", &provider.Error{Kind: provider.KindAmbiguous, Op: "create",
			Message: p.svc.Name + " answered the submission without a response id; it may still be running there, " +
				"so it will not be sent again automatically. Check " + p.svc.Console + ", then resubmit or dismiss the job."}
	}
	return resp.ID, nil
}

// newParams builds the create request for r; defaultModel is used when r
// names no model.
func newParams(r provider.Request, defaultModel string) responses.ResponseNewParams {
	model := r.Model
	if model == "" {
		model = defaultModel
	}
	instructions := r.Instructions
	if strings.TrimSpace(instructions) == "" {
		instructions = DefaultInstructions
	}
	maxTools := r.MaxToolCalls
	if maxTools <= 0 {
		maxTools = DefaultMaxToolCalls
	}
	var tools []responses.ToolUnionParam
	if r.WebSearch {
		tools = append(tools, responses.ToolUnionParam{OfWebSearchPreview: &responses.WebSearchPreviewToolParam{
			Type: responses.WebSearchPreviewToolTypeWebSearchPreview}})
	}
	if r.CodeInterpreter {
		tools = append(tools, responses.ToolUnionParam{OfCodeInterpreter: &responses.ToolCodeInterpreterParam{
			Container: responses.ToolCodeInterpreterContainerUnionParam{
				OfCodeInterpreterToolAuto: &responses.ToolCodeInterpreterContainerCodeInterpreterContainerAutoParam{}}}})
	}
	p := responses.ResponseNewParams{
		Model:        shared.ResponsesModel(model),
		Input:        input(r),
		Background:   sdk.Bool(true),
		Store:        sdk.Bool(true),
		Instructions: sdk.String(instructions),
		MaxToolCalls: sdk.Int(int64(maxTools)),
		Reasoning:    shared.ReasoningParam{Summary: shared.ReasoningSummaryAuto},
		Tools:        tools,
	}
	if r.JobID != "" {
		p.Metadata = shared.Metadata{"deepr_job_id": r.JobID}
	}
	if r.Parent != nil && r.Parent.ResponseID != "" {
		p.PreviousResponseID = sdk.String(r.Parent.ResponseID)
	}
	return p
}

// input is the request's input: the prompt, or for a follow-up whose
// parent response is not continued, the parent's question and report as
// an earlier turn of the conversation, then the prompt.
func input(r provider.Request) responses.ResponseNewParamsInputUnion {
	if r.Parent == nil || r.Parent.ResponseID != "" {
		return responses.ResponseNewParamsInputUnion{OfString: sdk.String(r.Prompt)}
	}
	return responses.ResponseNewParamsInputUnion{OfInputItemList: responses.ResponseInputParam{
		responses.ResponseInputItemParamOfMessage(r.Parent.Prompt, responses.EasyInputMessageRoleUser),
		responses.ResponseInputItemParamOfMessage(r.Parent.Report, responses.EasyInputMessageRoleAssistant),
		responses.ResponseInputItemParamOfMessage(r.Prompt, responses.EasyInputMessageRoleUser),
	}}
}

// contextGone reclassifies the refusal of a follow-up that continued its
// parent's response when the refusal is about that response: OpenAI
// answers 400 previous_response_not_found (param previous_response_id),
// and a 404 on create can only mean the same. Nothing was created.
func contextGone(r provider.Request, e *provider.Error) *provider.Error {
	if r.Parent == nil || r.Parent.ResponseID == "" || e == nil || provider.ModelGone(e) {
		return e
	}
	var apiErr *sdk.Error
	param := ""
	if errors.As(e.Err, &apiErr) {
		param = apiErr.Param
	}
	if e.HTTPStatus == http.StatusNotFound || e.Code == "previous_response_not_found" ||
		(e.HTTPStatus == http.StatusBadRequest && param == "previous_response_id") {
		e.Kind = provider.KindContextGone
	}
	return e
}

// Fetch returns the current state of response id.
func (p *Provider) Fetch(ctx context.Context, id string) (provider.Snapshot, error) {
	if id == "" {
		return provider.Snapshot{}, &provider.Error{Kind: provider.KindNotFound, Op: "get",
			Message: "no " + p.svc.Name + " response id was saved for this job; resubmit it"}
	}
	if p.key == "" {
		return provider.Snapshot{}, p.svc.NoKey("get")
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	// The body is taken as it came: the SDK's own decoding would hold a
	// report several times over (its fields, their raw JSON, the raw
	// string), and parseSnapshot reads what it needs.
	var body []byte
	if _, err := p.responses.Get(ctx, id, responses.ResponseGetParams{}, option.WithResponseBodyInto(&body)); err != nil {
		return provider.Snapshot{}, p.fail("get", err)
	}
	snap, err := parseSnapshot(body)
	if err != nil {
		return provider.Snapshot{}, &provider.Error{Kind: provider.KindTransient, Op: "get", Err: err,
			Message: p.svc.Name + "'s answer could not be read (" + err.Error() + "); it will be fetched again"}
	}
	if snap.ID == "" {
		snap.ID = id
	}
	return snap, nil
}

// Cancel asks OpenAI to stop response id. Cancelling twice is harmless; a
// response OpenAI no longer has gives a *provider.Error of KindNotFound.
func (p *Provider) Cancel(ctx context.Context, id string) error {
	if id == "" {
		return &provider.Error{Kind: provider.KindNotFound, Op: "cancel",
			Message: "no " + p.svc.Name + " response id was saved for this job, so there is nothing to cancel there"}
	}
	if p.key == "" {
		return p.svc.NoKey("cancel")
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	if _, err := p.responses.Cancel(ctx, id); err != nil {
		return p.fail("cancel", err)
	}
	return nil
}

// CheckKey verifies the key with a cheap GET /v1/models. A rejected key
// gives a *provider.Error of KindAuth.
func (p *Provider) CheckKey(ctx context.Context) error {
	if p.key == "" {
		return p.svc.NoKey("check")
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	if _, err := p.models.List(ctx); err != nil {
		return p.fail("check", err)
	}
	return nil
}

// fail classifies err and makes sure the key never appears in the message.
func (p *Provider) fail(op string, err error) *provider.Error {
	return httpapi.Scrub(classifyAs(p.svc, op, err), p.key)
}
