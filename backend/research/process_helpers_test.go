package research_test

// Helpers of the tests that run a whole process as the faces do: the
// service from engine.Open (real SQLite, the real OpenAI provider) against
// the in-repo fake OpenAI server, with the environment injected.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
	"github.com/zalando/go-keyring"

	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/provider/openai"
	"github.com/deepr-desktop/deepr/backend/research"
)

// TestMain keeps every test away from the real OS keychain: go-keyring
// answers from memory.
func TestMain(m *testing.M) {
	keyring.MockInit()
	if src := os.Getenv(importChildEnv); src != "" {
		os.Exit(importChild(src)) // TestImportKilledAndRunAgain's child process
	}
	os.Exit(m.Run())
}

// hookKey is the raw key behind testSecret.
var hookKey = []byte("0123456789abcdef0123456789abcdef")

// proc is one Deepr process: the service, its events and its log.
type proc struct {
	svc  *research.Service
	fake *fakeopenai.Server
	rec  *recorder
	log  *logtest.Hook
	env  map[string]string
}

// openProc opens a service on a fresh data folder, talking to fake, with
// env on top of the basic environment (folders, key, base URL).
// procs numbers the processes openProc opens.
var procs atomic.Int64

func openProc(t testing.TB, fake *fakeopenai.Server, env map[string]string) *proc {
	t.Helper()
	return openProcWith(t, fake, env, nil)
}

// openProcWith is openProc with engine options changed by mod.
func openProcWith(t testing.TB, fake *fakeopenai.Server, env map[string]string, mod func(*engine.Options)) *proc {
	t.Helper()
	data := t.TempDir()
	vars := map[string]string{
		"DEEPR_DATA_DIR":   data,
		"DEEPR_CONFIG_DIR": filepath.Join(data, "config"),
		"OPENAI_API_KEY":   testKey,
		"OPENAI_BASE_URL":  fake.URL(),
	}
	for k, v := range env {
		vars[k] = v
	}
	l := logrus.New()
	l.SetOutput(io.Discard)
	p := &proc{fake: fake, rec: newRecorder(), log: logtest.NewLocal(l), env: vars}
	o := engine.Options{
		Getenv:  func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		WorkDir: t.TempDir(),
		Holder:  fmt.Sprintf("service process test %d", procs.Add(1)), // each its own, as two processes are
		Events:  p.rec,
		Log:     l,
	}
	if mod != nil {
		mod(&o)
	}
	svc, err := engine.Open(o)
	if err != nil {
		t.Fatal(err)
	}
	p.svc = svc
	t.Cleanup(func() { _ = svc.Close() })
	return p
}

// run runs the service (poller and webhook supervisor) until the test ends;
// Run must then return nil.
func (p *proc) run(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v", err)
		}
	})
}

func (p *proc) submit(t testing.TB, prompt string) string {
	t.Helper()
	res, err := p.svc.Submit(context.Background(), research.SubmitRequest{Prompt: prompt, WebSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	return res.Job.ID
}

// waitWebhooks waits for a Health whose webhook listener is in state.
func (p *proc) waitWebhooks(t testing.TB, state string) research.Health {
	t.Helper()
	return p.rec.waitHealth(t, 15*time.Second, "the webhook listener to be "+state,
		func(h research.Health) bool { return h.Webhooks.State == state })
}

// listeningProc runs a process whose webhook listener listens, with both
// poll intervals an hour long (only events make anything happen), against
// a fake whose responses finish only when told (Finish). It returns the
// process and the listener's address.
func listeningProc(t testing.TB) (*proc, string) {
	t.Helper()
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1000})
	t.Cleanup(fake.Close)
	p := openProc(t, fake, hookEnv(t, 3600, 3600))
	addr := p.env["DEEPR_WEBHOOK_LISTEN"]
	p.run(t)
	if h := p.waitWebhooks(t, research.WebhooksListening); h.Webhooks.Addr != addr {
		t.Fatalf("listening on %q, want %q", h.Webhooks.Addr, addr)
	}
	return p, addr
}

// responseFor returns the id of the fake's response created for a local
// job, asking the fake over the wire (the fake has no list of ids; its ids
// are resp_fake000001, resp_fake000002, ... in creation order).
func responseFor(t testing.TB, fake *fakeopenai.Server, jobID string) string {
	t.Helper()
	p := openai.New(openai.Config{APIKey: testKey, BaseURL: fake.URL()})
	for i := 1; i <= fake.Creates(); i++ {
		id := fmt.Sprintf("resp_fake%06d", i)
		s, err := p.Fetch(context.Background(), id)
		if err == nil && s.JobID == jobID {
			return id
		}
	}
	t.Fatalf("the fake has no response created for job %s (%d creates)", jobID, fake.Creates())
	return ""
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// hookEnv switches webhooks on with the test secret on a free loopback
// port, polling every poll seconds and every fallback seconds while the
// listener listens.
func hookEnv(t testing.TB, poll, fallback int) map[string]string {
	return map[string]string{
		"DEEPR_USE_WEBHOOKS":              "true",
		"OPENAI_WEBHOOK_SECRET":           testSecret,
		"DEEPR_WEBHOOK_LISTEN":            freeAddr(t),
		"DEEPR_POLL_INTERVAL":             strconv.Itoa(poll),
		"DEEPR_WEBHOOK_FALLBACK_INTERVAL": strconv.Itoa(fallback),
	}
}

// postEvent posts a Standard Webhooks event signed with key and returns
// the HTTP status.
func postEvent(t testing.TB, addr, msgID string, key []byte, typ, respID string) int {
	t.Helper()
	body := fmt.Sprintf(`{"id":"evt_%s","object":"event","created_at":%d,"type":%q,"data":{"id":%q}}`, msgID, time.Now().Unix(), typ, respID)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msgID + "." + ts + "." + body))
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/webhooks/openai", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
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

// logged counts the log entries at level whose message contains msg.
func (p *proc) logged(level logrus.Level, msg string) int {
	n := 0
	for _, e := range p.log.AllEntries() {
		if e.Level == level && strings.Contains(e.Message, msg) {
			n++
		}
	}
	return n
}
