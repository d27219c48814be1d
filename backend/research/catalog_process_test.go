package research_test

// The model catalogue through whole processes (engine.Open and the CLI):
// a retired model refused by `deepr submit`, a retired default model set
// aside at start-up with its replacement named, the doctor's models line.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/catalog"
)

// TestRetiredModelRefusedByTheCLI: `deepr submit` with the retired Gemini
// agent exits with an error naming the agent to use; nothing is queued.
func TestRetiredModelRefusedByTheCLI(t *testing.T) {
	h := newHome(t, nil)
	for _, args := range [][]string{
		{"submit", "--provider", "gemini", "--model", retiredAgent, "Tea in Kenya"},
		{"submit", "--model", retiredAgent, "Tea in Kenya"},
		{"submit", "--dry-run", "--model", retiredAgent, "Tea in Kenya"},
	} {
		code, stdout, stderr := h.deepr(args...)
		if code != 1 || !strings.Contains(stderr, replacementAgent) || !strings.Contains(stderr, "retired") {
			t.Errorf("deepr %s: exit %d, stdout %q, stderr %q; want exit 1 naming %s", strings.Join(args, " "), code, stdout, stderr, replacementAgent)
		}
	}
	if code, stdout, _ := h.deepr("list", "--json"); code != 0 || strings.Contains(stdout, retiredAgent) {
		t.Errorf("deepr list after the refusals: exit %d, %s", code, stdout)
	}
	if code, stdout, _ := h.deepr("doctor"); !strings.Contains(stdout, "] models") {
		t.Errorf("deepr doctor (exit %d) prints no models line:\n%s", code, stdout)
	}
}

// TestRetiredDefaultModelSetAside: a DEEPR_MODEL saved in settings.json
// that is retired (by the catalogue, or by an override saved beside it) is
// set aside at start-up, the replacement named, and the default is in force.
func TestRetiredDefaultModelSetAside(t *testing.T) {
	for _, c := range []struct{ name, file, model, instead string }{
		{"the retired Gemini agent", `{"DEEPR_MODEL": "` + retiredAgent + `"}`, retiredAgent, replacementAgent},
		{"retired by an override", `{"DEEPR_MODEL": "o4-mini-deep-research", "` + catalog.Setting +
			`": "{\"openai/o4-mini-deep-research\": {\"lifecycle\": \"retired\", \"replacement\": \"o3-deep-research\"}}"}`,
			"o4-mini-deep-research", "o3-deep-research"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHome(t, nil)
			h.writeSettings(c.file)
			svc := h.mustStart("with " + c.name + " saved as the default model")
			if got := svc.Config().Model; got == c.model {
				t.Errorf("the retired model %s is in force", got)
			}
			v := svc.Settings()
			found := false
			for _, p := range v.SettingsProblems {
				if p.Setting == "DEEPR_MODEL" && p.Value == c.model {
					found = true
					if !strings.Contains(p.Reason, c.instead) || !strings.Contains(p.Reason, "retired") {
						t.Errorf("reason %q, want it retired and %s named", p.Reason, c.instead)
					}
				}
			}
			if !found {
				t.Errorf("DEEPR_MODEL=%s is not set aside: %+v", c.model, v.SettingsProblems)
			}
			for _, m := range svc.Models() {
				if m.ID == c.model && m.Provider != "azure" {
					t.Errorf("Settings still offers the retired %s: %+v", c.model, m)
				}
			}
			in := inputOf(v)
			in.DefaultModel = c.model
			if _, err := svc.SaveSettings(t.Context(), in); err == nil || !strings.Contains(err.Error(), c.instead) {
				t.Errorf("saving the retired model as the default: %v, want a refusal naming %s", err, c.instead)
			}
		})
	}
}

// writeSettings writes settings.json as a user (or an older version) left it.
func (h *home) writeSettings(content string) {
	h.t.Helper()
	if err := os.MkdirAll(filepath.Dir(h.settingsFile()), 0o700); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(h.settingsFile(), []byte(content), 0o600); err != nil {
		h.t.Fatal(err)
	}
}
