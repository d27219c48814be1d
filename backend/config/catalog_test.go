package config

import (
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/catalog"
)

// TestModelsSetting: DEEPR_MODELS overrides the catalogue in force, like
// DEEPR_PRICES the prices; a bad value is refused from the environment and
// set aside from settings.json.
func TestModelsSetting(t *testing.T) {
	const retire = `{"gemini/deep-research-max-preview-04-2026": {"lifecycle": "retired", "replacement": "deep-research-preview-04-2026"}}`
	o := setup(t)
	o.Getenv = env(map[string]string{catalog.Setting: retire})
	c, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := c.Catalog().Find("gemini", "deep-research-max-preview-04-2026"); !m.Retired() {
		t.Errorf("Catalog() after DEEPR_MODELS: %+v, want retired", m)
	}
	if m, _ := catalog.Builtin().Find("gemini", "deep-research-max-preview-04-2026"); m.Retired() {
		t.Error("the override changed the built-in catalogue")
	}
	if got := c.Get(catalog.Setting); !strings.Contains(got, `"lifecycle":"retired"`) {
		t.Errorf("Get(DEEPR_MODELS) = %q", got)
	}
	if d, err := Load(setup(t)); err != nil || d.Get(catalog.Setting) != "" || d.Catalog() == nil {
		t.Errorf("unset: %q, %v", d.Get(catalog.Setting), err)
	}

	bad := `{"gemini/deep-research-max-preview-04-2026": {"lifecycle": "retired"}}`
	o = setup(t)
	o.Getenv = env(map[string]string{catalog.Setting: bad})
	if _, err := Load(o); err == nil || !strings.Contains(err.Error(), "DEEPR_MODELS=") || !strings.Contains(err.Error(), "replacement") {
		t.Errorf("Load with a retired model without replacement: %v", err)
	}
	o = setup(t)
	o.Saved = map[string]string{catalog.Setting: bad}
	c, err = Load(o)
	if err != nil || len(c.SettingsProblems) != 1 || c.SettingsProblems[0].Setting != catalog.Setting || c.Get(catalog.Setting) != "" {
		t.Errorf("a bad saved DEEPR_MODELS: %v, problems %+v; want it set aside", err, c.SettingsProblems)
	}
}

// TestDefaultModelFollowsTheCatalogue: with DEEPR_MODEL unset, the default
// model is the catalogue's; when an override retires it, its replacement.
func TestDefaultModelFollowsTheCatalogue(t *testing.T) {
	c, err := Load(setup(t))
	if err != nil || c.Model != catalog.Builtin().DefaultModel().ID || c.Model == "" {
		t.Errorf("Model = %q, %v; want the catalogue's default", c.Model, err)
	}
	o := setup(t)
	o.Getenv = env(map[string]string{catalog.Setting: `{"openai/o3-deep-research": {"lifecycle": "retired", "replacement": "o4-mini-deep-research"}}`})
	if c, err = Load(o); err != nil || c.Model != "o4-mini-deep-research" || c.Source["DEEPR_MODEL"] != SourceDefault {
		t.Errorf("Model = %q (%s), %v; want the retired default's replacement", c.Model, c.Source["DEEPR_MODEL"], err)
	}
	if d, _ := c.Catalog().Default("azure"); c.AzureDeployment != d.ID {
		t.Errorf("AzureDeployment = %q, want the catalogue's default Azure model %q", c.AzureDeployment, d.ID)
	}
}
