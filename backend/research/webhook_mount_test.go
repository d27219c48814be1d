package research_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// TestWebhooksOnTheFacesServer: with MountWebhooks (deepr serve) the
// webhooks arrive through Service.Webhooks on the face's own server, not
// on DEEPR_WEBHOOK_LISTEN, and a signed event completes a running job
// while both poll intervals are an hour long.
func TestWebhooksOnTheFacesServer(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1000})
	t.Cleanup(fake.Close)
	env := hookEnv(t, 3600, 3600)
	p := openProcWith(t, fake, env, func(o *engine.Options) { o.MountWebhooks = true })
	site := httptest.NewServer(p.svc.Webhooks())
	t.Cleanup(site.Close)
	addr := strings.TrimPrefix(site.URL, "http://")

	// Before the supervisor runs nothing is received (the provider retries).
	if code := postEvent(t, addr, "msg_0", hookKey, "response.completed", "resp_x"); code != http.StatusServiceUnavailable {
		t.Fatalf("an event before the receiver runs: %d, want 503", code)
	}
	p.run(t)
	if h := p.waitWebhooks(t, research.WebhooksListening); h.Webhooks.Addr != research.MountedWebhooks {
		t.Fatalf("listening at %q, want %q", h.Webhooks.Addr, research.MountedWebhooks)
	}
	if c, err := http.Get("http://" + env["DEEPR_WEBHOOK_LISTEN"] + "/webhooks/openai"); err == nil {
		c.Body.Close()
		t.Errorf("a listener of its own answers on %s", env["DEEPR_WEBHOOK_LISTEN"])
	}
	id := p.submit(t, "webhooks on deepr serve")
	rid := p.rec.waitStatus(t, id, job.Running, 10*time.Second).ProviderJobID
	if code := postEvent(t, addr, "msg_forged", []byte("ffffffffffffffffffffffffffffffff"), "response.completed", rid); code != http.StatusBadRequest {
		t.Fatalf("a forged event: %d, want 400", code)
	}
	fake.Finish(rid)
	if code := postEvent(t, addr, "msg_1", hookKey, "response.completed", rid); code != http.StatusOK {
		t.Fatalf("a signed event: %d, want 200", code)
	}
	p.rec.waitStatus(t, id, job.Completed, 10*time.Second)
}

func TestWebhooksNotMountedWithoutTheOption(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	t.Cleanup(fake.Close)
	if h := openProc(t, fake, nil).svc.Webhooks(); h != nil {
		t.Error("Webhooks() without MountWebhooks is a handler, want nil (the window listens on its own)")
	}
}
