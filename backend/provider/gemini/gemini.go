// Package gemini is the Google Gemini Deep Research provider: it runs the
// Deep Research agent through the Interactions API in background mode
// (POST /v1beta/interactions with background and store), polls and cancels
// interactions, and turns every answer and failure into the provider
// package's neutral Snapshot and classified *provider.Error. Citation
// offsets, which Gemini measures in bytes, become character offsets.
//
// Every setting comes from Config; nothing is read from the environment. A
// create is sent at most once: Gemini has no idempotency key, so a create
// that may have reached it is never repeated.
package gemini

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/httpapi"
)

// DefaultBaseURL is the Gemini API root; the client appends /v1beta/....
const DefaultBaseURL = "https://generativelanguage.googleapis.com"

// APIRevision is sent as the Api-Revision header: the steps[] shape.
const APIRevision = "2026-05-20"

// DefaultTimeout is the per-call timeout when Config.RequestTimeout is 0.
const DefaultTimeout = 60 * time.Second

// Config is everything the provider needs.
type Config struct {
	APIKey string // sent as x-goog-api-key
	// BaseURL is the API root ("" = DefaultBaseURL); tests use a fake's URL.
	BaseURL string
	// RequestTimeout bounds one call (default 60s).
	RequestTimeout time.Duration
	// HTTPClient is optional; the default has no timeout of its own.
	HTTPClient *http.Client
}

// service names Gemini in user messages.
func service() httpapi.Service {
	return httpapi.Service{
		Name: "Gemini", KeyVar: "GEMINI_API_KEY", Console: "your interactions in Google AI Studio (aistudio.google.com)",
		Quota: "the Gemini API project is out of prepaid credit: add credit under Billing at " +
			"aistudio.google.com, then resubmit",
		Thing: "interaction", CheckWhat: "model list",
	}
}

// Provider is the Gemini Deep Research provider. It is safe for concurrent use.
type Provider struct {
	key    string
	client httpapi.Client
}

// New returns a provider for cfg.
func New(cfg Config) *Provider {
	base := strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	if base == "" {
		base = DefaultBaseURL
	}
	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	h := http.Header{}
	h.Set("x-goog-api-key", cfg.APIKey)
	h.Set("Api-Revision", APIRevision)
	return &Provider{key: cfg.APIKey, client: httpapi.Client{BaseURL: base, Header: h, HTTP: cfg.HTTPClient, Timeout: timeout}}
}

// Name is the provider's name as stored with each job.
func (p *Provider) Name() string { return "gemini" }

// CanCancel reports that Gemini can stop a running interaction.
func (p *Provider) CanCancel() bool { return true }

// createBody is the create request.
type createBody struct {
	Agent             string      `json:"agent"`
	Input             string      `json:"input"`
	Background        bool        `json:"background"`
	Store             bool        `json:"store"`
	AgentConfig       agentConfig `json:"agent_config"`
	SystemInstruction string      `json:"system_instruction,omitempty"`
	// PreviousInteractionID continues a stored interaction (a follow-up).
	PreviousInteractionID string `json:"previous_interaction_id,omitempty"`
	// Labels tag the interaction with its job (LabelJobID), echoed by
	// every GET: an interaction whose create looked failed can then be
	// adopted by id, checked against the job it claims to be.
	Labels map[string]string `json:"labels,omitempty"`
}

// LabelJobID is the label that carries the local job id.
const LabelJobID = "deepr_job_id"

type agentConfig struct {
	Type              string `json:"type"`
	ThinkingSummaries string `json:"thinking_summaries"`
}

// Submit creates a background interaction for r and returns its id. The
// call is sent once: an error of KindAmbiguous means it may have reached
// Gemini and must not be repeated automatically. Request.Instructions, when
// set, is sent as the system instruction; the agent's own tools (Google
// Search, URL context) are always on, and WebSearch, CodeInterpreter and
// MaxToolCalls have no Gemini equivalent. Request.JobID is sent as the
// deepr_job_id label (no webhook_config is sent: Deepr takes no Gemini
// webhooks).
func (p *Provider) Submit(ctx context.Context, r provider.Request) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", service().Stopped(err)
	}
	if p.key == "" {
		return "", service().NoKey("create")
	}
	agent := r.Model
	if agent == "" {
		agent = DefaultModel
	}
	body := createBody{Agent: agent, Input: r.Prompt, Background: true, Store: true,
		AgentConfig:       agentConfig{Type: "deep-research", ThinkingSummaries: "auto"},
		SystemInstruction: strings.TrimSpace(r.Instructions)}
	if r.JobID != "" {
		body.Labels = map[string]string{LabelJobID: r.JobID}
	}
	if r.Parent != nil {
		if r.Parent.ResponseID != "" {
			body.PreviousInteractionID = r.Parent.ResponseID
		} else {
			body.Input = provider.ContextText(*r.Parent, r.Prompt)
		}
	}
	reply, err := p.client.Do(ctx, http.MethodPost, "/v1beta/interactions", body)
	if err != nil {
		return "", p.transport("create", err)
	}
	if !reply.OK() {
		e := p.status("create", reply)
		// A follow-up whose parent interaction Gemini no longer keeps:
		// 404, or a refusal that names previous_interaction_id.
		if body.PreviousInteractionID != "" && (reply.Status == http.StatusNotFound ||
			(reply.Status == http.StatusBadRequest && strings.Contains(string(reply.Body), "previous_interaction_id"))) {
			e.Kind = provider.KindContextGone
		}
		return "", agentGone(agent, body.PreviousInteractionID != "", reply, e)
	}
	var out struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(reply.Body, &out) != nil || out.ID == "" {
		return "", &provider.Error{Kind: provider.KindAmbiguous, Op: "create", HTTPStatus: reply.Status,
			Message: "Gemini answered the submission without an interaction id; it may still be running there, " +
				"so it will not be sent again automatically. Check " + service().Console + ", then resubmit or dismiss the job."}
	}
	return out.ID, nil
}

