package research_test

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/config"
)

// A settings.json with bad values (one, several, hand-edited, truncated,
// not JSON at all) never stops a process: each bad value falls back to
// its default, the good ones stay, and Settings, Health and the doctor say
// which values were set aside and why. Saving the Settings screen again
// writes a good file and the notice goes.
func TestStartUpSurvivesBadSavedSettings(t *testing.T) {
	cases := []struct {
		name     string
		file     string
		problems []string // the settings named, in any order
		poll     time.Duration
		keepsOld bool // the damaged file is kept beside the new one
	}{
		{"one bad value", `{"DEEPR_MAX_RUNNING": "0", "DEEPR_POLL_INTERVAL": "45"}`,
			[]string{"DEEPR_MAX_RUNNING"}, 45 * time.Second, false},
		{"several bad values", `{"DEEPR_MAX_RUNNING": "abc", "DEEPR_THEME": "blue", "DEEPR_MODEL": "gpt-4o", "DEEPR_POLL_INTERVAL": "45",
			"DEEPR_MONTHLY_BUDGET": "-5", "DEEPR_PRICES": "{nope", "DEEPR_CLOSE_ACTION": "minimize", "DEEPR_WEBHOOK_LISTEN": "nowhere"}`,
			[]string{"DEEPR_MAX_RUNNING", "DEEPR_MODEL", "DEEPR_WEBHOOK_LISTEN", "DEEPR_MONTHLY_BUDGET", "DEEPR_PRICES", "DEEPR_CLOSE_ACTION", "DEEPR_THEME"}, 45 * time.Second, false},
		{"a model no provider offers any more", `{"DEEPR_MODEL": "deep-research-pro-preview-01-2020", "DEEPR_POLL_INTERVAL": "45"}`,
			[]string{"DEEPR_MODEL"}, 45 * time.Second, false},
		{"hand-edited: numbers, a typo, a key, the config folder", `{"DEEPR_MAX_RUNNING": 5, "DEEPR_POLL_INTERVALL": "45", "OPENAI_API_KEY": "sk-in-the-file-0000000000", "DEEPR_CONFIG_DIR": "/elsewhere", "DEEPR_NOTIFICATIONS": [true]}`,
			[]string{"DEEPR_POLL_INTERVALL", "OPENAI_API_KEY", "DEEPR_CONFIG_DIR", "DEEPR_NOTIFICATIONS"}, 30 * time.Second, false},
		{"truncated", `{"DEEPR_MAX_RUNNING": "5", "DEEPR_POLL_INTER`, []string{"settings.json"}, 30 * time.Second, true},
		{"empty", ``, []string{"settings.json"}, 30 * time.Second, true},
		{"not JSON", "DEEPR_POLL_INTERVAL=45\n", []string{"settings.json"}, 30 * time.Second, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHome(t, nil)
			h.writeSettings(c.file)
			svc := h.mustStart("with " + c.name)
			cfg := svc.Config()
			def, err := config.Load(config.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if cfg.PollInterval != c.poll || cfg.Theme != def.Theme || cfg.Model != def.Model || cfg.MonthlyBudgetUSD != 0 || cfg.CloseAction != def.CloseAction {
				t.Errorf("in force: poll %s (want %s), theme %q, model %q, budget %v, close %q: want the defaults for the bad values",
					cfg.PollInterval, c.poll, cfg.Theme, cfg.Model, cfg.MonthlyBudgetUSD, cfg.CloseAction)
			}
			if cfg.OpenAIAPIKey != "" || cfg.ConfigDir != h.env["DEEPR_CONFIG_DIR"] {
				t.Errorf("settings.json set a key or moved the config folder")
			}

			v := svc.Settings()
			var got []string
			for _, p := range v.SettingsProblems {
				got = append(got, p.Setting)
				if p.Reason == "" {
					t.Errorf("problem %+v says no reason", p)
				}
				if strings.Contains(p.Value, "sk-in-the-file") || strings.Contains(p.Reason, "sk-in-the-file") {
					t.Errorf("problem %+v shows the key from the file", p)
				}
			}
			sort.Strings(got)
			sort.Strings(c.problems)
			if strings.Join(got, ",") != strings.Join(c.problems, ",") {
				t.Errorf("problems name %v, want %v (%+v)", got, c.problems, v.SettingsProblems)
			}
			if v.SettingsNotice == "" || svc.Health().SettingsNotice != v.SettingsNotice {
				t.Errorf("notice in Settings %q, in Health %q: want the same, not empty", v.SettingsNotice, svc.Health().SettingsNotice)
			}
			_, out, _ := h.deepr("doctor")
			for _, name := range c.problems {
				if !strings.Contains(out, name) || !strings.Contains(out, "[FAIL] saved settings") {
					t.Errorf("`deepr doctor` does not report %s as a failed check of the saved settings:\n%s", name, out)
				}
			}
			if strings.Contains(out, "sk-in-the-file") {
				t.Errorf("`deepr doctor` prints the key from settings.json:\n%s", out)
			}

			// Saving the screen as shown writes a good file: no notice, here
			// or in the next process.
			v, err = svc.SaveSettings(context.Background(), fullInput(v))
			if err != nil {
				t.Fatalf("saving the Settings screen as shown: %v", err)
			}
			if len(v.SettingsProblems) != 0 || v.SettingsNotice != "" || svc.Health().SettingsNotice != "" {
				t.Errorf("after saving: problems %+v, notice %q, health %q", v.SettingsProblems, v.SettingsNotice, svc.Health().SettingsNotice)
			}
			next := h.mustStart("after saving again")
			if ps := next.Settings().SettingsProblems; len(ps) != 0 || next.Config().PollInterval != c.poll {
				t.Errorf("the next process: problems %+v, poll %s (want %s)", ps, next.Config().PollInterval, c.poll)
			}
			old, err := os.ReadFile(h.settingsFile() + ".damaged")
			switch {
			case c.keepsOld && (err != nil || string(old) != c.file):
				t.Errorf("the damaged file was not kept as settings.json.damaged: %q, %v", old, err)
			case !c.keepsOld && err == nil:
				t.Errorf("a readable file was set aside as settings.json.damaged")
			}
		})
	}
}

// A bad value in the environment is the user's own typing: it still stops
// the process with a message naming it, as before.
func TestABadEnvironmentValueStillStopsStartUp(t *testing.T) {
	h := newHome(t, map[string]string{"DEEPR_MAX_RUNNING": "lots", "DEEPR_MODEL": "gpt-4o"})
	code, _, stderr := h.deepr("list")
	for _, want := range []string{`DEEPR_MAX_RUNNING="lots"`, "from 1 to 50", `DEEPR_MODEL="gpt-4o"`, "sonar-deep-research"} {
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("`deepr list` with bad environment values: exit %d, stderr %q; want exit 1 and %q", code, stderr, want)
		}
	}
}
