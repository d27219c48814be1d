package research_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/research"
)

const testSecret = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// inputOf is what the Settings screen sends back unchanged.
func inputOf(v research.SettingsView) research.SettingsInput {
	return research.SettingsInput{
		PollIntervalSeconds: v.PollIntervalSeconds, MaxRunning: v.MaxRunning, DefaultModel: v.DefaultModel,
		Notifications: v.Notifications, UseWebhooks: v.UseWebhooks, WebhookListen: v.WebhookListen, WebhookURL: v.WebhookURL,
	}
}

func TestSaveSettingsRefusesWebhooksWithoutASecret(t *testing.T) {
	u := newUnit(t, nil)
	in := inputOf(u.svc.Settings())
	in.UseWebhooks = true
	in.PollIntervalSeconds = 9
	_, err := u.svc.SaveSettings(u.ctx, in)
	if e := wantError(t, err, research.ErrInvalid, "use_webhooks"); !strings.Contains(e.Msg, "OpenAI dashboard") {
		t.Errorf("message %q does not say where to get a secret", e.Msg)
	}
	if _, err := os.Stat(config.SettingsPath(u.dirs.Config)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("settings.json was written (%v)", err)
	}
	if c := u.svc.Config(); c.UseWebhooks || c.PollInterval == 9*time.Second {
		t.Errorf("a refused save changed the configuration: webhooks %v, poll %s", c.UseWebhooks, c.PollInterval)
	}
}

