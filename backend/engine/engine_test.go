package engine_test

// The service behaviour is tested in backend/research; these tests check
// what engine wires: folders, the database, the configuration layers
// (reloaded on save), the OpenAI provider with its key, and the models.

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/zalando/go-keyring"

	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/research"
)

const testKey = "sk-engine-test-key-000111"

// TestMain keeps the tests away from the real OS keychain.
func TestMain(m *testing.M) {
	keyring.MockInit()
	os.Exit(m.Run())
}

type setup struct {
	data, config, work string
	vars               map[string]string
}

func newSetup(t *testing.T, fake *fakeopenai.Server, env map[string]string) *setup {
	root := t.TempDir()
	s := &setup{data: filepath.Join(root, "data"), config: filepath.Join(root, "config"), work: filepath.Join(root, "work")}
	if err := os.MkdirAll(s.work, 0o700); err != nil {
		t.Fatal(err)
	}
	s.vars = map[string]string{"DEEPR_DATA_DIR": s.data, "DEEPR_CONFIG_DIR": s.config, "OPENAI_API_KEY": testKey}
	if fake != nil {
		s.vars["OPENAI_BASE_URL"] = fake.URL()
	}
	for k, v := range env {
		s.vars[k] = v
	}
	return s
}

func (s *setup) options() engine.Options {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return engine.Options{
		Getenv:  func(k string) (string, bool) { v, ok := s.vars[k]; return v, ok },
		WorkDir: s.work,
		Holder:  "engine test",
		Log:     l,
	}
}

func (s *setup) open(t *testing.T) *research.Service {
	t.Helper()
	svc, err := engine.Open(s.options())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	return svc
}

func TestOpenWiresFoldersDatabaseAndModels(t *testing.T) {
	s := newSetup(t, nil, nil)
	svc := s.open(t)
	d := svc.Dirs()
	if d.Data != s.data || d.Config != s.config || d.State != filepath.Join(s.data, "logs") {
		t.Errorf("Dirs = %+v", d)
	}
	for _, p := range []string{d.Data, d.Config, d.State, d.Database()} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was not created: %v", p, err)
		}
	}
	ms := svc.Models()
	if len(ms) < 2 || ms[0].ID != "o3-deep-research" || ms[1].ID != "o4-mini-deep-research" || ms[0].Description == "" {
		t.Errorf("Models = %+v, want OpenAI's two first", ms)
	}
	var names []string
	for _, p := range svc.Providers() {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "openai,gemini,perplexity,azure" {
		t.Errorf("providers = %v", names)
	}
	if svc.Config().Model != ms[0].ID {
		t.Errorf("default model %q, want the first offered", svc.Config().Model)
	}
	// The database is real: a job submitted here is there on the next open.
	res, err := svc.Submit(context.Background(), research.SubmitRequest{Prompt: "tea"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	again := s.open(t)
	if j, err := again.Get(context.Background(), res.Job.ID); err != nil || j.Prompt != "tea" {
		t.Errorf("after reopening: %+v, %v", j, err)
	}
}

func TestOpenRefusesABadConfiguration(t *testing.T) {
	s := newSetup(t, nil, map[string]string{"DEEPR_POLL_INTERVAL": "0", "DEEPR_MAX_RUNNING": "many"})
	_, err := engine.Open(s.options())
	if err == nil || !strings.Contains(err.Error(), "DEEPR_POLL_INTERVAL") || !strings.Contains(err.Error(), "DEEPR_MAX_RUNNING") {
		t.Fatalf("Open = %v, want both bad variables named", err)
	}
}

func TestTheKeyReachesTheProviderAndNeverTheViews(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer fake.Close()
	svc := newSetup(t, fake, nil).open(t)
	v := svc.Settings()
	if !v.KeySet || v.KeyHint != "…0111" || v.KeyStorage != "environment" {
		t.Errorf("key in the view: set %v, hint %q, storage %q", v.KeySet, v.KeyHint, v.KeyStorage)
	}
	if kt := svc.TestKey(context.Background()); !kt.OK {
		t.Fatalf("TestKey with the right key: %+v", kt)
	}
	fake.SetAPIKey("sk-rotated-key-999999999")
	kt := svc.TestKey(context.Background())
	if kt.OK || kt.Message == "" || strings.Contains(kt.Message, testKey) {
		t.Errorf("TestKey with a rejected key: %+v", kt)
	}
	r := svc.Doctor(context.Background(), "")
	for _, s := range []string{fmt.Sprintf("%+v", v), fmt.Sprintf("%+v", svc.Health()), fmt.Sprintf("%+v", r), fmt.Sprintf("%+v", kt)} {
		if strings.Contains(s, testKey) {
			t.Errorf("a view shows the key: %s", s)
		}
	}
}

// Saving settings reloads every layer: the saved file, and a .env in the
// working directory that still wins (and locks its field).
func TestSaveSettingsReloadsTheLayers(t *testing.T) {
	s := newSetup(t, nil, nil)
	if err := os.WriteFile(filepath.Join(s.work, ".env"), []byte("DEEPR_MAX_RUNNING=4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	svc := s.open(t)
	v := svc.Settings()
	if v.Locked["max_running"] != "DEEPR_MAX_RUNNING" || v.MaxRunning != 4 {
		t.Fatalf("a .env value: locked %v, max running %d", v.Locked, v.MaxRunning)
	}
	in := research.SettingsInput{PollIntervalSeconds: 45, MaxRunning: 9, DefaultModel: "o4-mini-deep-research", Notifications: true}
	if _, err := svc.SaveSettings(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if c := svc.Config(); c.PollInterval != 45*time.Second || c.MaxRunning != 4 || c.Model != "o4-mini-deep-research" {
		t.Errorf("after save: poll %s, max running %d (the .env says 4), model %s", c.PollInterval, c.MaxRunning, c.Model)
	}
	// A second process sees what was saved.
	if c := s.open(t).Config(); c.PollInterval != 45*time.Second || c.Source["DEEPR_POLL_INTERVAL"] != "settings" {
		t.Errorf("another process reads poll %s from %q", c.PollInterval, c.Source["DEEPR_POLL_INTERVAL"])
	}
}

func TestLoadConfigFolders(t *testing.T) {
	s := newSetup(t, nil, nil)
	cfg, dirs, err := engine.LoadConfig(s.options())
	if err != nil {
		t.Fatal(err)
	}
	if dirs.Data != s.data || dirs.State != filepath.Join(s.data, "logs") || dirs.Config != s.config || cfg.DataDir != s.data {
		t.Errorf("LoadConfig = %+v, %s", dirs, cfg.DataDir)
	}
	if _, err := os.Stat(s.data); err == nil {
		t.Errorf("LoadConfig created the data folder; only Open should")
	}
}
