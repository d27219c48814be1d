package research_test

// Settings saved by one process and read by the next, as a user lives
// them: save in the window, quit, start again (the window or any deepr
// command). The service comes from engine.Open on the same folders each
// time, with every provider of engine/providers.go.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/cli"
	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/research"
)

// azureDeployment is the Azure deployment of these tests: a name that is
// no model name, so the Azure model is one of its own.
const azureDeployment = "team-o4-mini-deploy"

// home is one user's folders and environment, opened as many times as a
// test likes.
type home struct {
	t    *testing.T
	env  map[string]string
	work string
}

// newHome makes empty folders with every provider configured (Azure with
// its own deployment); env adds to or replaces the environment.
func newHome(t *testing.T, env map[string]string) *home {
	t.Helper()
	root := t.TempDir()
	h := &home{t: t, work: filepath.Join(root, "work"), env: map[string]string{
		"DEEPR_DATA_DIR":          filepath.Join(root, "data"),
		"DEEPR_CONFIG_DIR":        filepath.Join(root, "config"),
		"AZURE_OPENAI_ENDPOINT":   "https://example-resource.openai.azure.com",
		"AZURE_OPENAI_DEPLOYMENT": azureDeployment,
	}}
	for k, v := range env {
		h.env[k] = v
	}
	if err := os.MkdirAll(h.work, 0o700); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *home) getenv(k string) (string, bool) { v, ok := h.env[k]; return v, ok && v != "" }

func (h *home) settingsFile() string { return config.SettingsPath(h.env["DEEPR_CONFIG_DIR"]) }

// open starts a process (the service as the window gets it) and fails the
// test if it cannot start.
func (h *home) open() *research.Service {
	h.t.Helper()
	l := logrus.New()
	l.SetOutput(&bytes.Buffer{})
	svc, err := engine.Open(engine.Options{Getenv: h.getenv, WorkDir: h.work, Log: l, Holder: "settings process test"})
	if err != nil {
		b, _ := os.ReadFile(h.settingsFile())
		h.t.Fatalf("a new process cannot start: %v\nsettings.json: %s", err, b)
	}
	h.t.Cleanup(func() { _ = svc.Close() })
	return svc
}

// deepr runs one CLI command as a new process would and returns its exit
// code, stdout and stderr.
func (h *home) deepr(args ...string) (int, string, string) {
	h.t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Env{Stdout: &out, Stderr: &errb, Getenv: h.getenv, WorkDir: h.work, Version: "test"})
	return code, out.String(), errb.String()
}

// mustStart checks that a new process starts and `deepr list` works.
func (h *home) mustStart(what string) *research.Service {
	h.t.Helper()
	if code, _, stderr := h.deepr("list"); code != 0 {
		b, _ := os.ReadFile(h.settingsFile())
		h.t.Fatalf("%s: `deepr list` exits %d: %s\nsettings.json: %s", what, code, stderr, b)
	}
	return h.open()
}

// Every model the Settings screen offers (every model of every provider,
// the Azure deployment included) can be saved as the default model, and
// the next process starts with it: the window, and every deepr command.
func TestEveryOfferedModelSavedAsDefaultStartsTheNextProcess(t *testing.T) {
	h := newHome(t, nil)
	svc := h.open()
	models := svc.Models()
	providers := map[string]bool{}
	for _, m := range models {
		providers[m.Provider] = true
	}
	for _, p := range []string{"openai", "gemini", "perplexity", "azure"} {
		if !providers[p] {
			t.Fatalf("the Settings screen offers no %s model: %+v", p, models)
		}
	}
	for _, m := range models {
		in := inputOf(svc.Settings())
		in.DefaultModel = m.ID
		v, err := svc.SaveSettings(context.Background(), in)
		if err != nil {
			t.Errorf("saving the %s model %q as the default: %v", m.Provider, m.ID, err)
		} else if v.DefaultModel != m.ID {
			t.Errorf("after saving %q the view shows %q", m.ID, v.DefaultModel)
		}
		next := h.mustStart("after saving " + m.ID + " as the default model")
		if got := next.Config().Model; got != m.ID {
			t.Errorf("the next process's default model is %q, want %q", got, m.ID)
		}
		if ps := next.Settings().SettingsProblems; len(ps) != 0 {
			t.Errorf("the next process reports problems with what the app saved: %+v", ps)
		}
		res, err := next.Validate(research.SubmitRequest{Prompt: "tea"})
		if err != nil || res.Model != m.ID || res.Provider != m.Provider {
			t.Errorf("a submission without a model after saving %s/%s goes to %s/%s (%v)", m.Provider, m.ID, res.Provider, res.Model, err)
		}
	}
}

// A model no provider offers is refused before anything is written: the
// file keeps what it held, and the error names the field.
func TestSaveSettingsRefusesAnUnknownModelBeforeWriting(t *testing.T) {
	h := newHome(t, nil)
	svc := h.open()
	in := inputOf(svc.Settings())
	in.MaxRunning = 7
	if _, err := svc.SaveSettings(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(h.settingsFile())
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"gpt-4o", "gemini-3-pro", "sonar-pro", "o3-deep-research-typo"} {
		in := inputOf(svc.Settings())
		in.DefaultModel, in.MaxRunning = bad, 9
		_, err := svc.SaveSettings(context.Background(), in)
		e := wantError(t, err, research.ErrInvalid, "default_model")
		if !strings.Contains(e.Msg, "DEEPR_MODEL") || !strings.Contains(e.Msg, bad) || !strings.Contains(e.Msg, "sonar-deep-research") {
			t.Errorf("refusing %q: %q, want the variable, the value and the models offered", bad, e.Msg)
		}
		if after, _ := os.ReadFile(h.settingsFile()); !bytes.Equal(after, before) {
			t.Errorf("a refused save of %q changed settings.json:\n%s\nwas:\n%s", bad, after, before)
		}
		if c := svc.Config(); c.MaxRunning != 7 || c.Model == bad {
			t.Errorf("a refused save changed the configuration in force: %d, %q", c.MaxRunning, c.Model)
		}
	}
	h.mustStart("after refused saves")
}

// fullInput is what the Settings screen sends back unchanged: every field
// of the view that the screen saves.
func fullInput(v research.SettingsView) research.SettingsInput {
	return research.SettingsInput{
		PollIntervalSeconds: v.PollIntervalSeconds, MaxRunning: v.MaxRunning, DefaultModel: v.DefaultModel,
		Notifications: v.Notifications, UseWebhooks: v.UseWebhooks, WebhookListen: v.WebhookListen, WebhookURL: v.WebhookURL,
		MonthlyBudgetUSD: v.MonthlyBudgetUSD, Prices: v.Prices, Theme: v.Theme, CloseAction: v.CloseAction, StartAtLogin: v.StartAtLogin,
	}
}
