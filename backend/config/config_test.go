package config

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// env is a fake environment for LoadOptions.Getenv.
func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// setup returns options with an empty environment, a working dir and a
// default config dir, both empty folders under t.TempDir().
func setup(t *testing.T) LoadOptions {
	t.Helper()
	root := t.TempDir()
	return LoadOptions{
		Getenv:           env(nil),
		WorkDir:          filepath.Join(root, "work"),
		DefaultDataDir:   filepath.Join(root, "data"),
		DefaultConfigDir: filepath.Join(root, "config"),
	}
}

func TestParseDotEnv(t *testing.T) {
	cases := []struct {
		name, text string
		want       map[string]string
	}{
		{"empty", "", map[string]string{}},
		{"plain", "A=1\nB=two", map[string]string{"A": "1", "B": "two"}},
		{"blanks and comments", "\n# comment\n  # indented comment\n\nA=1\n", map[string]string{"A": "1"}},
		{"export", "export A=1\nexport\tB=2", map[string]string{"A": "1", "B": "2"}},
		{"exported is a name", "exported=1", map[string]string{"exported": "1"}},
		{"spaces around =", "A = 1 ", map[string]string{"A": "1"}},
		{"empty value", "A=", map[string]string{"A": ""}},
		{"trailing comment", "A=1 # one\nB=x\t# tab", map[string]string{"A": "1", "B": "x"}},
		{"hash inside value", "A=https://x.example/#frag\nB=a#b", map[string]string{"A": "https://x.example/#frag", "B": "a#b"}},
		{"single quotes literal", `A='a \n # b' # c`, map[string]string{"A": `a \n # b`}},
		{"double quotes escapes", `A="line1\nline2\t\"q\" \\ \$x \z" # c`, map[string]string{"A": "line1\nline2\t\"q\" \\ $x \\z"}},
		{"equals in value", "A=b=c", map[string]string{"A": "b=c"}},
		{"CRLF", "A=1\r\nB='2'\r\n", map[string]string{"A": "1", "B": "2"}},
		{"BOM", "\uFEFFA=1", map[string]string{"A": "1"}},
		{"later wins", "A=1\nA=2", map[string]string{"A": "2"}},
		{"unknown keys kept for the caller to ignore", "SOMETHING_ELSE=1", map[string]string{"SOMETHING_ELSE": "1"}},
	}
	for _, c := range cases {
		got, err := ParseDotEnv(".env", c.text)
		if err != nil {
			t.Errorf("%s: ParseDotEnv(%q) error %v, want none", c.name, c.text, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: ParseDotEnv(%q) = %q, want %q", c.name, c.text, got, c.want)
		}
	}
}

func TestParseDotEnvErrors(t *testing.T) {
	cases := []struct {
		text string
		want []string // each must appear in the error
	}{
		{"A=1\njust some words\n", []string{"/x/.env, line 2: expected KEY=VALUE"}},
		{"1A=2", []string{"line 1: expected KEY=VALUE"}},
		{"A='sk-secretvalue", []string{"line 1: the value's opening ' has no closing '"}},
		{`A="sk-secretvalue`, []string{`line 1: the value's opening " has no closing "`}},
		{`A="x" y`, []string{`line 1: unexpected text after the closing "`}},
		{`A='x'y`, []string{`line 1: unexpected text after the closing '`}},
		{"bad one\nB=1\nbad two", []string{"line 1:", "line 3:"}},
	}
	for _, c := range cases {
		got, err := ParseDotEnv("/x/.env", c.text)
		if err == nil {
			t.Errorf("ParseDotEnv(%q) = %q, want an error", c.text, got)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ParseDotEnv(%q) error %q, want it to contain %q", c.text, err, w)
			}
		}
		if strings.Contains(err.Error(), "secretvalue") || strings.Contains(err.Error(), "words") {
			t.Errorf("ParseDotEnv(%q) error %q echoes the line's content", c.text, err)
		}
	}
	if got, _ := ParseDotEnv("f", "bad\nB=1"); got["B"] != "1" {
		t.Errorf(`ParseDotEnv("bad\nB=1") = %q, want B=1 still parsed`, got)
	}
}