func TestSaveSettingsAppliesAtOnce(t *testing.T) {
	u := newUnit(t, nil)
	before := u.svc.Config()
	in := inputOf(u.svc.Settings())
	in.PollIntervalSeconds, in.MaxRunning, in.DefaultModel, in.Notifications = 7, 5, "o4-mini-deep-research", false
	in.WebhookURL = "https://hooks.example.com/deepr"
	v, err := u.svc.SaveSettings(u.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	c := u.svc.Config()
	if c.PollInterval != 7*time.Second || c.MaxRunning != 5 || c.Model != "o4-mini-deep-research" || c.Notifications || c.WebhookURL != in.WebhookURL {
		t.Errorf("Config after save = %+v", c)
	}
	if before.PollInterval == c.PollInterval {
		t.Errorf("the old snapshot changed too, or nothing changed")
	}
	if v.PollIntervalSeconds != 7 || v.MaxRunning != 5 || v.DefaultModel != "o4-mini-deep-research" || v.Notifications {
		t.Errorf("returned view = %+v", v)
	}
	if got, err := u.svc.Validate(research.SubmitRequest{Prompt: "tea"}); err != nil || got.Model != "o4-mini-deep-research" {
		t.Errorf("a new submission uses %q (%v), want the new default model", got.Model, err)
	}

	in.PollIntervalSeconds = 0
	_, err = u.svc.SaveSettings(u.ctx, in)
	wantError(t, err, research.ErrInvalid, "")
	if u.svc.Config().PollInterval != 7*time.Second {
		t.Errorf("an invalid save changed the poll interval")
	}
}

func TestSettingsLockedByTheEnvironment(t *testing.T) {
	u := newUnit(t, map[string]string{"DEEPR_MAX_RUNNING": "2"})
	v := u.svc.Settings()
	if v.Locked["max_running"] != "DEEPR_MAX_RUNNING" || len(v.Locked) != 1 {
		t.Errorf("Locked = %v, want only max_running by DEEPR_MAX_RUNNING", v.Locked)
	}
	in := inputOf(v)
	in.MaxRunning, in.PollIntervalSeconds = 9, 11
	if _, err := u.svc.SaveSettings(u.ctx, in); err != nil {
		t.Fatal(err)
	}
	if c := u.svc.Config(); c.MaxRunning != 2 || c.PollInterval != 11*time.Second {
		t.Errorf("after save: max running %d (the environment says 2), poll %s (want 11s)", c.MaxRunning, c.PollInterval)
	}
}

// With webhooks switched on by the environment (locked) and no secret, the
// Settings screen still saves the other fields: the refusal is for the
// user switching webhooks on, which a locked field cannot do.
func TestSaveSettingsWithWebhooksLockedOnWithoutASecret(t *testing.T) {
	u := newUnit(t, map[string]string{"DEEPR_USE_WEBHOOKS": "true"})
	v := u.svc.Settings()
	if v.Locked["use_webhooks"] != "DEEPR_USE_WEBHOOKS" || !v.UseWebhooks {
		t.Fatalf("view = %+v, want webhooks on and locked", v)
	}
	in := inputOf(v)
	in.PollIntervalSeconds = 12
	if _, err := u.svc.SaveSettings(u.ctx, in); err != nil {
		t.Fatalf("saving the poll interval with webhooks locked on: %v", err)
	}
	if u.svc.Config().PollInterval != 12*time.Second {
		t.Errorf("poll interval not applied")
	}
}

func TestWebhookSecretShowsAsSetWhileWebhooksAreOff(t *testing.T) {
	u := newUnit(t, nil)
	_, err := u.svc.SetWebhookSecret(u.ctx, "not-a-secret")
	wantError(t, err, research.ErrInvalid, "webhook_secret")
	if u.svc.Settings().WebhookSecretSet {
		t.Fatal("a refused secret shows as set")
	}
	v, err := u.svc.SetWebhookSecret(u.ctx, " "+testSecret+"\n")
	if err != nil {
		t.Fatal(err)
	}
	if !v.WebhookSecretSet || v.UseWebhooks || !u.svc.Settings().WebhookSecretSet {
		t.Errorf("after saving a secret with webhooks off: %+v", v)
	}
	if s := fmt.Sprintf("%+v", v); strings.Contains(s, "MDEyMzQ1") {
		t.Errorf("the view shows the secret: %s", s)
	}
	// Now webhooks may be switched on.
	in := inputOf(v)
	in.UseWebhooks = true
	if v, err = u.svc.SaveSettings(u.ctx, in); err != nil || !v.UseWebhooks || !u.svc.Config().UseWebhooks {
		t.Fatalf("switching webhooks on with a secret: %+v, %v", v, err)
	}
	if v, err = u.svc.ClearWebhookSecret(u.ctx); err != nil || v.WebhookSecretSet {
		t.Errorf("after clearing the secret: %+v, %v", v, err)
	}
	// A secret from the environment counts too.
	e := newUnit(t, map[string]string{"OPENAI_WEBHOOK_SECRET": testSecret})
	if !e.svc.Settings().WebhookSecretSet {
		t.Errorf("a secret in the environment does not show as set")
	}
}

func TestSetAPIKey(t *testing.T) {
	u := newUnit(t, map[string]string{"OPENAI_API_KEY": ""})
	if v := u.svc.Settings(); v.KeySet || u.svc.Health().Provider != research.ProviderNoKey {
		t.Fatalf("without a key: %+v, health %s", v, u.svc.Health().Provider)
	}
	if kt := u.svc.TestKey(u.ctx); kt.OK {
		t.Errorf("TestKey without a key = %+v", kt)
	}
	for _, bad := range []string{"", "short", "sk-has a space-0123456789"} {
		_, err := u.svc.SetAPIKey(u.ctx, bad)
		wantError(t, err, research.ErrInvalid, "key")
	}
	if u.svc.Settings().KeySet {
		t.Fatal("a refused key was saved")
	}

	key := "sk-brand-new-key-abcdefgh1234"
	res, err := u.svc.SetAPIKey(u.ctx, " "+key+" ")
	if err != nil {
		t.Fatal(err)
	}
	if res.Test == nil || !res.Test.OK || !res.Settings.KeySet || res.Settings.KeyHint != "…1234" || res.Settings.KeyStorage != "keychain" {
		t.Errorf("SetAPIKey = %+v (test %+v)", res, res.Test)
	}
	u.prov.mu.Lock()
	built := u.prov.keys[len(u.prov.keys)-1]
	u.prov.mu.Unlock()
	if built != key {
		t.Errorf("the provider was rebuilt with %q, want the new key", built)
	}
	if u.svc.Health().Provider == research.ProviderNoKey {
		t.Errorf("health still says no key")
	}
	for _, s := range []string{fmt.Sprintf("%+v", res), fmt.Sprintf("%+v", u.svc.Settings()), fmt.Sprintf("%+v", u.svc.Health())} {
		if strings.Contains(s, key) || strings.Contains(s, "abcdefgh") {
			t.Errorf("a view shows the key: %s", s)
		}
	}

	// A key the provider refuses is saved, and the verdict says so.
	u.prov.mu.Lock()
	u.prov.checkErr = &provider.Error{Kind: provider.KindAuth, Op: "models", HTTPStatus: 401, Message: "Incorrect API key provided."}
	u.prov.mu.Unlock()
	res, err = u.svc.SetAPIKey(u.ctx, "sk-rejected-key-000000000")
	if err != nil || res.Test == nil || res.Test.OK || res.Test.Message != "Incorrect API key provided." {
		t.Errorf("SetAPIKey(refused) = %+v %+v, %v", res, res.Test, err)
	}

	v, err := u.svc.ClearAPIKey(u.ctx)
	if err != nil || v.KeySet || u.svc.Health().Provider != research.ProviderNoKey {
		t.Errorf("after ClearAPIKey: %+v, %v", v, err)
	}
}

func TestSetAPIKeyWhileTheEnvironmentHasOne(t *testing.T) {
	u := newUnit(t, nil)
	if v := u.svc.Settings(); !v.KeySet || v.KeyStorage != "environment" || v.KeyHint != "…0111" {
		t.Fatalf("view = %+v", v)
	}
	res, err := u.svc.SetAPIKey(u.ctx, "sk-saved-but-unused-0000000")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Test.Message, "OPENAI_API_KEY is set in the environment") || res.Settings.KeyHint != "…0111" {
		t.Errorf("result = %+v %+v, want a note that the environment's key wins", res.Settings, res.Test)
	}
}

