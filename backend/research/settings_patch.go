package research

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/deepr-desktop/deepr/backend/config"
)

// SettingsPatch is what one Settings card saves: a nil field leaves that
// setting as saved, so a card never writes (or is blocked by) another
// card's fields. JSON names are SettingsInput's.
type SettingsPatch struct {
	PollIntervalSeconds *int     `json:"poll_interval_seconds,omitempty"`
	MaxRunning          *int     `json:"max_running,omitempty"`
	DefaultModel        *string  `json:"default_model,omitempty"`
	Notifications       *bool    `json:"notifications,omitempty"`
	UseWebhooks         *bool    `json:"use_webhooks,omitempty"`
	WebhookListen       *string  `json:"webhook_listen,omitempty"`
	WebhookURL          *string  `json:"webhook_url,omitempty"`
	MonthlyBudgetUSD    *float64 `json:"monthly_budget_usd,omitempty"` // 0 removes the budget
	Prices              *string  `json:"prices,omitempty"`
	Theme               *string  `json:"theme,omitempty"`
	CloseAction         *string  `json:"close_action,omitempty"`
	StartAtLogin        *bool    `json:"start_at_login,omitempty"`
	MCPAllowSpend       *bool    `json:"mcp_allow_spend,omitempty"`
	MCPMaxCostUSD       *float64 `json:"mcp_max_cost_usd,omitempty"` // 0 restores the default
}

// SettingsResult is a save's answer as the window takes it: the settings
// after the save, or the error as data (Settings is then the settings in
// force, unchanged).
type SettingsResult struct {
	Settings SettingsView `json:"settings"`
	Error    *ErrorView   `json:"error"`
}

// FieldSpec is one setting's constraints as the Settings screen shows
// them, from config (declared once there): the range of a number (Max 0:
// no upper bound), its unit, its default, what is accepted, and the
// variable that fixes it from the environment ("" when it can be saved).
type FieldSpec struct {
	Min      int    `json:"min"`
	Max      int    `json:"max"`
	HasRange bool   `json:"has_range"`
	Unit     string `json:"unit"`
	Default  string `json:"default"`
	Accepted string `json:"accepted"`
	LockedBy string `json:"locked_by"`
}

// fieldSpecs describes every field the Settings screen saves, by its JSON name.
func (s *Service) fieldSpecs() map[string]FieldSpec {
	out := make(map[string]FieldSpec, len(settingVars))
	for _, sv := range settingVars {
		f, ok := config.FieldOf(sv.name)
		if !ok {
			continue
		}
		fs := FieldSpec{Default: f.Default, Accepted: f.Accepted, Unit: f.Range.Unit, HasRange: f.HasRange, Min: f.Range.Min, Max: f.Range.Max}
		if s.locked(sv.name) {
			fs.LockedBy = sv.name
		}
		out[sv.field] = fs
	}
	return out
}

// SaveSettingsPatch checks, saves and applies the fields of p that are
// set, leaving every other setting as saved; see SaveSettings for the
// checks. A field fixed by the environment is not written.
func (s *Service) SaveSettingsPatch(ctx context.Context, p SettingsPatch) (SettingsView, error) {
	if p.UseWebhooks != nil && *p.UseWebhooks && s.webhookSecret() == "" && !s.locked("DEEPR_USE_WEBHOOKS") {
		return SettingsView{}, invalid("use_webhooks", "Webhooks need a signing secret first: create a webhook endpoint in the OpenAI dashboard (Settings, Webhooks), copy its signing secret (whsec_...) and save it here.")
	}
	// A damaged file is replaced (config.SaveSettings keeps a copy).
	m, err := config.LoadSettings(s.dirs.Config)
	if err != nil && !errors.Is(err, config.ErrDamaged) {
		return SettingsView{}, err
	}
	touched := map[string]bool{}
	set := func(name string, v string, keepEmpty bool) {
		touched[name] = true
		if s.locked(name) { // must not outlive its variable: left as saved
			return
		}
		if v = strings.TrimSpace(v); v == "" && !keepEmpty {
			delete(m, name)
			return
		}
		m[name] = v
	}
	if v := p.PollIntervalSeconds; v != nil {
		set("DEEPR_POLL_INTERVAL", strconv.Itoa(*v), true)
	}
	if v := p.MaxRunning; v != nil {
		set("DEEPR_MAX_RUNNING", strconv.Itoa(*v), true)
	}
	if v := p.DefaultModel; v != nil {
		set("DEEPR_MODEL", *v, true)
	}
	if v := p.Notifications; v != nil {
		set("DEEPR_NOTIFICATIONS", strconv.FormatBool(*v), true)
	}
	if v := p.UseWebhooks; v != nil {
		set("DEEPR_USE_WEBHOOKS", strconv.FormatBool(*v), true)
	}
	if v := p.WebhookListen; v != nil {
		set("DEEPR_WEBHOOK_LISTEN", *v, false)
	}
	if v := p.WebhookURL; v != nil {
		set("DEEPR_WEBHOOK_URL", *v, false)
	}
	if v := p.MonthlyBudgetUSD; v != nil {
		budget := ""
		if *v != 0 { // a negative or absurd value is refused by the validation, naming the setting
			budget = strconv.FormatFloat(*v, 'f', -1, 64)
		}
		set("DEEPR_MONTHLY_BUDGET", budget, false)
	}
	if v := p.Prices; v != nil {
		set("DEEPR_PRICES", *v, false)
	}
	if v := p.Theme; v != nil {
		set("DEEPR_THEME", *v, false)
	}
	if v := p.CloseAction; v != nil {
		set("DEEPR_CLOSE_ACTION", *v, false)
	}
	if v := p.StartAtLogin; v != nil {
		set("DEEPR_START_AT_LOGIN", strconv.FormatBool(*v), true)
	}
	if v := p.MCPAllowSpend; v != nil {
		set(config.MCPAllowSpendSetting, strconv.FormatBool(*v), true)
	}
	if v := p.MCPMaxCostUSD; v != nil {
		limit := ""
		if *v != 0 { // a negative or absurd value is refused by the validation, naming the setting
			limit = strconv.FormatFloat(*v, 'f', -1, 64)
		}
		set(config.MCPMaxCostSetting, limit, false)
	}
	// Values start-up already set aside (their defaults are in force) are
	// dropped, as a full save drops them, so they block no other card.
	for _, pr := range s.Config().SettingsProblems {
		if !touched[pr.Setting] {
			delete(m, pr.Setting)
		}
	}
	return s.writeSettings(ctx, m)
}

// patchOf is the patch that saves every field of in.
func patchOf(in SettingsInput) SettingsPatch {
	return SettingsPatch{
		PollIntervalSeconds: &in.PollIntervalSeconds, MaxRunning: &in.MaxRunning, DefaultModel: &in.DefaultModel,
		Notifications: &in.Notifications, UseWebhooks: &in.UseWebhooks, WebhookListen: &in.WebhookListen,
		WebhookURL: &in.WebhookURL, MonthlyBudgetUSD: &in.MonthlyBudgetUSD, Prices: &in.Prices, Theme: &in.Theme,
		CloseAction: &in.CloseAction, StartAtLogin: &in.StartAtLogin, MCPAllowSpend: &in.MCPAllowSpend, MCPMaxCostUSD: &in.MCPMaxCostUSD,
	}
}