func TestLoadDefaults(t *testing.T) {
	o := setup(t)
	c, err := Load(o)
	if err != nil {
		t.Fatalf("Load with nothing set: %v", err)
	}
	want := Config{
		Model: "o3-deep-research", HelperModel: "gpt-4.1-mini", PollInterval: 30 * time.Second, PollConcurrency: 4, MaxRunning: 3,
		MaxJobAge: 24 * time.Hour, DataDir: o.DefaultDataDir, ConfigDir: o.DefaultConfigDir,
		Notifications: true, Theme: "system", WebhookListen: "127.0.0.1:8787", WebhookFallbackInterval: 300 * time.Second,
		GeminiBaseURL: "https://generativelanguage.googleapis.com", PerplexityBaseURL: "https://api.perplexity.ai",
		AzureDeployment: "o3-deep-research", CloseAction: CloseKeepTracking,
		HelperProvider: HelperAuto, AzureHelperDeployment: "gpt-4.1-mini",
		MCPMaxCostUSD: DefaultMCPMaxCostUSD,
	}
	src := c.Source
	c.Source = nil
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load defaults =\n%+v\nwant\n%+v", c, want)
	}
	for _, v := range Variables() {
		if src[v.Name] != SourceDefault {
			t.Errorf("Source[%s] = %q, want %q", v.Name, src[v.Name], SourceDefault)
		}
	}
	if len(src) != len(Variables()) {
		t.Errorf("Source has %d names, want %d (one per variable)", len(src), len(Variables()))
	}
}

