package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/render"
	"github.com/deepr-desktop/deepr/backend/store"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// The types below are what the desktop UI receives and sends. They carry no
// secrets: the API key is only ever described ("set, ending …abcd").

// ModelInfo describes a model the user can pick.
type ModelInfo struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Description string `json:"description"`
}

// Models lists the models offered in the UI.
func Models() []ModelInfo {
	return []ModelInfo{
		{"o3-deep-research", "o3 deep research", "Most thorough. About $10 / $40 per million input / output tokens plus $0.01 per web search."},
		{"o4-mini-deep-research", "o4-mini deep research", "Faster and about five times cheaper; good for quick surveys."},
	}
}

// ReportView is a job with its rendered report.
type ReportView struct {
	Job       job.Job        `json:"job"`
	HTML      string         `json:"html"` // sanitized by package render
	Markdown  string         `json:"markdown"`
	Citations []job.Citation `json:"citations"`
}

// Report renders a job's saved report for the reader.
func (e *Engine) Report(ctx context.Context, id string) (ReportView, error) {
	j, rep, err := e.Research.Report(ctx, id)
	if err != nil {
		return ReportView{}, err
	}
	cites := rep.Citations
	if cites == nil {
		cites = []job.Citation{}
	}
	return ReportView{Job: j, HTML: render.HTML(rep.Markdown, rep.Citations), Markdown: rep.Markdown, Citations: cites}, nil
}

// SearchRequest is a library query from the UI.
type SearchRequest struct {
	Query  string `json:"query"`
	Status string `json:"status"` // "", "completed", "incomplete", ...
	Model  string `json:"model"`
	Since  string `json:"since"` // YYYY-MM-DD or ""
	Until  string `json:"until"` // YYYY-MM-DD or "" (inclusive)
	Sort   string `json:"sort"`  // "relevance" | "date"
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
}

// SearchHit is one library result; SnippetHTML is escaped text with
// <mark> around the matches.
type SearchHit struct {
	Job         job.Job `json:"job"`
	SnippetHTML string  `json:"snippet_html"`
}

// SearchResult is one page of library results.
type SearchResult struct {
	Hits    []SearchHit `json:"hits"`
	HasMore bool        `json:"has_more"`
}

// Search runs a library query.
func (e *Engine) Search(ctx context.Context, r SearchRequest) (SearchResult, error) {
	o := store.SearchOptions{Model: strings.TrimSpace(r.Model), Sort: r.Sort, Offset: r.Offset}
	if r.Sort != "" && r.Sort != "relevance" && r.Sort != "date" {
		return SearchResult{}, fmt.Errorf("sort must be relevance or date, not %q", r.Sort)
	}
	if r.Limit <= 0 || r.Limit > 200 {
		r.Limit = 50
	}
	if r.Offset < 0 {
		return SearchResult{}, errors.New("offset must not be negative")
	}
	o.Limit = r.Limit + 1 // one more tells whether there is a next page
	if r.Status != "" && r.Status != "all" {
		st, err := job.ParseStatus(r.Status)
		if err != nil {
			return SearchResult{}, err
		}
		o.Statuses = []job.Status{st}
	}
	var err error
	if o.Since, err = parseDay(r.Since, "from"); err != nil {
		return SearchResult{}, err
	}
	if o.Until, err = parseDay(r.Until, "to"); err != nil {
		return SearchResult{}, err
	}
	if !o.Until.IsZero() {
		o.Until = o.Until.Add(24*time.Hour - time.Nanosecond)
	}
	hits, err := e.Store.Search(ctx, r.Query, o)
	if err != nil {
		return SearchResult{}, err
	}
	res := SearchResult{Hits: []SearchHit{}}
	if len(hits) > r.Limit {
		res.HasMore = true
		hits = hits[:r.Limit]
	}
	for _, h := range hits {
		res.Hits = append(res.Hits, SearchHit{Job: h.Job, SnippetHTML: render.Snippet(h.Snippet)})
	}
	return res, nil
}

func parseDay(s, which string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return time.Time{}, fmt.Errorf("the %q date %q is not a date like 2026-01-31", which, s)
	}
	return t, nil
}

