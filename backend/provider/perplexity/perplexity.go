// Package perplexity is the Perplexity deep-research provider. It speaks
// two APIs, chosen per job by its model (the model catalogue says which
// API each runs on, see onAsync):
//
//   - the Agent API in background mode (the presets, deep-research by
//     default): POST /v1/agent with background: true, then GET
//     /v1/responses/{id}. The report is the message output's output_text;
//     its url_citation annotations (character offsets) become citations,
//     titled from the search_results output. The Agent API takes no
//     idempotency key: a create that may have reached Perplexity is never
//     sent again (KindAmbiguous: the job becomes unconfirmed).
//   - the async Sonar API (sonar-deep-research), which Perplexity stopped
//     supporting on 2026-09-27: POST /async/chat/completions, then GET
//     /async/chat/completions/{id}. The report loses its <think> block; its
//     [n] markers become citations. Jobs created there keep polling there;
//     when it answers 404 or 410 for good, the error says that Perplexity
//     retired it and how to move the job (CodeAPIRetired). It honours an
//     idempotency key, so a create that may have reached it (timeout,
//     reset, 5xx) is retried inside Submit, a bounded number of times with
//     backoff and always with the same key (the job id and attempt).
//
// On both, the cost Perplexity reports in USD is kept in Snapshot.CostUSD.
// Perplexity has no cancel endpoint: Cancel does nothing and CanCancel is
// false. Every setting comes from Config; nothing is read from the
// environment.
package perplexity

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/httpapi"
)

// DefaultBaseURL is the API root; the client appends /v1/agent,
// /v1/responses or /async/chat/completions.
const DefaultBaseURL = "https://api.perplexity.ai"

// Defaults for Config fields left zero.
const (
	DefaultTimeout       = 60 * time.Second
	DefaultCreateRetries = 3
	firstBackoff         = time.Second
	maxBackoff           = 8 * time.Second
)

const completionsPath = "/async/chat/completions"

// Config is everything the provider needs.
type Config struct {
	APIKey string // sent as Authorization: Bearer
	// BaseURL is the API root ("" = DefaultBaseURL); tests use a fake's URL.
	BaseURL string
	// RequestTimeout bounds one call (default 60s).
	RequestTimeout time.Duration
	// HTTPClient is optional; the default has no timeout of its own.
	HTTPClient *http.Client
	// CreateRetries is how many times a create that may have reached
	// Perplexity is sent again with the same idempotency key (default 3;
	// negative: never).
	CreateRetries int
	// Sleep waits between those retries (1s, 2s, 4s, ... up to 8s); it
	// returns early with ctx's error. Default: a timer. Tests inject one
	// that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// service names Perplexity in user messages.
func service() httpapi.Service {
	return httpapi.Service{
		Name: "Perplexity", KeyVar: "PERPLEXITY_API_KEY", Console: "your API requests at perplexity.ai/account/api",
		Quota: "the Perplexity account is out of credit: add credit at " +
			"perplexity.ai/account/api/billing, then resubmit",
		Thing: "request", CheckWhat: "Agent API",
	}
}

// Provider is the Perplexity provider. It is safe for concurrent use.
type Provider struct {
	key     string
	client  httpapi.Client
	retries int
	sleep   func(ctx context.Context, d time.Duration) error
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
	retries := cfg.CreateRetries
	if retries == 0 {
		retries = DefaultCreateRetries
	}
	sleep := cfg.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+cfg.APIKey)
	return &Provider{key: cfg.APIKey, retries: max(retries, 0), sleep: sleep,
		client: httpapi.Client{BaseURL: base, Header: h, HTTP: cfg.HTTPClient, Timeout: timeout}}
}

// Name is the provider's name as stored with each job.
func (p *Provider) Name() string { return "perplexity" }

// CanCancel reports false: Perplexity cannot stop a request, so a run it
// was sent finishes and is billed; Deepr keeps polling a job cancelled
// while it runs and keeps its report and cost.
func (p *Provider) CanCancel() bool { return false }

// IdempotencyKey is the key a request is sent with: "deepr-" + job id +
// "-" + attempt ("" without a job id, and then no create is repeated).
func IdempotencyKey(r provider.Request) string {
	if r.JobID == "" {
		return ""
	}
	return "deepr-" + r.JobID + "-" + strconv.Itoa(r.Attempt)
}

