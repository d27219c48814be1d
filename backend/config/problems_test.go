package config

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// deepResearchOnly stands in for the providers' models: a model must end
// in -deep-research, or be the Azure deployment in force.
func deepResearchOnly(c Config, m string) error {
	if strings.HasSuffix(m, "-deep-research") || m == c.AzureDeployment {
		return nil
	}
	return errors.New("use a model ending in -deep-research")
}

func names(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Setting)
	}
	return out
}

// What settings.json holds never stops Load: each bad value falls back to
// its default and is listed, in documentation order, with its reason; the
// good values stay in force.
func TestLoadSetsAsideBadSavedValues(t *testing.T) {
	o := setup(t)
	o.CheckModel = deepResearchOnly
	write(t, SettingsPath(o.DefaultConfigDir), `{"DEEPR_THEME": "blue", "DEEPR_MAX_RUNNING": "0", "DEEPR_POLL_INTERVAL": "45",
		"DEEPR_MODEL": "gpt-4o", "DEEPR_DATA_DIR": "relative/data", "DEEPR_COLOUR": "blue", "GEMINI_API_KEY": "AIza-from-the-file",
		"DEEPR_CONFIG_DIR": "/elsewhere", "DEEPR_MONTHLY_BUDGET": "12"}`)
	c, err := Load(o)
	if err != nil {
		t.Fatalf("Load stopped on saved values: %v", err)
	}
	want := []string{"DEEPR_MODEL", "DEEPR_MAX_RUNNING", "DEEPR_DATA_DIR", "DEEPR_CONFIG_DIR", "GEMINI_API_KEY", "DEEPR_THEME", "DEEPR_COLOUR"}
	if got := names(c.SettingsProblems); !reflect.DeepEqual(got, want) {
		t.Errorf("problems name %v, want %v", got, want)
	}
	if c.Theme != ThemeSystem || c.MaxRunning != 3 || c.Model != "o3-deep-research" || c.DataDir != o.DefaultDataDir || c.ConfigDir != o.DefaultConfigDir || c.GeminiAPIKey != "" {
		t.Errorf("bad values in force: theme %q, max running %d, model %q, data %q, config %q", c.Theme, c.MaxRunning, c.Model, c.DataDir, c.ConfigDir)
	}
	if c.PollInterval != 45*time.Second || c.MonthlyBudgetUSD != 12 {
		t.Errorf("good saved values lost: poll %s, budget %v", c.PollInterval, c.MonthlyBudgetUSD)
	}
	for _, n := range []string{"DEEPR_THEME", "DEEPR_MAX_RUNNING", "DEEPR_MODEL"} {
		if c.Source[n] != SourceDefault {
			t.Errorf("Source[%s] = %q, want default", n, c.Source[n])
		}
	}
	lines := map[string]string{}
	for _, p := range c.SettingsProblems {
		lines[p.Setting] = p.String()
		if strings.Contains(p.String(), "AIza-from-the-file") || strings.Contains(p.String(), "blue") && p.Setting == "DEEPR_COLOUR" {
			t.Errorf("a problem shows the value of a key or an unknown name: %q", p)
		}
	}
	for name, want := range map[string]string{
		"DEEPR_MAX_RUNNING": `DEEPR_MAX_RUNNING="0" is not valid: use a whole number from 1 to 50`,
		"DEEPR_MODEL":       `DEEPR_MODEL="gpt-4o" is not valid: use a model ending in -deep-research`,
		"DEEPR_DATA_DIR":    `DEEPR_DATA_DIR="relative/data" is not valid: use an absolute folder path`,
		"GEMINI_API_KEY":    `GEMINI_API_KEY in settings.json is ignored: keys and secrets are never kept there`,
		"DEEPR_COLOUR":      `DEEPR_COLOUR in settings.json is ignored: it is not a Deepr setting`,
		"DEEPR_CONFIG_DIR":  `DEEPR_CONFIG_DIR in settings.json is ignored: the file cannot say where it is itself`,
	} {
		if !strings.HasPrefix(lines[name], want) {
			t.Errorf("%s: %q, want it to start with %q", name, lines[name], want)
		}
	}
}

