package engine

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/worker"
)

const testKey = "sk-engine-test-key-000111"

var hookKey = []byte("0123456789abcdef0123456789abcdef")

// recorder is an Emitter that lets a test wait for a job state.
type recorder struct {
	mu   sync.Mutex
	jobs []job.Job
	ch   chan struct{}
}

func newRecorder() *recorder { return &recorder{ch: make(chan struct{}, 1000)} }

func (r *recorder) JobChanged(j job.Job) {
	r.mu.Lock()
	r.jobs = append(r.jobs, j)
	r.mu.Unlock()
	r.ch <- struct{}{}
}
func (r *recorder) HealthChanged(worker.Health) {}

// waitStatus waits for an emitted job update with the given status and
// returns it and when it was seen.
func (r *recorder) waitStatus(t *testing.T, id string, st job.Status, within time.Duration) (job.Job, time.Time) {
	t.Helper()
	deadline := time.After(within)
	for {
		r.mu.Lock()
		for _, j := range r.jobs {
			if j.ID == id && j.Status == st {
				r.mu.Unlock()
				return j, time.Now()
			}
		}
		r.mu.Unlock()
		select {
		case <-r.ch:
		case <-deadline:
			t.Fatalf("job %s never reached %s within %s", id, st, within)
		}
	}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func openEngine(t *testing.T, fake *fakeopenai.Server, rec *recorder, env map[string]string) *Engine {
	t.Helper()
	data := t.TempDir()
	base := map[string]string{
		"DEEPR_DATA_DIR":   data,
		"DEEPR_CONFIG_DIR": filepath.Join(data, "config"),
		"OPENAI_API_KEY":   testKey,
		"OPENAI_BASE_URL":  fake.URL(),
	}
	for k, v := range env {
		base[k] = v
	}
	l := logrus.New()
	l.SetOutput(io.Discard)
	e, err := Open(Options{
		Getenv:  func(k string) (string, bool) { v, ok := base[k]; return v, ok },
		WorkDir: t.TempDir(),
		Holder:  "engine test",
		Emitter: rec,
		Log:     l,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

func runEngine(t *testing.T, e *Engine) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v", err)
		}
	})
}

func postEvent(t *testing.T, addr, msgID string, key []byte, typ, respID string) int {
	t.Helper()
	body := fmt.Sprintf(`{"id":"evt_%s","object":"event","created_at":%d,"type":%q,"data":{"id":%q}}`, msgID, time.Now().Unix(), typ, respID)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msgID + "." + ts + "." + body))
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/webhooks/openai", strings.NewReader(body))
	req.Header.Set("webhook-id", msgID)
	req.Header.Set("webhook-timestamp", ts)
	req.Header.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func webhookEnv(t *testing.T, fallback string) map[string]string {
	return map[string]string{
		"DEEPR_USE_WEBHOOKS":              "true",
		"OPENAI_WEBHOOK_SECRET":           "whsec_" + base64.StdEncoding.EncodeToString(hookKey),
		"DEEPR_WEBHOOK_LISTEN":            freeAddr(t),
		"DEEPR_WEBHOOK_FALLBACK_INTERVAL": fallback,
		"DEEPR_POLL_INTERVAL":             "60",
	}
}