// Cancel does nothing and returns nil: Perplexity has no cancel endpoint.
// The run goes on to its end (see CanCancel).
func (p *Provider) Cancel(ctx context.Context, id string) error { return nil }

// Fetch returns the current state of a job on the Agent API (the API of
// the default preset). FetchModel reads a job on the API of its model.
func (p *Provider) Fetch(ctx context.Context, id string) (provider.Snapshot, error) {
	return p.FetchModel(ctx, DefaultModel, id)
}

// FetchModel returns the current state of the job with provider id id,
// made with model: on the async Sonar API for sonar-deep-research, on the
// Agent API otherwise. The worker calls it with each job's model, so a
// job keeps polling the API it was created on.
func (p *Provider) FetchModel(ctx context.Context, model, id string) (provider.Snapshot, error) {
	if id == "" {
		return provider.Snapshot{}, &provider.Error{Kind: provider.KindNotFound, Op: "get",
			Message: "no Perplexity request id was saved for this job; resubmit it"}
	}
	if p.key == "" {
		return provider.Snapshot{}, service().NoKey("get")
	}
	if !onAsync(model) {
		return p.fetchAgent(ctx, id)
	}
	reply, err := p.client.Do(ctx, http.MethodGet, completionsPath+"/"+pathID(id), nil)
	if err != nil {
		return provider.Snapshot{}, p.transport("get", err)
	}
	if !reply.OK() {
		if e := p.asyncRetired(ctx, reply); e != nil {
			return provider.Snapshot{}, e
		}
		return provider.Snapshot{}, p.status("get", reply)
	}
	return read(parseSnapshot, reply.Body, id)
}

// read parses the answer body of a GET of id with parse; an answer that
// cannot be read is KindTransient (it is fetched again).
func read(parse func([]byte) (provider.Snapshot, error), body []byte, id string) (provider.Snapshot, error) {
	snap, err := parse(body)
	if err != nil {
		return provider.Snapshot{}, &provider.Error{Kind: provider.KindTransient, Op: "get", Err: err,
			Message: "Perplexity's answer could not be read (" + err.Error() + "); it will be fetched again"}
	}
	if snap.ID == "" {
		snap.ID = id
	}
	return snap, nil
}

// CheckKey verifies the key with a GET of a response that does not exist
// on the Agent API, which costs nothing: Perplexity's 404 (a JSON error)
// means the key was accepted. A rejected key gives KindAuth.
func (p *Provider) CheckKey(ctx context.Context) error {
	if p.key == "" {
		return service().NoKey("check")
	}
	reply, err := p.client.Do(ctx, http.MethodGet, responsesPath+"/deepr-key-check", nil)
	if err != nil {
		return p.transport("check", err)
	}
	if reply.Status == http.StatusNotFound && json.Valid(reply.Body) {
		return nil
	}
	if !reply.OK() {
		return p.status("check", reply)
	}
	return nil
}

func (p *Provider) transport(op string, err error) *provider.Error {
	return httpapi.Scrub(service().Transport(op, err), p.key)
}

// status classifies an error answer; 402, or a body that says the account
// is out of credit, is quota.
func (p *Provider) status(op string, reply httpapi.Reply) *provider.Error {
	a := httpapi.ParseError(reply.Body)
	code := a.Type
	if code == "" {
		code = a.Code
	}
	lower := strings.ToLower(a.Type + " " + a.Message)
	return httpapi.Scrub(service().Status(op, httpapi.Answer{
		Status: reply.Status, Header: reply.Header, Code: code, Detail: a.Message,
		Quota: reply.Status == http.StatusPaymentRequired || strings.Contains(lower, "insufficient_quota") ||
			strings.Contains(lower, "insufficient credit"),
	}), p.key)
}

// decodeID reads the id of a create answer.
func decodeID(body []byte) string {
	var out struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(body, &out) != nil {
		return ""
	}
	return out.ID
}

// pathID escapes an id for use as one path segment.
func pathID(id string) string {
	return strings.NewReplacer("/", "%2F", "?", "%3F", "#", "%23").Replace(id)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