// A value from the environment or a .env file stays strict: it stops Load
// with a message naming it, as before, even beside saved values set aside.
func TestLoadStaysStrictOutsideSettings(t *testing.T) {
	o := setup(t)
	o.CheckModel = deepResearchOnly
	o.Getenv = env(map[string]string{"DEEPR_MAX_RUNNING": "0"})
	write(t, o.WorkDir+"/.env", "DEEPR_MODEL=gpt-4o\n")
	write(t, SettingsPath(o.DefaultConfigDir), `{"DEEPR_THEME": "blue"}`)
	c, err := Load(o)
	for _, want := range []string{`DEEPR_MAX_RUNNING="0" is not valid`, `DEEPR_MODEL="gpt-4o" (from .env in the working directory) is not valid: use a model ending in -deep-research`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load error %v, want one containing %q", err, want)
		}
	}
	if got := names(c.SettingsProblems); !reflect.DeepEqual(got, []string{"DEEPR_THEME"}) {
		t.Errorf("problems name %v, want the saved theme only", got)
	}
}

// The model is checked against the rest of the configuration: a saved
// Azure deployment is a model once the deployment is configured, from any
// layer, and the check sees the deployment in force.
func TestLoadChecksTheModelLast(t *testing.T) {
	o := setup(t)
	o.CheckModel = deepResearchOnly
	write(t, SettingsPath(o.DefaultConfigDir), `{"DEEPR_MODEL": "team-deploy"}`)
	if c, _ := Load(o); c.Model != "o3-deep-research" || !reflect.DeepEqual(names(c.SettingsProblems), []string{"DEEPR_MODEL"}) {
		t.Errorf("without the deployment: model %q, problems %v", c.Model, c.SettingsProblems)
	}
	o.Getenv = env(map[string]string{"AZURE_OPENAI_DEPLOYMENT": "team-deploy"})
	if c, err := Load(o); err != nil || c.Model != "team-deploy" || c.SettingsProblems != nil || c.Source["DEEPR_MODEL"] != SourceSettings {
		t.Errorf("with the deployment: model %q from %q, problems %v, %v", c.Model, c.Source["DEEPR_MODEL"], c.SettingsProblems, err)
	}
	o.CheckModel = func(Config, string) error { return errors.New("no model at all") }
	if _, err := Load(o); err == nil || !strings.Contains(err.Error(), `the default of DEEPR_MODEL ("o3-deep-research") is not valid`) {
		t.Errorf("a default no provider offers: %v, want an error", err)
	}
}

// A file that is no JSON object sets every saved setting aside, with one
// problem naming the file; Saved stands in for the file.
func TestLoadWithADamagedOrStandInFile(t *testing.T) {
	o := setup(t)
	write(t, SettingsPath(o.DefaultConfigDir), `{"DEEPR_MAX_RUNNING": "5", "DEEPR_POLL`)
	c, err := Load(o)
	if err != nil || c.MaxRunning != 3 || len(c.SettingsProblems) != 1 || c.SettingsProblems[0].Setting != SettingsFile ||
		!strings.Contains(c.SettingsProblems[0].String(), "is damaged") {
		t.Fatalf("a damaged file: max running %d, problems %+v, %v", c.MaxRunning, c.SettingsProblems, err)
	}
	o.Saved = map[string]string{"DEEPR_MAX_RUNNING": "9", "DEEPR_THEME": "dark"}
	c, err = Load(o)
	if err != nil || c.MaxRunning != 9 || c.Theme != ThemeDark || c.SettingsProblems != nil {
		t.Errorf("Load with Saved: max running %d, theme %q, problems %+v, %v", c.MaxRunning, c.Theme, c.SettingsProblems, err)
	}
}

// Saving over a damaged file keeps it beside the new one.
func TestSaveSettingsKeepsADamagedFile(t *testing.T) {
	dir := t.TempDir()
	write(t, SettingsPath(dir), `{"DEEPR_MAX_RUN`)
	if err := SaveSettings(dir, map[string]string{"DEEPR_MAX_RUNNING": "4"}); err != nil {
		t.Fatal(err)
	}
	if got, err := LoadSettings(dir); err != nil || got["DEEPR_MAX_RUNNING"] != "4" {
		t.Errorf("after saving: %v, %v", got, err)
	}
	if b, err := os.ReadFile(SettingsPath(dir) + ".damaged"); err != nil || string(b) != `{"DEEPR_MAX_RUN` {
		t.Errorf("the damaged file: %q, %v; want it kept as settings.json.damaged", b, err)
	}
}
