package research_test

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/research"
)

// settingCase is one value of one field of the Settings screen.
type settingCase struct {
	field string // the SettingsInput field, by its JSON name
	set   func(*research.SettingsInput)
	want  any    // what the view shows after the save, as JSON decodes it
	bad   string // non-empty: the save is refused; the error names this field
}

// settingCases are the values the Settings screen offers: the ends of each
// range, each value of each choice, both states of each switch, and one
// past each end (refused). Models are added from the service itself.
func settingCases() []settingCase {
	in := func(f func(*research.SettingsInput)) func(*research.SettingsInput) { return f }
	return []settingCase{
		{"poll_interval_seconds", in(func(s *research.SettingsInput) { s.PollIntervalSeconds = 1 }), 1.0, ""},
		{"poll_interval_seconds", in(func(s *research.SettingsInput) { s.PollIntervalSeconds = 3600 }), 3600.0, ""},
		{"poll_interval_seconds", in(func(s *research.SettingsInput) { s.PollIntervalSeconds = 0 }), nil, "poll_interval_seconds"},
		{"poll_interval_seconds", in(func(s *research.SettingsInput) { s.PollIntervalSeconds = 3601 }), nil, "poll_interval_seconds"},
		{"max_running", in(func(s *research.SettingsInput) { s.MaxRunning = 1 }), 1.0, ""},
		{"max_running", in(func(s *research.SettingsInput) { s.MaxRunning = 50 }), 50.0, ""},
		{"max_running", in(func(s *research.SettingsInput) { s.MaxRunning = 0 }), nil, "max_running"},
		{"max_running", in(func(s *research.SettingsInput) { s.MaxRunning = 51 }), nil, "max_running"},
		{"default_model", in(func(s *research.SettingsInput) { s.DefaultModel = "no-such-model" }), nil, "default_model"},
		{"notifications", in(func(s *research.SettingsInput) { s.Notifications = false }), false, ""},
		{"notifications", in(func(s *research.SettingsInput) { s.Notifications = true }), true, ""},
		{"use_webhooks", in(func(s *research.SettingsInput) { s.UseWebhooks = true }), true, ""},
		{"use_webhooks", in(func(s *research.SettingsInput) { s.UseWebhooks = false }), false, ""},
		{"webhook_listen", in(func(s *research.SettingsInput) { s.WebhookListen = "127.0.0.1:1" }), "127.0.0.1:1", ""},
		{"webhook_listen", in(func(s *research.SettingsInput) { s.WebhookListen = "localhost:65535" }), "localhost:65535", ""},
		{"webhook_listen", in(func(s *research.SettingsInput) { s.WebhookListen = "" }), "127.0.0.1:8787", ""},
		{"webhook_listen", in(func(s *research.SettingsInput) { s.WebhookListen = "127.0.0.1:65536" }), nil, "webhook_listen"},
		{"webhook_url", in(func(s *research.SettingsInput) { s.WebhookURL = "https://research.example.com/webhooks/openai" }), "https://research.example.com/webhooks/openai", ""},
		{"webhook_url", in(func(s *research.SettingsInput) { s.WebhookURL = "http://10.0.0.2:8080/hook" }), "http://10.0.0.2:8080/hook", ""},
		{"webhook_url", in(func(s *research.SettingsInput) { s.WebhookURL = "" }), "", ""},
		{"webhook_url", in(func(s *research.SettingsInput) { s.WebhookURL = "research.example.com" }), nil, "webhook_url"},
		{"monthly_budget_usd", in(func(s *research.SettingsInput) { s.MonthlyBudgetUSD = 0.01 }), 0.01, ""},
		{"monthly_budget_usd", in(func(s *research.SettingsInput) { s.MonthlyBudgetUSD = 25.5 }), 25.5, ""},
		{"monthly_budget_usd", in(func(s *research.SettingsInput) { s.MonthlyBudgetUSD = cost.MaxUSD }), float64(cost.MaxUSD), ""},
		{"monthly_budget_usd", in(func(s *research.SettingsInput) { s.MonthlyBudgetUSD = 0 }), 0.0, ""},
		{"monthly_budget_usd", in(func(s *research.SettingsInput) { s.MonthlyBudgetUSD = cost.MaxUSD + 0.01 }), nil, "monthly_budget_usd"},
		{"monthly_budget_usd", in(func(s *research.SettingsInput) { s.MonthlyBudgetUSD = -1 }), nil, "monthly_budget_usd"},
		{"prices", in(func(s *research.SettingsInput) { s.Prices = `{"openai/o3-deep-research": {"output_per_mtok": 32}}` }),
			`{"openai/o3-deep-research":{"output_per_mtok":32}}`, ""},
		{"prices", in(func(s *research.SettingsInput) { s.Prices = "" }), "", ""},
		{"prices", in(func(s *research.SettingsInput) { s.Prices = `{"openai/o3-deep-research": {"output_per_mtok": -1}}` }), nil, "prices"},
		{"theme", in(func(s *research.SettingsInput) { s.Theme = "light" }), "light", ""},
		{"theme", in(func(s *research.SettingsInput) { s.Theme = "dark" }), "dark", ""},
		{"theme", in(func(s *research.SettingsInput) { s.Theme = "system" }), "system", ""},
		{"theme", in(func(s *research.SettingsInput) { s.Theme = "" }), "system", ""},
		{"theme", in(func(s *research.SettingsInput) { s.Theme = "blue" }), nil, "theme"},
		{"close_action", in(func(s *research.SettingsInput) { s.CloseAction = "quit" }), "quit", ""},
		{"close_action", in(func(s *research.SettingsInput) { s.CloseAction = "keep-tracking" }), "keep-tracking", ""},
		{"close_action", in(func(s *research.SettingsInput) { s.CloseAction = "" }), "keep-tracking", ""},
		{"close_action", in(func(s *research.SettingsInput) { s.CloseAction = "minimize" }), nil, "close_action"},
		{"start_at_login", in(func(s *research.SettingsInput) { s.StartAtLogin = true }), true, ""},
		{"start_at_login", in(func(s *research.SettingsInput) { s.StartAtLogin = false }), false, ""},
		{"mcp_allow_spend", in(func(s *research.SettingsInput) { s.MCPAllowSpend = true }), true, ""},
		{"mcp_allow_spend", in(func(s *research.SettingsInput) { s.MCPAllowSpend = false }), false, ""},
		{"mcp_max_cost_usd", in(func(s *research.SettingsInput) { s.MCPMaxCostUSD = 0.01 }), 0.01, ""},
		{"mcp_max_cost_usd", in(func(s *research.SettingsInput) { s.MCPMaxCostUSD = 1000 }), 1000.0, ""},
		{"mcp_max_cost_usd", in(func(s *research.SettingsInput) { s.MCPMaxCostUSD = 0 }), 5.0, ""},
		{"mcp_max_cost_usd", in(func(s *research.SettingsInput) { s.MCPMaxCostUSD = 1000.01 }), nil, "mcp_max_cost_usd"},
		{"mcp_max_cost_usd", in(func(s *research.SettingsInput) { s.MCPMaxCostUSD = -1 }), nil, "mcp_max_cost_usd"},
	}
}