func TestWebhookCompletesJobWithinASecond(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1000})
	defer fake.Close()
	rec := newRecorder()
	env := webhookEnv(t, "60")
	e := openEngine(t, fake, rec, env)
	if got := e.Config().EffectivePollInterval(); got != 60*time.Second {
		t.Fatalf("poll interval with webhooks on = %s, want the 60s fallback", got)
	}
	runEngine(t, e)

	j, err := e.Research.Submit(context.Background(), research.SubmitInput{Prompt: "webhook test", WebSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	running, _ := rec.waitStatus(t, j.ID, job.Running, 10*time.Second)
	addr := env["DEEPR_WEBHOOK_LISTEN"]
	deadline := time.Now().Add(5 * time.Second)
	for e.WebhookAddr() == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if e.WebhookAddr() == "" {
		t.Fatal("the webhook listener never started in the lease holder")
	}

	// A forged event (wrong key) is refused and changes nothing.
	if code := postEvent(t, addr, "msg_forged", []byte("ffffffffffffffffffffffffffffffff"), "response.completed", running.ProviderJobID); code != http.StatusBadRequest {
		t.Fatalf("forged event: status %d, want 400", code)
	}
	time.Sleep(300 * time.Millisecond)
	if cur, _ := e.Store.GetJob(context.Background(), j.ID); cur.Status != job.Running || fake.Gets(running.ProviderJobID) != 0 {
		t.Fatalf("a forged event changed something: status %s, gets %d", cur.Status, fake.Gets(running.ProviderJobID))
	}

	// The provider finishes and says so: committed within a second.
	fake.Finish(running.ProviderJobID)
	sent := time.Now()
	if code := postEvent(t, addr, "msg_1", hookKey, "response.completed", running.ProviderJobID); code != http.StatusOK {
		t.Fatalf("signed event: status %d, want 200", code)
	}
	done, at := rec.waitStatus(t, j.ID, job.Completed, 5*time.Second)
	if d := at.Sub(sent); d > time.Second {
		t.Errorf("completion took %s after the webhook, want under 1s", d)
	}
	if done.ReportPath == "" {
		t.Errorf("completed job has no report path")
	}
	if e.LastWebhook() == nil {
		t.Errorf("the last verified webhook time was not recorded")
	}
	// A repeated delivery is acknowledged and does nothing more.
	gets := fake.Gets(running.ProviderJobID)
	if code := postEvent(t, addr, "msg_1", hookKey, "response.completed", running.ProviderJobID); code != http.StatusOK {
		t.Fatalf("repeated event: status %d, want 200", code)
	}
	time.Sleep(200 * time.Millisecond)
	if g := fake.Gets(running.ProviderJobID); g != gets {
		t.Errorf("a repeated webhook-id caused %d more polls", g-gets)
	}
}

func TestPollingStillCompletesWithoutWebhookEvents(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 2})
	defer fake.Close()
	rec := newRecorder()
	e := openEngine(t, fake, rec, webhookEnv(t, "1"))
	runEngine(t, e)
	j, err := e.Research.Submit(context.Background(), research.SubmitInput{Prompt: "no events will come", WebSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	rec.waitStatus(t, j.ID, job.Completed, 20*time.Second)
}

func TestWebhooksRefusePublicAddressWithoutSecret(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer fake.Close()
	e := openEngine(t, fake, newRecorder(), map[string]string{
		"DEEPR_USE_WEBHOOKS":   "true",
		"DEEPR_WEBHOOK_LISTEN": "0.0.0.0:8787",
	})
	err := e.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "OPENAI_WEBHOOK_SECRET") {
		t.Fatalf("Run = %v, want a refusal naming OPENAI_WEBHOOK_SECRET", err)
	}
}

func TestKeyStatusNeverRevealsTheKey(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer fake.Close()
	e := openEngine(t, fake, newRecorder(), nil)
	set, hint, storage := e.KeyStatus()
	if !set || hint != "…0111" || storage != "environment" {
		t.Fatalf("KeyStatus = %v %q %q", set, hint, storage)
	}
	v := e.Settings()
	if s := fmt.Sprintf("%+v", v); strings.Contains(s, testKey) {
		t.Fatalf("settings view contains the key: %s", s)
	}
	if kt := e.TestKey(context.Background()); !kt.OK {
		t.Fatalf("TestKey with the right key: %+v", kt)
	}
	fake.SetAPIKey("sk-rotated-key-999999999")
	if kt := e.TestKey(context.Background()); kt.OK || !strings.Contains(kt.Message, "401") {
		t.Fatalf("TestKey with a rejected key: %+v", kt)
	}
}