func TestHealthSeqIncreases(t *testing.T) {
	u := newUnit(t, nil)
	a, b := u.svc.Health(), u.svc.Health()
	if b.Seq <= a.Seq {
		t.Errorf("Seq %d then %d, want increasing", a.Seq, b.Seq)
	}
	if a.Webhooks.State != research.WebhooksOff || a.Poller != research.PollerStopped {
		t.Errorf("health of an idle service = %+v", a)
	}
	for i := 0; i < 3; i++ {
		in := inputOf(u.svc.Settings())
		in.PollIntervalSeconds = 10 + i
		if _, err := u.svc.SaveSettings(u.ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	u.rec.mu.Lock()
	defer u.rec.mu.Unlock()
	if len(u.rec.health) < 3 {
		t.Fatalf("%d health events after three saves, want 3 or more", len(u.rec.health))
	}
	last := b.Seq
	for _, h := range u.rec.health {
		if h.Seq <= last {
			t.Errorf("health events carry Seq %d after %d", h.Seq, last)
		}
		last = h.Seq
	}
}

func TestDoctorSaysWhatIsWrongWithWebhooks(t *testing.T) {
	u := newUnit(t, map[string]string{"DEEPR_USE_WEBHOOKS": "true"})
	r := u.svc.Doctor(u.ctx, "")
	var hook, key *research.Check
	for i, c := range r.Checks {
		switch c.Name {
		case "webhooks":
			hook = &r.Checks[i]
		case "API key":
			key = &r.Checks[i]
		}
	}
	if hook == nil || hook.OK || !strings.Contains(hook.Detail, "no signing secret") || !strings.Contains(hook.Detail, "polling continues at the normal interval") {
		t.Errorf("webhooks check = %+v", hook)
	}
	if key == nil || !key.OK || strings.Contains(key.Detail, testKey) {
		t.Errorf("API key check = %+v", key)
	}
	if r.Failed() != 1 {
		t.Errorf("%d checks failed, want 1: %+v", r.Failed(), r.Checks)
	}
	for _, s := range r.Settings {
		if s.Value == testKey {
			t.Errorf("the doctor shows the key in %s", s.Name)
		}
	}
}

// A browser outlives a restart of deepr serve: the new process's Health
// must be newer than anything the old one sent, or the page keeps the old.
func TestHealthSeqIncreasesAcrossProcesses(t *testing.T) {
	old := newUnit(t, nil)
	var last uint64
	for i := 0; i < 1000; i++ {
		last = old.svc.Health().Seq
	}
	if first := newUnit(t, nil).svc.Health().Seq; first <= last {
		t.Errorf("a later service's first Health has Seq %d, not above the earlier one's last (%d)", first, last)
	}
}
