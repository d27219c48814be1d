package catalog

import (
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/provider"
)

// TestBuiltinIsConsistent: the embedded catalogue loads and every entry
// holds together: one default research model per provider, replacements
// that exist and are not retired, prices and a profile for every research
// model, a shutdown date for every deprecated one.
func TestBuiltinIsConsistent(t *testing.T) {
	c := Builtin()
	if err := c.Check(); err != nil {
		t.Fatalf("the built-in catalogue is inconsistent: %v", err)
	}
	if len(c.Providers()) != 4 {
		t.Errorf("providers = %+v, want openai, gemini, perplexity and azure", c.Providers())
	}
	for _, p := range c.Providers() {
		defaults := 0
		for _, m := range c.Research(p.Name) {
			if m.Default {
				defaults++
			}
		}
		if defaults != 1 {
			t.Errorf("%s has %d default research models, want 1", p.Name, defaults)
		}
		if d, ok := c.Default(p.Name); !ok || d.Retired() {
			t.Errorf("Default(%s) = %+v, %v: want a model that is not retired", p.Name, d, ok)
		}
	}
	for _, m := range c.All() {
		if m.Name == "" || m.Description == "" {
			t.Errorf("%s has no display name or description", m.Key())
		}
		if m.Prices.InputPerMTok <= 0 || m.Prices.OutputPerMTok <= 0 {
			t.Errorf("%s has no token prices: %+v", m.Key(), m.Prices)
		}
		if m.Kind != Research {
			continue
		}
		if _, ok := c.Profile(m.Profile); !ok {
			t.Errorf("%s names the profile %q, which the catalogue does not define", m.Key(), m.Profile)
		}
		if m.Honours.WebSearch == "" || m.Honours.CodeInterpreter == "" {
			t.Errorf("%s does not say how it treats its tools: %+v", m.Key(), m.Honours)
		}
		switch m.Lifecycle {
		case Deprecated:
			if _, ok := m.Shutdown(); !ok {
				t.Errorf("%s is deprecated without a shutdown date", m.Key())
			}
		case Retired:
			r, ok := c.Find(m.Provider, m.Replacement)
			if !ok || r.Retired() || r.Kind != Research {
				t.Errorf("%s is retired with the replacement %q, which is missing or retired itself", m.Key(), m.Replacement)
			}
		}
	}
}

// TestBuiltinAsOfDecember2026: the entries as the providers are on
// 2026-12-07 (docs: provider-apis.md section 7).
func TestBuiltinAsOfDecember2026(t *testing.T) {
	c := Builtin()
	want := []struct {
		provider, id string
		api          API
		lifecycle    Lifecycle
		def          bool
		shutdown     string
		replacement  string
	}{
		{"openai", "o3-deep-research", APIResponses, Stable, true, "", ""},
		{"openai", "o4-mini-deep-research", APIResponses, Stable, false, "", ""},
		{"azure", "o3-deep-research", APIResponses, Stable, true, "", ""},
		{"azure", "o4-mini-deep-research", APIResponses, Stable, false, "", ""},
		{"gemini", "deep-research-preview-04-2026", APIInteractions, Preview, true, "", ""},
		{"gemini", "deep-research-max-preview-04-2026", APIInteractions, Preview, false, "", ""},
		{"gemini", "deep-research-pro-preview-12-2025", APIInteractions, Retired, false, "2026-10-23", "deep-research-preview-04-2026"},
		{"perplexity", "deep-research", APIAgent, Stable, true, "", ""},
		{"perplexity", "advanced-deep-research", APIAgent, Stable, false, "", ""},
		{"perplexity", "sonar-deep-research", APIAsync, Deprecated, false, "2026-09-27", "deep-research"},
	}
	for _, w := range want {
		m, ok := c.Find(w.provider, w.id)
		if !ok {
			t.Errorf("%s/%s is not in the catalogue", w.provider, w.id)
			continue
		}
		if m.API != w.api || m.Lifecycle != w.lifecycle || m.Default != w.def || m.ShutdownDate != w.shutdown || m.Replacement != w.replacement {
			t.Errorf("%s = api %q, lifecycle %q, default %v, shutdown %q, replacement %q; want %q, %q, %v, %q, %q",
				m.Key(), m.API, m.Lifecycle, m.Default, m.ShutdownDate, m.Replacement, w.api, w.lifecycle, w.def, w.shutdown, w.replacement)
		}
	}
	if n := len(c.Research("perplexity")) + len(c.Research("gemini")) + len(c.Research("openai")) + len(c.Research("azure")); n != len(want) {
		t.Errorf("%d research models, want the %d above", n, len(want))
	}
	if d := c.DefaultModel(); d.Key() != "openai/o3-deep-research" {
		t.Errorf("DefaultModel = %s, want openai/o3-deep-research", d.Key())
	}
	if h, ok := c.Helper("openai"); !ok || h.ID != "gpt-4.1-mini" || h.Kind != Helper {
		t.Errorf("Helper(openai) = %+v, %v: want gpt-4.1-mini", h, ok)
	}
	// The Agent API presets report their own cost; the estimate uses the
	// per-call tool price of web_search ($5 per 1,000).
	if m, _ := c.Find("perplexity", "deep-research"); m.Prices.WebSearchPer1K != 5 || m.Honours.Cancel || !m.Honours.Continue {
		t.Errorf("perplexity/deep-research = %+v, want $5 per 1,000 searches, no cancel, continues", m)
	}
	if m, _ := c.Find("openai", "o3-deep-research"); m.Honours != (provider.Capabilities{WebSearch: provider.ToolOptional,
		CodeInterpreter: provider.ToolOptional, MaxToolCalls: true, CostCap: true, Cancel: true, Continue: true}) {
		t.Errorf("openai/o3-deep-research honours %+v", m.Honours)
	}
}