// Fetch returns the current state of interaction id.
func (p *Provider) Fetch(ctx context.Context, id string) (provider.Snapshot, error) {
	if id == "" {
		return provider.Snapshot{}, &provider.Error{Kind: provider.KindNotFound, Op: "get",
			Message: "no Gemini interaction id was saved for this job; resubmit it"}
	}
	if p.key == "" {
		return provider.Snapshot{}, service().NoKey("get")
	}
	reply, err := p.client.Do(ctx, http.MethodGet, "/v1beta/interactions/"+pathID(id), nil)
	if err != nil {
		return provider.Snapshot{}, p.transport("get", err)
	}
	if !reply.OK() {
		return provider.Snapshot{}, p.status("get", reply)
	}
	snap, err := parseSnapshot(reply.Body)
	if err != nil {
		return provider.Snapshot{}, &provider.Error{Kind: provider.KindTransient, Op: "get", Err: err,
			Message: "Gemini's answer could not be read (" + err.Error() + "); it will be fetched again"}
	}
	if snap.ID == "" {
		snap.ID = id
	}
	return snap, nil
}

// Cancel asks Gemini to stop interaction id. An interaction that is no
// longer running (Gemini answers 400 FAILED_PRECONDITION) is not an error:
// the next Fetch shows how it ended. One Gemini no longer has gives
// KindNotFound.
func (p *Provider) Cancel(ctx context.Context, id string) error {
	if id == "" {
		return &provider.Error{Kind: provider.KindNotFound, Op: "cancel",
			Message: "no Gemini interaction id was saved for this job, so there is nothing to cancel there"}
	}
	if p.key == "" {
		return service().NoKey("cancel")
	}
	reply, err := p.client.Do(ctx, http.MethodPost, "/v1beta/interactions/"+pathID(id)+"/cancel", struct{}{})
	if err != nil {
		return p.transport("cancel", err)
	}
	if !reply.OK() {
		if a := httpapi.ParseError(reply.Body); a.Status == "FAILED_PRECONDITION" {
			return nil
		}
		return p.status("cancel", reply)
	}
	return nil
}

// CheckKey verifies the key with a cheap GET /v1beta/models. A rejected key
// gives KindAuth.
func (p *Provider) CheckKey(ctx context.Context) error {
	if p.key == "" {
		return service().NoKey("check")
	}
	reply, err := p.client.Do(ctx, http.MethodGet, "/v1beta/models?pageSize=1", nil)
	if err != nil {
		return p.transport("check", err)
	}
	if !reply.OK() {
		return p.status("check", reply)
	}
	return nil
}

func (p *Provider) transport(op string, err error) *provider.Error {
	return httpapi.Scrub(service().Transport(op, err), p.key)
}

// status classifies an error answer: a 400 API_KEY_INVALID is a rejected
// key, a 429 about depleted prepaid credit is quota (any other 429 is a
// rate limit, waited out), and Google's RetryInfo delay is used when no
// Retry-After header came.
func (p *Provider) status(op string, reply httpapi.Reply) *provider.Error {
	a := httpapi.ParseError(reply.Body)
	var d details
	_ = json.Unmarshal(reply.Body, &d)
	h := reply.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if h.Get("Retry-After") == "" {
		if delay := d.retryDelay(); delay > 0 {
			h.Set("Retry-After-Ms", formatMs(delay))
		}
	}
	code := a.Status
	if code == "" {
		code = a.Code
	}
	msg := strings.ToLower(a.Message)
	return httpapi.Scrub(service().Status(op, httpapi.Answer{
		Status: reply.Status, Header: h, Code: code, Detail: a.Message,
		Auth: d.reason("API_KEY_INVALID") || strings.Contains(msg, "api key not valid"),
		Quota: reply.Status == http.StatusTooManyRequests &&
			(strings.Contains(msg, "credits are depleted") || strings.Contains(msg, "prepayment")),
	}), p.key)
}

// pathID escapes an id for use as one path segment.
func pathID(id string) string {
	return strings.NewReplacer("/", "%2F", "?", "%3F", "#", "%23").Replace(id)
}
