package research_test

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/research"
)

// A card's save changes its own fields only: a budget saved by the
// Spending card leaves the Research card's poll interval as saved, and a
// poll interval saved later leaves the budget.
func TestSaveSettingsPatchSavesOnlyItsFields(t *testing.T) {
	u := newUnit(t, nil)
	budget := 12.5
	if _, err := u.svc.SaveSettingsPatch(u.ctx, research.SettingsPatch{MonthlyBudgetUSD: &budget}); err != nil {
		t.Fatal(err)
	}
	poll := 9
	v, err := u.svc.SaveSettingsPatch(u.ctx, research.SettingsPatch{PollIntervalSeconds: &poll})
	if err != nil {
		t.Fatal(err)
	}
	if v.MonthlyBudgetUSD != 12.5 || v.PollIntervalSeconds != 9 {
		t.Errorf("after two card saves: budget %v, poll %d; want 12.5 and 9", v.MonthlyBudgetUSD, v.PollIntervalSeconds)
	}
	m, err := config.LoadSettings(u.dirs.Config)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"DEEPR_MAX_RUNNING", "DEEPR_THEME", "DEEPR_NOTIFICATIONS", "DEEPR_USE_WEBHOOKS"} {
		if _, ok := m[name]; ok {
			t.Errorf("settings.json holds %s=%q, which no card saved", name, m[name])
		}
	}
	if u.svc.Config().PollInterval != 9*time.Second {
		t.Errorf("the poll interval was not applied")
	}
}

// An invalid value refuses its own card's save, naming its field, and
// writes nothing.
func TestSaveSettingsPatchRefusesNamingTheField(t *testing.T) {
	u := newUnit(t, nil)
	budget := -5.0
	_, err := u.svc.SaveSettingsPatch(u.ctx, research.SettingsPatch{MonthlyBudgetUSD: &budget})
	wantError(t, err, research.ErrInvalid, "monthly_budget_usd")
	n := 0
	_, err = u.svc.SaveSettingsPatch(u.ctx, research.SettingsPatch{MaxRunning: &n})
	wantError(t, err, research.ErrInvalid, "max_running")
}

func TestAsViewMapsEveryKind(t *testing.T) {
	for _, c := range []struct {
		err                  error
		kind, field, message string
	}{
		{&research.Error{Kind: research.ErrInvalid, Field: "max_running", Msg: "Use 1 to 50."}, "invalid", "max_running", "Use 1 to 50."},
		{fmt.Errorf("saving: %w", &research.Error{Kind: research.ErrNotFound, Msg: "No such job."}), "not_found", "", "Saving: No such job."},
		{&research.Error{Kind: research.ErrNotAllowed, Msg: "x"}, "not_allowed", "", "X."},
		{&research.Error{Kind: research.ErrNotFinished, Msg: "the job is still running"}, "not_finished", "", "The job is still running."},
		{&research.Error{Kind: research.ErrProvider, Msg: "is it up?"}, "provider", "", "Is it up?"},
		{errors.New("disk full"), "internal", "", "Disk full."},
	} {
		v := research.AsView(c.err)
		if v == nil || v.Kind != c.kind || v.Field != c.field || v.Message != c.message {
			t.Errorf("AsView(%v) = %+v, want kind %q field %q message %q (a sentence)", c.err, v, c.kind, c.field, c.message)
		}
	}
	if research.AsView(nil) != nil {
		t.Errorf("AsView(nil) is not nil")
	}
}

// The view carries each field's constraints from config: range, unit,
// default, and the variable that locks it.
func TestSettingsViewCarriesFieldSpecs(t *testing.T) {
	u := newUnit(t, map[string]string{"DEEPR_MAX_RUNNING": "4"})
	f := u.svc.Settings().Fields
	p, ok := f["poll_interval_seconds"]
	if !ok || p.Min != 1 || p.Max != 3600 || p.Default != "30" || p.Unit != "seconds" || p.LockedBy != "" {
		t.Errorf("poll_interval_seconds spec = %+v", p)
	}
	if m := f["max_running"]; m.Min != 1 || m.Max != 50 || m.LockedBy != "DEEPR_MAX_RUNNING" {
		t.Errorf("max_running spec = %+v", m)
	}
	if b := f["monthly_budget_usd"]; b.Unit != "USD" || b.Min != 0 {
		t.Errorf("monthly_budget_usd spec = %+v", b)
	}
}

// A saved value start-up already set aside (its default is in force) does
// not block another card's save: it is dropped, as a full save drops it.
func TestSaveSettingsPatchIsNotBlockedByASetAsideValue(t *testing.T) {
	u := newUnit(t, nil)
	if err := os.WriteFile(config.SettingsPath(u.dirs.Config), []byte(`{"DEEPR_MAX_RUNNING": "0"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := u.svc.Reload(u.ctx); err != nil {
		t.Fatal(err)
	}
	if len(u.svc.Config().SettingsProblems) == 0 {
		t.Skip("this unit's reload does not read settings.json")
	}
	budget := 20.0
	v, err := u.svc.SaveSettingsPatch(u.ctx, research.SettingsPatch{MonthlyBudgetUSD: &budget})
	if err != nil {
		t.Fatalf("the Spending card's save was blocked by a set-aside max_running: %v", err)
	}
	if v.MonthlyBudgetUSD != 20 || len(v.SettingsProblems) != 0 {
		t.Errorf("budget %v, problems %v; want 20 and none", v.MonthlyBudgetUSD, v.SettingsProblems)
	}
}