// viewField is one field of the view, by its JSON name, as JSON decodes it.
func viewField(t *testing.T, v research.SettingsView, field string) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	f, ok := m[field]
	if !ok {
		t.Fatalf("the view has no field %q", field)
	}
	return f
}

// Every value the Settings screen offers is saved, shown, and read back by
// a fresh process that then starts every command; every value past a
// range's end is refused before anything is written, naming its field.
func TestEverySettingsValueIsReadBackByAFreshProcess(t *testing.T) {
	h := newHome(t, map[string]string{"OPENAI_WEBHOOK_SECRET": testSecret})
	svc := h.open()
	cases := settingCases()
	for _, m := range svc.Models() {
		id := m.ID
		cases = append(cases, settingCase{"default_model", func(s *research.SettingsInput) { s.DefaultModel = id }, id, ""})
	}
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.field] = true
	}
	typ := reflect.TypeFor[research.SettingsInput]()
	for i := range typ.NumField() {
		if tag := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]; !covered[tag] {
			t.Errorf("SettingsInput.%s (%s) has no case: add its values to settingCases", typ.Field(i).Name, tag)
		}
	}

	for _, c := range cases {
		in := fullInput(svc.Settings())
		c.set(&in)
		before, _ := os.ReadFile(h.settingsFile())
		v, err := svc.SaveSettings(context.Background(), in)
		if c.bad != "" {
			wantError(t, err, research.ErrInvalid, c.bad)
			if after, _ := os.ReadFile(h.settingsFile()); string(after) != string(before) {
				t.Errorf("%s %+v: a refused save changed settings.json", c.field, in)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: saving %+v: %v", c.field, in, err)
			continue
		}
		if got := viewField(t, v, c.field); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: after saving, the view shows %#v, want %#v", c.field, got, c.want)
		}
		next := h.mustStart("after saving " + c.field)
		nv := next.Settings()
		if got := viewField(t, nv, c.field); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: a fresh process shows %#v, want %#v", c.field, got, c.want)
		}
		if len(nv.SettingsProblems) != 0 {
			t.Errorf("%s: a fresh process reports problems with what the app saved: %+v", c.field, nv.SettingsProblems)
		}
	}
}