// SettingsView is what the Settings screen shows.
type SettingsView struct {
	KeySet              bool       `json:"key_set"`
	KeyHint             string     `json:"key_hint"`
	KeyStorage          string     `json:"key_storage"`
	PollIntervalSeconds int        `json:"poll_interval_seconds"`
	MaxRunning          int        `json:"max_running"`
	DefaultModel        string     `json:"default_model"`
	Notifications       bool       `json:"notifications"`
	DataDir             string     `json:"data_dir"`
	ConfigDir           string     `json:"config_dir"`
	UseWebhooks         bool       `json:"use_webhooks"`
	WebhookListen       string     `json:"webhook_listen"`
	WebhookURL          string     `json:"webhook_url"`
	WebhookSecretSet    bool       `json:"webhook_secret_set"`
	LastWebhookAt       *time.Time `json:"last_webhook_at"`
}

// SettingsInput is what the Settings screen saves.
type SettingsInput struct {
	PollIntervalSeconds int    `json:"poll_interval_seconds"`
	MaxRunning          int    `json:"max_running"`
	DefaultModel        string `json:"default_model"`
	Notifications       bool   `json:"notifications"`
	UseWebhooks         bool   `json:"use_webhooks"`
	WebhookListen       string `json:"webhook_listen"` // "" = default
	WebhookURL          string `json:"webhook_url"`
}

// Settings describes the current settings.
func (e *Engine) Settings() SettingsView {
	c := e.Config()
	set, hint, storage := e.KeyStatus()
	return SettingsView{
		KeySet: set, KeyHint: hint, KeyStorage: storage,
		PollIntervalSeconds: int(c.PollInterval / time.Second),
		MaxRunning:          c.MaxRunning,
		DefaultModel:        c.Model,
		Notifications:       c.Notifications,
		DataDir:             e.Dirs.Data,
		ConfigDir:           e.Dirs.Config,
		UseWebhooks:         c.UseWebhooks,
		WebhookListen:       c.WebhookListen,
		WebhookURL:          c.WebhookURL,
		WebhookSecretSet:    c.WebhookSecret != "",
		LastWebhookAt:       e.LastWebhook(),
	}
}

// SaveSettings validates and saves the settings file, then applies it.
// Environment variables and .env files still win over saved settings; the
// returned view shows what is in effect.
func (e *Engine) SaveSettings(in SettingsInput) (SettingsView, error) {
	m, err := config.LoadSettings(e.Dirs.Config)
	if err != nil {
		return SettingsView{}, err
	}
	m["DEEPR_POLL_INTERVAL"] = strconv.Itoa(in.PollIntervalSeconds)
	m["DEEPR_MAX_RUNNING"] = strconv.Itoa(in.MaxRunning)
	m["DEEPR_MODEL"] = strings.TrimSpace(in.DefaultModel)
	m["DEEPR_NOTIFICATIONS"] = strconv.FormatBool(in.Notifications)
	m["DEEPR_USE_WEBHOOKS"] = strconv.FormatBool(in.UseWebhooks)
	setOrDelete(m, "DEEPR_WEBHOOK_LISTEN", in.WebhookListen)
	setOrDelete(m, "DEEPR_WEBHOOK_URL", in.WebhookURL)
	if err := config.SaveSettings(e.Dirs.Config, m); err != nil {
		return SettingsView{}, err
	}
	if err := e.Reload(); err != nil {
		return SettingsView{}, err
	}
	return e.Settings(), nil
}

func setOrDelete(m map[string]string, k, v string) {
	if v = strings.TrimSpace(v); v == "" {
		delete(m, k)
	} else {
		m[k] = v
	}
}

// WebhookConfig is the part of the configuration that needs the poller
// (and its webhook listener) restarted when it changes.
func (e *Engine) WebhookConfig() string {
	c := e.Config()
	return fmt.Sprintf("%v|%s|%s", c.UseWebhooks, c.WebhookListen, c.WebhookSecret)
}

// KeyTest is the result of "test key".
type KeyTest struct {
	OK      bool   `json:"ok"`
	Message string `json:"message"`
}

// TestKey asks OpenAI whether the current key is accepted.
func (e *Engine) TestKey(ctx context.Context) KeyTest {
	if !e.HasKey() {
		return KeyTest{false, "No API key is set. Paste one from platform.openai.com/api-keys and save it."}
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := e.Provider().CheckKey(ctx); err != nil {
		var pe *provider.Error
		if errors.As(err, &pe) {
			return KeyTest{false, pe.Message}
		}
		return KeyTest{false, err.Error()}
	}
	return KeyTest{true, "OpenAI accepted the key."}
}

// Health is the worker's health, with "no_key" when no key is set.
func (e *Engine) Health() worker.Health {
	h := e.Worker.Health()
	if !e.HasKey() {
		h.Provider = "no_key"
		h.Message = "No OpenAI API key: add one in Settings."
	}
	return h
}