// TestLoadPrecedence sets DEEPR_MAX_RUNNING in some layers and checks the
// highest one present wins.
func TestLoadPrecedence(t *testing.T) {
	cases := []struct {
		env, dotenv, configEnv, settings string // "" = not set in that layer
		want                             int
		source                           string
	}{
		{"11", "12", "13", "14", 11, SourceEnv},
		{"", "12", "13", "14", 12, SourceDotEnv},
		{"", "", "13", "14", 13, SourceConfigEnv},
		{"", "", "", "14", 14, SourceSettings},
		{"", "", "", "", 3, SourceDefault},
		{"11", "", "", "14", 11, SourceEnv},
		{"", "12", "", "14", 12, SourceDotEnv},
		{"  ", "12", "", "", 12, SourceDotEnv}, // blank counts as not set
	}
	for _, c := range cases {
		o := setup(t)
		e := map[string]string{}
		if c.env != "" {
			e["DEEPR_MAX_RUNNING"] = c.env
		}
		o.Getenv = env(e)
		if c.dotenv != "" {
			write(t, filepath.Join(o.WorkDir, ".env"), "DEEPR_MAX_RUNNING="+c.dotenv+"\n")
		}
		if c.configEnv != "" {
			write(t, filepath.Join(o.DefaultConfigDir, ".env"), "DEEPR_MAX_RUNNING="+c.configEnv+"\n")
		}
		if c.settings != "" {
			if err := SaveSettings(o.DefaultConfigDir, map[string]string{"DEEPR_MAX_RUNNING": c.settings}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := Load(o)
		if err != nil {
			t.Errorf("layers %q: Load error %v", []string{c.env, c.dotenv, c.configEnv, c.settings}, err)
			continue
		}
		if got.MaxRunning != c.want || got.Source["DEEPR_MAX_RUNNING"] != c.source {
			t.Errorf("layers env=%q .env=%q config .env=%q settings=%q: MaxRunning = %d from %q, want %d from %q",
				c.env, c.dotenv, c.configEnv, c.settings, got.MaxRunning, got.Source["DEEPR_MAX_RUNNING"], c.want, c.source)
		}
	}
}

func TestLoadConfigDirResolvedFirst(t *testing.T) {
	o := setup(t)
	elsewhere := filepath.Join(t.TempDir(), "elsewhere")
	ignored := filepath.Join(t.TempDir(), "ignored")
	// The working-dir .env moves the config dir; the config .env there
	// cannot move it again.
	write(t, filepath.Join(o.WorkDir, ".env"), "DEEPR_CONFIG_DIR="+elsewhere+"\n")
	write(t, filepath.Join(elsewhere, ".env"), "DEEPR_CONFIG_DIR="+ignored+"\nDEEPR_MODEL=from-config-env\n")
	if err := SaveSettings(elsewhere, map[string]string{"DEEPR_POLL_CONCURRENCY": "9"}); err != nil {
		t.Fatal(err)
	}
	// The default config dir's files must not be read.
	write(t, filepath.Join(o.DefaultConfigDir, ".env"), "DEEPR_MAX_RUNNING=40\n")

	c, err := Load(o)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checks := []struct{ name, got, want string }{
		{"ConfigDir", c.ConfigDir, elsewhere},
		{"Source[DEEPR_CONFIG_DIR]", c.Source["DEEPR_CONFIG_DIR"], SourceDotEnv},
		{"Model", c.Model, "from-config-env"},
		{"Source[DEEPR_MODEL]", c.Source["DEEPR_MODEL"], SourceConfigEnv},
		{"PollConcurrency", c.Get("DEEPR_POLL_CONCURRENCY"), "9"},
		{"Source[DEEPR_POLL_CONCURRENCY]", c.Source["DEEPR_POLL_CONCURRENCY"], SourceSettings},
		{"MaxRunning", c.Get("DEEPR_MAX_RUNNING"), "3"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}

	// The environment beats the working-dir .env for the config dir too.
	o.Getenv = env(map[string]string{"DEEPR_CONFIG_DIR": ignored})
	c, err = Load(o)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.ConfigDir != ignored || c.Source["DEEPR_CONFIG_DIR"] != SourceEnv || c.Model != "o3-deep-research" {
		t.Errorf("with DEEPR_CONFIG_DIR in env: ConfigDir %q from %q, Model %q; want %q from env and the default model",
			c.ConfigDir, c.Source["DEEPR_CONFIG_DIR"], c.Model, ignored)
	}
}

func TestLoadParsesValues(t *testing.T) {
	cases := []struct {
		name, value string
		got         func(Config) any
		want        any
	}{
		{"DEEPR_POLL_INTERVAL", "45", func(c Config) any { return c.PollInterval }, 45 * time.Second},
		{"DEEPR_POLL_INTERVAL", "45s", func(c Config) any { return c.PollInterval }, 45 * time.Second},
		{"DEEPR_POLL_INTERVAL", "3600", func(c Config) any { return c.PollInterval }, time.Hour},
		{"DEEPR_POLL_INTERVAL", " 1 ", func(c Config) any { return c.PollInterval }, time.Second},
		{"DEEPR_MAX_JOB_AGE", "36h", func(c Config) any { return c.MaxJobAge }, 36 * time.Hour},
		{"DEEPR_MAX_JOB_AGE", "90m", func(c Config) any { return c.MaxJobAge }, 90 * time.Minute},
		{"DEEPR_WEBHOOK_FALLBACK_INTERVAL", "86400s", func(c Config) any { return c.WebhookFallbackInterval }, 24 * time.Hour},
		{"DEEPR_POLL_CONCURRENCY", "32", func(c Config) any { return c.PollConcurrency }, 32},
		{"DEEPR_MAX_RUNNING", "1", func(c Config) any { return c.MaxRunning }, 1},
		{"DEEPR_NOTIFICATIONS", "off", func(c Config) any { return c.Notifications }, false},
		{"DEEPR_NOTIFICATIONS", "No", func(c Config) any { return c.Notifications }, false},
		{"DEEPR_NOTIFICATIONS", "0", func(c Config) any { return c.Notifications }, false},
		{"DEEPR_CLOSE_ACTION", "quit", func(c Config) any { return c.CloseAction }, CloseQuit},
		{"DEEPR_CLOSE_ACTION", "Keep-Tracking", func(c Config) any { return c.CloseAction }, CloseKeepTracking},
		{"DEEPR_START_AT_LOGIN", "yes", func(c Config) any { return c.StartAtLogin }, true},
		{"DEEPR_USE_WEBHOOKS", "YES", func(c Config) any { return c.UseWebhooks }, true},
		{"DEEPR_USE_WEBHOOKS", "on", func(c Config) any { return c.UseWebhooks }, true},
		{"DEEPR_USE_WEBHOOKS", "1", func(c Config) any { return c.UseWebhooks }, true},
		{"DEEPR_WEBHOOK_LISTEN", "[::1]:9000", func(c Config) any { return c.WebhookListen }, "[::1]:9000"},
		{"DEEPR_WEBHOOK_URL", "https://hooks.example/deepr", func(c Config) any { return c.WebhookURL }, "https://hooks.example/deepr"},
		{"OPENAI_BASE_URL", "http://127.0.0.1:8080/v1", func(c Config) any { return c.OpenAIBaseURL }, "http://127.0.0.1:8080/v1"},
		{"OPENAI_ORG_ID", "org-1", func(c Config) any { return c.OpenAIOrgID }, "org-1"},
		{"OPENAI_PROJECT_ID", "proj_1", func(c Config) any { return c.OpenAIProjectID }, "proj_1"},
		{"OPENAI_API_KEY", "sk-test-1234567890", func(c Config) any { return c.OpenAIAPIKey }, "sk-test-1234567890"},
		{"OPENAI_WEBHOOK_SECRET", "whsec_abc", func(c Config) any { return c.WebhookSecret }, "whsec_abc"},
		{"DEEPR_MODEL", "o4-mini-deep-research", func(c Config) any { return c.Model }, "o4-mini-deep-research"},
		{"DEEPR_HELPER_MODEL", "gpt-4.1-nano", func(c Config) any { return c.HelperModel }, "gpt-4.1-nano"},
		{"GEMINI_API_KEY", "AIzaSyExample", func(c Config) any { return c.GeminiAPIKey }, "AIzaSyExample"},
		{"GEMINI_BASE_URL", "http://127.0.0.1:9000/", func(c Config) any { return c.GeminiBaseURL }, "http://127.0.0.1:9000"},
		{"PERPLEXITY_API_KEY", "pplx-abc", func(c Config) any { return c.PerplexityAPIKey }, "pplx-abc"},
		{"PERPLEXITY_BASE_URL", "https://proxy.example/pplx", func(c Config) any { return c.PerplexityBaseURL }, "https://proxy.example/pplx"},
		{"AZURE_OPENAI_API_KEY", "0123abcd", func(c Config) any { return c.AzureAPIKey }, "0123abcd"},
		{"AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com/", func(c Config) any { return c.AzureEndpoint }, "https://res.openai.azure.com"},
		{"AZURE_OPENAI_DEPLOYMENT", "team-dr.v2", func(c Config) any { return c.AzureDeployment }, "team-dr.v2"},
		{"DEEPR_MCP_ALLOW_SPEND", "true", func(c Config) any { return c.MCPAllowSpend }, true},
		{"DEEPR_MCP_MAX_COST", "2.50", func(c Config) any { return c.MCPMaxCostUSD }, 2.5},
		{"DEEPR_MCP_MAX_COST", "$1000", func(c Config) any { return c.MCPMaxCostUSD }, 1000.0},
	}
	for _, c := range cases {
		o := setup(t)
		o.Getenv = env(map[string]string{c.name: c.value})
		cfg, err := Load(o)
		if err != nil {
			t.Errorf("%s=%q: Load error %v", c.name, c.value, err)
			continue
		}
		if got := c.got(cfg); got != c.want {
			t.Errorf("%s=%q: got %v, want %v", c.name, c.value, got, c.want)
		}
	}
}

func TestLoadRelativeDataDir(t *testing.T) {
	o := setup(t)
	write(t, filepath.Join(o.WorkDir, ".env"), "DEEPR_DATA_DIR=./state/data\n")
	c, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(o.WorkDir, "state", "data"); c.DataDir != want {
		t.Errorf("DataDir = %q, want %q (relative to the working dir)", c.DataDir, want)
	}
}

// TestLoadRootedDataDir: a path from the root is absolute on Unix; on
// Windows (\srv\deepr, no drive) it means the working folder's drive.
func TestLoadRootedDataDir(t *testing.T) {
	o := setup(t)
	o.Getenv = env(map[string]string{"DEEPR_DATA_DIR": "/srv/deepr"})
	c, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.VolumeName(o.WorkDir), "/srv/deepr"); c.DataDir != want {
		t.Errorf("DataDir = %q, want %q (from the root of the working folder's drive)", c.DataDir, want)
	}
}

func TestLoadValidationMessages(t *testing.T) {
	cases := []struct{ name, value, want string }{
		{"DEEPR_POLL_INTERVAL", "abc", `DEEPR_POLL_INTERVAL="abc" is not valid: use whole seconds from 1 to 3600, like 30 or 30s`},
		{"DEEPR_POLL_INTERVAL", "0", `DEEPR_POLL_INTERVAL="0" is not valid: use whole seconds from 1 to 3600, like 30 or 30s`},
		{"DEEPR_POLL_INTERVAL", "3601", `DEEPR_POLL_INTERVAL="3601" is not valid: use whole seconds from 1 to 3600, like 30 or 30s`},
		{"DEEPR_POLL_INTERVAL", "1m", `DEEPR_POLL_INTERVAL="1m" is not valid: use whole seconds from 1 to 3600, like 30 or 30s`},
		{"DEEPR_POLL_INTERVAL", "-5", `DEEPR_POLL_INTERVAL="-5" is not valid`},
		{"DEEPR_POLL_CONCURRENCY", "33", `DEEPR_POLL_CONCURRENCY="33" is not valid: use a whole number from 1 to 32`},
		{"DEEPR_POLL_CONCURRENCY", "two", `DEEPR_POLL_CONCURRENCY="two" is not valid: use a whole number from 1 to 32`},
		{"DEEPR_MAX_RUNNING", "0", `DEEPR_MAX_RUNNING="0" is not valid: use a whole number from 1 to 50`},
		{"DEEPR_MAX_RUNNING", "51", `DEEPR_MAX_RUNNING="51" is not valid: use a whole number from 1 to 50`},
		{"DEEPR_MAX_JOB_AGE", "9m", `DEEPR_MAX_JOB_AGE="9m" is not valid: use a duration from 10m to 720h, like 36h or 90m`},
		{"DEEPR_MAX_JOB_AGE", "721h", `DEEPR_MAX_JOB_AGE="721h" is not valid: use a duration from 10m to 720h, like 36h or 90m`},
		{"DEEPR_MAX_JOB_AGE", "2d", `DEEPR_MAX_JOB_AGE="2d" is not valid: use a duration from 10m to 720h, like 36h or 90m`},
		{"DEEPR_NOTIFICATIONS", "maybe", `DEEPR_NOTIFICATIONS="maybe" is not valid: use true or false (or 1/0, yes/no, on/off)`},
		{"DEEPR_USE_WEBHOOKS", "2", `DEEPR_USE_WEBHOOKS="2" is not valid: use true or false`},
		{"DEEPR_MCP_ALLOW_SPEND", "always", `DEEPR_MCP_ALLOW_SPEND="always" is not valid: use true or false`},
		{"DEEPR_MCP_MAX_COST", "0", `DEEPR_MCP_MAX_COST="0" is not valid: use a positive number of dollars up to 1000`},
		{"DEEPR_MCP_MAX_COST", "-5", `DEEPR_MCP_MAX_COST="-5" is not valid: use a positive number of dollars up to 1000`},
		{"DEEPR_MCP_MAX_COST", "1000.01", `DEEPR_MCP_MAX_COST="1000.01" is not valid: use a positive number of dollars up to 1000`},
		{"DEEPR_WEBHOOK_LISTEN", "8787", `DEEPR_WEBHOOK_LISTEN="8787" is not valid: use host:port with a port from 1 to 65535, like 127.0.0.1:8787`},
		{"DEEPR_WEBHOOK_LISTEN", ":8787", `DEEPR_WEBHOOK_LISTEN=":8787" is not valid: use host:port`},
		{"DEEPR_WEBHOOK_LISTEN", "localhost:99999", `DEEPR_WEBHOOK_LISTEN="localhost:99999" is not valid: use host:port`},
		{"DEEPR_WEBHOOK_URL", "ftp://x.example", `DEEPR_WEBHOOK_URL="ftp://x.example" is not valid: use an http or https URL`},
		{"DEEPR_WEBHOOK_URL", "example.com/hook", `DEEPR_WEBHOOK_URL="example.com/hook" is not valid: use an http or https URL`},
		{"OPENAI_BASE_URL", "api.openai.com", `OPENAI_BASE_URL="api.openai.com" is not valid: use an http or https URL`},
		{"DEEPR_DATA_DIR", "~/deepr", `DEEPR_DATA_DIR="~/deepr" is not valid: write the full path: ~ is not expanded`},
		{"DEEPR_MODEL", "gpt-4o", `DEEPR_MODEL="gpt-4o" is not valid: use a model ending in -deep-research`},
		{"DEEPR_HELPER_MODEL", "gpt 4 mini", `DEEPR_HELPER_MODEL="gpt 4 mini" is not valid: use an OpenAI model name`},
		{"OPENAI_API_KEY", "sk-abc def", `OPENAI_API_KEY is not valid: it contains spaces, quotes or line breaks; paste the key again`},
		{"OPENAI_WEBHOOK_SECRET", "whsec 123", `OPENAI_WEBHOOK_SECRET is not valid: it contains spaces`},
		{"GEMINI_API_KEY", "AIza 'x'", `GEMINI_API_KEY is not valid: it contains spaces, quotes or line breaks`},
		{"PERPLEXITY_API_KEY", "pplx\tx", `PERPLEXITY_API_KEY is not valid: it contains spaces`},
		{"AZURE_OPENAI_API_KEY", "a b", `AZURE_OPENAI_API_KEY is not valid: it contains spaces`},
		{"GEMINI_BASE_URL", "generativelanguage.googleapis.com", `GEMINI_BASE_URL="generativelanguage.googleapis.com" is not valid: use an http or https URL`},
		{"PERPLEXITY_BASE_URL", "ftp://x", `PERPLEXITY_BASE_URL="ftp://x" is not valid: use an http or https URL`},
		{"AZURE_OPENAI_ENDPOINT", "res.openai.azure.com", `AZURE_OPENAI_ENDPOINT="res.openai.azure.com" is not valid: use the resource endpoint, like https://RESOURCE.openai.azure.com`},
		{"AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com/openai/v1/", `is not valid: write only the resource endpoint, like https://RESOURCE.openai.azure.com: Deepr adds /openai/v1/ itself`},
		{"AZURE_OPENAI_DEPLOYMENT", "my deployment", `AZURE_OPENAI_DEPLOYMENT="my deployment" is not valid: use a deployment name of 2 to 64`},
	}
	for _, c := range cases {
		o := setup(t)
		o.Getenv = env(map[string]string{c.name: c.value})
		o.CheckModel = deepResearchOnly
		_, err := Load(o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%q: Load error %v, want one containing %q", c.name, c.value, err, c.want)
		}
	}
}

func TestLoadReportsEveryProblemAndHidesSecrets(t *testing.T) {
	o := setup(t)
	o.Getenv = env(map[string]string{
		"DEEPR_POLL_INTERVAL": "abc",
		"OPENAI_API_KEY":      "sk-very secret",
	})
	write(t, filepath.Join(o.WorkDir, ".env"), "DEEPR_MAX_RUNNING=99\nthis line is broken\n")
	write(t, filepath.Join(o.DefaultConfigDir, ".env"), "DEEPR_NOTIFICATIONS=perhaps\n")
	write(t, SettingsPath(o.DefaultConfigDir), `{"DEEPR_MAX_JOB_AGE": "1s"}`)
	c, err := Load(o)
	if err == nil {
		t.Fatal("Load with four problems returned no error")
	}
	msg := err.Error()
	for _, want := range []string{
		`DEEPR_POLL_INTERVAL="abc" is not valid`,
		"OPENAI_API_KEY is not valid",
		`DEEPR_MAX_RUNNING="99" (from .env in the working directory) is not valid`,
		filepath.Join(o.WorkDir, ".env") + ", line 2: expected KEY=VALUE",
		`DEEPR_NOTIFICATIONS="perhaps" (from .env in the config folder) is not valid`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("Load error\n%s\nwant it to contain %q", msg, want)
		}
	}
	// The saved value is set aside, not an error (see problems_test.go).
	if strings.Contains(msg, "DEEPR_MAX_JOB_AGE") || len(c.SettingsProblems) != 1 || c.SettingsProblems[0].String() != `DEEPR_MAX_JOB_AGE="1s" is not valid: use a duration from 10m to 720h, like 36h or 90m` {
		t.Errorf("the saved DEEPR_MAX_JOB_AGE: error %q, problems %+v", msg, c.SettingsProblems)
	}
	if strings.Contains(msg, "very secret") {
		t.Errorf("Load error echoes the API key:\n%s", msg)
	}
	if c.PollInterval != 30*time.Second || c.MaxRunning != 3 {
		t.Errorf("after errors PollInterval=%v MaxRunning=%d, want the defaults 30s and 3", c.PollInterval, c.MaxRunning)
	}
}

func TestEffectivePollInterval(t *testing.T) {
	c := Config{PollInterval: 30 * time.Second, WebhookFallbackInterval: 300 * time.Second}
	if got := c.EffectivePollInterval(); got != 30*time.Second {
		t.Errorf("without webhooks EffectivePollInterval() = %v, want 30s", got)
	}
	c.UseWebhooks = true
	if got := c.EffectivePollInterval(); got != 300*time.Second {
		t.Errorf("with webhooks EffectivePollInterval() = %v, want 5m0s", got)
	}
}

func TestRedactedAndGet(t *testing.T) {
	o := setup(t)
	o.Getenv = env(map[string]string{"OPENAI_API_KEY": "sk-proj-0123456789abcd", "DEEPR_MAX_JOB_AGE": "90m",
		"GEMINI_API_KEY": "AIzaSy0123456789wxyz", "PERPLEXITY_API_KEY": "pplx", "AZURE_OPENAI_ENDPOINT": "https://r.openai.azure.com"})
	c, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Redacted()
	checks := []struct{ name, got, want string }{
		{"Redacted OPENAI_API_KEY", r.Get("OPENAI_API_KEY"), "set, ending …abcd"},
		{"Redacted OPENAI_WEBHOOK_SECRET", r.Get("OPENAI_WEBHOOK_SECRET"), "not set"},
		{"Redacted GEMINI_API_KEY", r.Get("GEMINI_API_KEY"), "set, ending …wxyz"},
		{"Redacted PERPLEXITY_API_KEY", r.Get("PERPLEXITY_API_KEY"), "set"},
		{"Redacted AZURE_OPENAI_API_KEY", r.Get("AZURE_OPENAI_API_KEY"), "not set"},
		{"AZURE_OPENAI_ENDPOINT", r.Get("AZURE_OPENAI_ENDPOINT"), "https://r.openai.azure.com"},
		{"original key untouched", c.OpenAIAPIKey, "sk-proj-0123456789abcd"},
		{"DEEPR_MAX_JOB_AGE", r.Get("DEEPR_MAX_JOB_AGE"), "1h30m"},
		{"DEEPR_POLL_INTERVAL", r.Get("DEEPR_POLL_INTERVAL"), "30"},
		{"DEEPR_NOTIFICATIONS", r.Get("DEEPR_NOTIFICATIONS"), "true"},
		{"unknown", r.Get("NOPE"), ""},
		{"short secret", Hint("sk-1234"), "set"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	r.Source["OPENAI_API_KEY"] = "changed"
	if c.Source["OPENAI_API_KEY"] != SourceEnv {
		t.Errorf("changing the redacted copy's Source changed the original")
	}
	// Every variable formats back to a value Load accepts.
	e := map[string]string{}
	for _, v := range Variables() {
		if s := c.Get(v.Name); s != "" {
			e[v.Name] = s
		}
	}
	o.Getenv = env(e)
	c2, err := Load(o)
	if err != nil {
		t.Fatalf("Load of Get's values: %v", err)
	}
	if !reflect.DeepEqual(c2.Redacted().OpenAIAPIKey, r.OpenAIAPIKey) || c2.MaxJobAge != c.MaxJobAge || c2.DataDir != c.DataDir {
		t.Errorf("round trip through Get changed the config: %+v vs %+v", c2, c)
	}
}

func TestSaveSettings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg", "deepr")
	in := map[string]string{"DEEPR_POLL_INTERVAL": "45", "DEEPR_MODEL": " o4-mini-deep-research ", "DEEPR_NOTIFICATIONS": "false", "DEEPR_WEBHOOK_URL": ""}
	if err := SaveSettings(dir, in); err != nil {
		t.Fatalf("SaveSettings: %v", err)
	}
	got, err := LoadSettings(dir)
	if err != nil {
		t.Fatalf("LoadSettings: %v", err)
	}
	want := map[string]string{"DEEPR_POLL_INTERVAL": "45", "DEEPR_MODEL": "o4-mini-deep-research", "DEEPR_NOTIFICATIONS": "false"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadSettings after save = %q, want %q (trimmed, empty values dropped)", got, want)
	}
	for path, mode := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, SettingsPath(dir): 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		// Modes only where the OS has them (Windows: ACLs, Go reports 0666/0777).
		if st.Mode() != mode && runtime.GOOS != "windows" {
			t.Errorf("mode of %s = %v, want %v", path, st.Mode(), mode)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("config dir holds %d entries, want only settings.json (no temp files left)", len(entries))
	}

	c, err := Load(LoadOptions{Getenv: env(nil), DefaultConfigDir: dir, DefaultDataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if c.PollInterval != 45*time.Second || c.Notifications || c.Source["DEEPR_MODEL"] != SourceSettings {
		t.Errorf("Load after SaveSettings: PollInterval %v Notifications %v model from %q, want 45s false settings",
			c.PollInterval, c.Notifications, c.Source["DEEPR_MODEL"])
	}
}

func TestSaveSettingsRefuses(t *testing.T) {
	cases := []struct {
		name string
		in   map[string]string
		want []string
	}{
		{"unknown name", map[string]string{"DEEPR_COLOUR": "blue"}, []string{"DEEPR_COLOUR cannot be saved in settings.json: it is not a Deepr setting"}},
		{"secret", map[string]string{"OPENAI_API_KEY": "sk-x"}, []string{"OPENAI_API_KEY cannot be saved in settings.json", "OS keychain"}},
		{"webhook secret", map[string]string{"OPENAI_WEBHOOK_SECRET": "whsec_x"}, []string{"OPENAI_WEBHOOK_SECRET cannot be saved"}},
		{"config dir", map[string]string{"DEEPR_CONFIG_DIR": "/x"}, []string{"DEEPR_CONFIG_DIR cannot be saved"}},
		{"relative data dir", map[string]string{"DEEPR_DATA_DIR": "data"}, []string{`DEEPR_DATA_DIR="data" is not valid: use an absolute folder path`}},
		{"bad values, all reported", map[string]string{"DEEPR_POLL_INTERVAL": "abc", "DEEPR_MAX_RUNNING": "0", "DEEPR_MODEL": "x"},
			[]string{`DEEPR_POLL_INTERVAL="abc" is not valid: use whole seconds from 1 to 3600, like 30 or 30s`, `DEEPR_MAX_RUNNING="0" is not valid`}},
	}
	for _, c := range cases {
		dir := t.TempDir()
		write(t, SettingsPath(dir), `{"DEEPR_MAX_RUNNING": "7"}`)
		err := SaveSettings(dir, c.in)
		if err == nil {
			t.Errorf("%s: SaveSettings(%q) succeeded, want an error", c.name, c.in)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: SaveSettings error %q, want it to contain %q", c.name, err, w)
			}
		}
		if strings.Contains(err.Error(), "sk-x") || strings.Contains(err.Error(), "whsec_x") {
			t.Errorf("%s: SaveSettings error %q echoes a secret", c.name, err)
		}
		if got, _ := LoadSettings(dir); !reflect.DeepEqual(got, map[string]string{"DEEPR_MAX_RUNNING": "7"}) {
			t.Errorf("%s: after a refused save the file holds %q, want it unchanged", c.name, got)
		}
	}
}

func TestLoadSettings(t *testing.T) {
	cases := []struct {
		name, file string // file "" = no file
		want       map[string]string
		err        string
	}{
		{"missing", "", map[string]string{}, ""},
		{"null", "null", map[string]string{}, ""},
		{"values", `{"DEEPR_MAX_RUNNING":"5"}`, map[string]string{"DEEPR_MAX_RUNNING": "5"}, ""},
		{"not JSON", `{"DEEPR_MAX_RUNNING":`, map[string]string{}, "is damaged"},
		{"empty", " ", map[string]string{}, "is damaged"},
		{"a list", `["DEEPR_MAX_RUNNING"]`, map[string]string{}, "saved again"},
		{"written by hand: not strings", `{"DEEPR_MAX_RUNNING":5, "DEEPR_NOTIFICATIONS": false, "DEEPR_THEME": null, "DEEPR_PRICES": {"openai/o3-deep-research": {"output_per_mtok": 32}}}`,
			map[string]string{"DEEPR_MAX_RUNNING": "5", "DEEPR_NOTIFICATIONS": "false", "DEEPR_PRICES": `{"openai/o3-deep-research":{"output_per_mtok":32}}`}, ""},
	}
	for _, c := range cases {
		dir := t.TempDir()
		if c.file != "" {
			write(t, SettingsPath(dir), c.file)
		}
		got, err := LoadSettings(dir)
		if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%s: LoadSettings error %v, want %q", c.name, err, c.err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: LoadSettings = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestSecretsInSettingsAreIgnored(t *testing.T) {
	o := setup(t)
	write(t, SettingsPath(o.DefaultConfigDir), `{"OPENAI_API_KEY":"sk-from-json-file-1234","GEMINI_API_KEY":"AIza-json",`+
		`"PERPLEXITY_API_KEY":"pplx-json","AZURE_OPENAI_API_KEY":"az-json","AZURE_OPENAI_DEPLOYMENT":"from-settings"}`)
	c, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	if c.OpenAIAPIKey != "" {
		t.Errorf("OPENAI_API_KEY read from settings.json, want it ignored (keys live in the keychain)")
	}
	if c.GeminiAPIKey != "" || c.PerplexityAPIKey != "" || c.AzureAPIKey != "" {
		t.Errorf("a provider key was read from settings.json, want it ignored (keys live in the keychain)")
	}
	if c.AzureDeployment != "from-settings" {
		t.Errorf("AzureDeployment = %q, want the saved setting (it is not a secret)", c.AzureDeployment)
	}
}

func TestVariablesAreComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range Variables() {
		if seen[v.Name] {
			t.Errorf("Variables() lists %s twice", v.Name)
		}
		seen[v.Name] = true
		if v.Description == "" || v.Accepted == "" {
			t.Errorf("Variables(): %s has no description or accepted values", v.Name)
		}
	}
	if want := reflect.TypeOf(Config{}).NumField() - 2; len(seen) != want { // all fields but Source and SettingsProblems
		t.Errorf("Variables() has %d names, want %d (one per Config field)", len(seen), want)
	}
}

func TestDocsMentionEveryVariable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "configuration.md"))
	if err != nil {
		t.Fatalf("reading docs/configuration.md: %v", err)
	}
	doc := string(b)
	for _, v := range Variables() {
		if !strings.Contains(doc, "`"+v.Name+"`") {
			t.Errorf("docs/configuration.md does not mention `%s`", v.Name)
		}
	}
}
