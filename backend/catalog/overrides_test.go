package catalog

import (
	"strings"
	"testing"
)

// TestOverrideMarksAModelRetired: a settings override retires a model with
// a replacement, without a new release, and the result holds together.
func TestOverrideMarksAModelRetired(t *testing.T) {
	o, err := ParseOverrides(`{"gemini/deep-research-max-preview-04-2026": {"lifecycle": "retired", "replacement": "deep-research-preview-04-2026"}}`)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Builtin().Apply(o)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := c.Find("gemini", "deep-research-max-preview-04-2026")
	if !ok || !m.Retired() || m.Replacement != "deep-research-preview-04-2026" {
		t.Errorf("after the override: %+v, want retired, replaced by deep-research-preview-04-2026", m)
	}
	if b, _ := Builtin().Find("gemini", "deep-research-max-preview-04-2026"); b.Retired() {
		t.Error("Apply changed the built-in catalogue")
	}
	if got, want := o.String(), `{"gemini/deep-research-max-preview-04-2026":{"lifecycle":"retired","replacement":"deep-research-preview-04-2026"}}`; got != want {
		t.Errorf("String = %s, want %s", got, want)
	}
	if again, err := ParseOverrides(o.String()); err != nil || again.String() != o.String() {
		t.Errorf("String does not read back: %v, %v", again, err)
	}
}

// TestOverrideOfADefault: retiring a provider's default moves the default
// to its replacement; a deprecation gives its date; bringing a retired
// model back clears its replacement.
func TestOverrideOfADefault(t *testing.T) {
	o, err := ParseOverrides(`{"openai/o3-deep-research": {"lifecycle": "retired", "replacement": "o4-mini-deep-research"},
		"openai/o4-mini-deep-research": {"lifecycle": "deprecated", "shutdown_date": "2027-03-01", "replacement": "o3-deep-research"}}`)
	if err == nil {
		t.Fatalf("a retired default replaced by a model that names it back was accepted: %v", o)
	}
	o, err = ParseOverrides(`{"openai/o3-deep-research": {"lifecycle": "retired", "replacement": "o4-mini-deep-research"}}`)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := Builtin().Apply(o)
	if d, _ := c.Default("openai"); d.ID != "o4-mini-deep-research" {
		t.Errorf("Default(openai) = %s, want the retired default's replacement", d.ID)
	}
	if d := c.DefaultModel(); d.Key() != "openai/o4-mini-deep-research" {
		t.Errorf("DefaultModel = %s", d.Key())
	}
	o, err = ParseOverrides(`{"gemini/deep-research-pro-preview-12-2025": {"lifecycle": "preview"}}`)
	if err != nil {
		t.Fatal(err)
	}
	c, _ = Builtin().Apply(o)
	if m, _ := c.Find("gemini", "deep-research-pro-preview-12-2025"); m.Retired() || m.Replacement != "" || m.ShutdownDate != "" {
		t.Errorf("brought back: %+v, want a preview without replacement or date", m)
	}
}

func TestParseOverridesRefuses(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`[1]`, "JSON object"},
		{`{"gemini/no-such-agent": {"lifecycle": "retired", "replacement": "deep-research-preview-04-2026"}}`, "no-such-agent"},
		{`{"deep-research-preview-04-2026": {"lifecycle": "retired"}}`, "provider/model"},
		{`{"gemini/deep-research-max-preview-04-2026": {"lifecycle": "gone"}}`, "gone"},
		{`{"gemini/deep-research-max-preview-04-2026": {"lifecycle": "retired"}}`, "replacement"},
		{`{"gemini/deep-research-max-preview-04-2026": {"lifecycle": "retired", "replacement": "o3-deep-research"}}`, "o3-deep-research"},
		{`{"perplexity/sonar-deep-research": {"shutdown_date": "soon"}}`, "soon"},
		{`{"gemini/deep-research-max-preview-04-2026": {"price": 3}}`, "price"},
		{`{"gemini/deep-research-preview-04-2026": {"lifecycle": "retired", "replacement": "deep-research-max-preview-04-2026"}, "gemini/deep-research-max-preview-04-2026": {"lifecycle": "retired", "replacement": "deep-research-preview-04-2026"}}`, "retired"},
		{`{"openai/gpt-4.1-mini": {"lifecycle": "retired", "replacement": "o3-deep-research"}}`, "helper"},
	} {
		if _, err := ParseOverrides(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseOverrides(%s) = %v, want an error naming %q", tt.in, err, tt.want)
		}
	}
	if o, err := ParseOverrides("  "); err != nil || len(o) != 0 || o.String() != "" {
		t.Errorf("empty: %v, %v", o, err)
	}
}