func TestFindAndResolve(t *testing.T) {
	c := Builtin()
	for _, tt := range []struct {
		provider, name, want string
		ok                   bool
	}{
		{"openai", "o3-deep-research", "o3-deep-research", true},
		{"openai", "o3-deep-research-2025-06-26", "o3-deep-research", true}, // a dated snapshot
		{"openai", "o3-deep-research-2024-01-01", "", false},
		{"openai", "O3-DEEP-RESEARCH", "", false},
		{"gemini", "o3-deep-research", "", false}, // per provider
		{"azure", "o4-mini-deep-research", "o4-mini-deep-research", true},
		{"azure", "team-O4-Mini-dr", "o4-mini-deep-research", true}, // a deployment, by what its name says
		{"azure", "my-deployment", "o3-deep-research", true},        // any other deployment: the provider's default
		{"perplexity", "sonar-pro", "", false},
	} {
		m, ok := c.Resolve(tt.provider, tt.name)
		if ok != tt.ok || m.ID != tt.want {
			t.Errorf("Resolve(%q, %q) = %q, %v; want %q, %v", tt.provider, tt.name, m.ID, ok, tt.want, tt.ok)
		}
	}
	if _, ok := c.Find("azure", "my-deployment"); ok {
		t.Error("Find matched a free-form deployment name; only Resolve should")
	}
}

// TestWarnsFrom30Days: a deprecated model warns from 30 days before its
// shutdown date (and after it), not 31.
func TestWarnsFrom30Days(t *testing.T) {
	m, _ := Builtin().Find("perplexity", "sonar-deep-research") // shuts down 2026-09-27
	day := func(s string, hour int) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(time.Duration(hour) * time.Hour)
	}
	for _, tt := range []struct {
		now  time.Time
		days int
		warn bool
	}{
		{day("2026-08-27", 23), 31, false},
		{day("2026-08-28", 0), 30, true},
		{day("2026-09-26", 12), 1, true},
		{day("2026-09-27", 0), 0, true},
		{day("2026-12-07", 9), -71, true},
	} {
		if got := m.DaysLeft(tt.now); got != tt.days {
			t.Errorf("DaysLeft(%s) = %d, want %d", tt.now, got, tt.days)
		}
		if got := m.Warns(tt.now); got != tt.warn {
			t.Errorf("Warns(%s) = %v, want %v", tt.now, got, tt.warn)
		}
	}
	// In another time zone the date is still the UTC date.
	if got := m.DaysLeft(day("2026-08-28", 1).In(time.FixedZone("UTC-5", -5*3600))); got != 30 {
		t.Errorf("DaysLeft in UTC-5 = %d, want 30", got)
	}
	for _, id := range []string{"o3-deep-research"} {
		s, _ := Builtin().Find("openai", id)
		if s.Warns(day("2030-01-01", 0)) {
			t.Errorf("%s warns, but it is not deprecated", id)
		}
	}
}

// TestCheckRefuses: broken catalogues are refused, each saying what is wrong.
func TestCheckRefuses(t *testing.T) {
	good := `{"providers":[{"name":"p"}],"fallback_profile":"x","profiles":{"x":{"calls":[1,2]}},"models":[
		{"provider":"p","id":"a","name":"A","description":"d","api":"responses","default":true,"profile":"x","prices":{"input_per_mtok":1,"output_per_mtok":1},"honours":{"web_search":"always","code_interpreter":"never"}},
		{"provider":"p","id":"b","name":"B","description":"d","api":"responses","profile":"x","prices":{"input_per_mtok":1,"output_per_mtok":1},"honours":{"web_search":"always","code_interpreter":"never"}%s}]}`
	if _, err := Parse([]byte(strings.Replace(good, "%s", "", 1))); err != nil {
		t.Fatalf("the good catalogue: %v", err)
	}
	for _, tt := range []struct{ name, extra, want string }{
		{"two defaults", `,"default":true`, "2 default"},
		{"retired without replacement", `,"lifecycle":"retired"`, "replacement"},
		{"replacement missing", `,"lifecycle":"retired","replacement":"zzz"`, "zzz"},
		{"replaces itself", `,"lifecycle":"retired","replacement":"b"`, "b"},
		{"deprecated without a date", `,"lifecycle":"deprecated"`, "shutdown date"},
		{"a bad date", `,"lifecycle":"deprecated","shutdown_date":"27.09.2026"`, "27.09.2026"},
		{"an unknown lifecycle", `,"lifecycle":"sunset"`, "sunset"},
		{"an unknown api", `,"api":"grpc"`, "grpc"},
		{"an unknown profile", `,"profile":"nope"`, "nope"},
		{"an unknown field", `,"colour":"red"`, "colour"},
		{"a duplicate id", `,"aliases":["a"]`, "twice"},
	} {
		_, err := Parse([]byte(strings.Replace(good, "%s", tt.extra, 1)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one naming %q", tt.name, err, tt.want)
		}
	}
}
