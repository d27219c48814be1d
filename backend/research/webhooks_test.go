package research_test

import (
	"context"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// TestWebhookCompletesARunningJob: with both intervals an hour long, only
// the signed event can make the job complete.
func TestWebhookCompletesARunningJob(t *testing.T) {
	p, addr := listeningProc(t)
	fake := p.fake
	id := p.submit(t, "webhook test")
	running := p.rec.waitStatus(t, id, job.Running, 10*time.Second)
	rid := running.ProviderJobID

	// A forged event (another key) is refused and changes nothing.
	if code := postEvent(t, addr, "msg_forged", []byte("ffffffffffffffffffffffffffffffff"), "response.completed", rid); code != http.StatusBadRequest {
		t.Fatalf("forged event: status %d, want 400", code)
	}
	if j, _ := p.svc.Get(context.Background(), id); j.Status != job.Running || fake.Gets(rid) != 0 {
		t.Fatalf("a forged event changed something: %s, %d polls", j.Status, fake.Gets(rid))
	}
	if p.svc.Settings().LastWebhookAt != nil {
		t.Errorf("a forged event counts as the last verified webhook")
	}

	fake.Finish(rid)
	if code := postEvent(t, addr, "msg_1", hookKey, "response.completed", rid); code != http.StatusOK {
		t.Fatalf("signed event: status %d, want 200", code)
	}
	done := p.rec.waitStatus(t, id, job.Completed, 10*time.Second)
	if done.ReportPath == "" || !slices.Equal(done.Actions, []string{"open", "follow_up", "edit", "delete"}) {
		t.Errorf("completed job: report path %q, actions %v", done.ReportPath, done.Actions)
	}
	if p.svc.Settings().LastWebhookAt == nil || p.svc.Health().Webhooks.LastAt == nil {
		t.Errorf("the last verified webhook was not recorded")
	}
	if v, err := p.svc.Report(context.Background(), id); err != nil || v.Markdown == "" {
		t.Errorf("Report after the webhook: %v", err)
	}
}

// TestPollingGoesOnWhenWebhooksCannotWork: webhooks on but unusable leave
// polling at the normal interval (1 s here; the fallback is an hour), and
// Health and the doctor say what is wrong.
func TestPollingGoesOnWhenWebhooksCannotWork(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	tests := []struct {
		name string
		env  map[string]string
		msg  string // in the health message
	}{
		{"no secret", map[string]string{"DEEPR_WEBHOOK_LISTEN": freeAddr(t)}, "no signing secret"},
		{"public address without a secret", map[string]string{"DEEPR_WEBHOOK_LISTEN": "0.0.0.0:8787"}, "no signing secret"},
		{"address in use", map[string]string{"DEEPR_WEBHOOK_LISTEN": taken.Addr().String(), "OPENAI_WEBHOOK_SECRET": testSecret}, "cannot listen"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 3})
			defer fake.Close()
			tc.env["DEEPR_USE_WEBHOOKS"] = "true"
			tc.env["DEEPR_POLL_INTERVAL"] = "1"
			tc.env["DEEPR_WEBHOOK_FALLBACK_INTERVAL"] = "3600"
			p := openProc(t, fake, tc.env)
			p.run(t)
			h := p.waitWebhooks(t, research.WebhooksError)
			if !strings.Contains(h.Webhooks.Message, tc.msg) || !strings.Contains(h.Webhooks.Message, "Polling continues at the normal interval") {
				t.Errorf("webhook health message = %q, want %q and that polling continues", h.Webhooks.Message, tc.msg)
			}
			noCLI(t, h.Webhooks.Message)

			id := p.submit(t, "polling must go on")
			p.rec.waitStatus(t, id, job.Completed, 30*time.Second)
			for _, j := range p.rec.emitted() {
				if j.ID == id && j.Status == job.Running && j.NextPollAt.Sub(j.UpdatedAt) > time.Minute {
					t.Errorf("a running job was scheduled %s ahead: the fallback interval, not the normal one", j.NextPollAt.Sub(j.UpdatedAt))
				}
			}
			if h := p.svc.Health(); h.Webhooks.State != research.WebhooksError || h.Poller != research.PollerRunning {
				t.Errorf("health at the end = %+v", h)
			}
			var check *research.Check
			r := p.svc.Doctor(context.Background(), "")
			for i := range r.Checks {
				if r.Checks[i].Name == "webhooks" {
					check = &r.Checks[i]
				}
			}
			if check == nil || check.OK {
				t.Errorf("doctor's webhooks check = %+v, want a failure", check)
			}
			// Said once in the log, not at every pass of the poller.
			if n := p.logged(logrus.ErrorLevel, "webhooks:"); n != 1 {
				t.Errorf("the webhook problem was logged %d times as an error, want once", n)
			}
		})
	}
}

// TestRunningJobsReturnToTheNormalIntervalWhenTheListenerStops: a job
// scheduled at the fallback interval while the listener listened must not
// wait that long once the listener is gone (here: the secret is cleared).
func TestRunningJobsReturnToTheNormalIntervalWhenTheListenerStops(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 2})
	defer fake.Close()
	env := hookEnv(t, 1, 3600)
	delete(env, "OPENAI_WEBHOOK_SECRET")
	p := openProc(t, fake, env)
	if _, err := p.svc.SetWebhookSecret(context.Background(), testSecret); err != nil {
		t.Fatal(err)
	}
	p.run(t)
	p.waitWebhooks(t, research.WebhooksListening)
	id := p.submit(t, "scheduled while webhooks worked")
	p.rec.waitStatus(t, id, job.Running, 10*time.Second)

	if _, err := p.svc.ClearWebhookSecret(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.waitWebhooks(t, research.WebhooksError)
	completed := p.rec.await(30*time.Second, func() bool {
		for _, j := range p.rec.jobs {
			if j.ID == id && j.Status == job.Completed {
				return true
			}
		}
		return false
	})
	if !completed {
		j, _ := p.svc.Get(context.Background(), id)
		t.Fatalf("the job did not complete at the normal interval (1s) once the listener stopped: it is %s, next checked in %s",
			j.Status, time.Until(j.NextPollAt).Round(time.Second))
	}
}

func TestHealthEventsCarryIncreasingSeq(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 2})
	defer fake.Close()
	p := openProc(t, fake, map[string]string{"DEEPR_POLL_INTERVAL": "1"})
	p.run(t)
	p.rec.waitStatus(t, p.submit(t, "seq"), job.Completed, 30*time.Second)
	p.rec.mu.Lock()
	defer p.rec.mu.Unlock()
	if len(p.rec.health) < 2 {
		t.Fatalf("%d health events", len(p.rec.health))
	}
	seen := map[uint64]bool{}
	for _, h := range p.rec.health {
		if seen[h.Seq] || h.Seq == 0 {
			t.Errorf("health Seq %d repeated or zero", h.Seq)
		}
		seen[h.Seq] = true
	}
	if first, last := p.rec.health[0], p.rec.health[len(p.rec.health)-1]; last.Seq <= first.Seq || last.Poller != research.PollerRunning {
		t.Errorf("first Seq %d, last %d (%s)", first.Seq, last.Seq, last.Poller)
	}
}

// TestWebhookListenerFollowsTheLease: the supervisor subscribes to the
// poller's leadership (worker.Listen). Of two processes on one database,
// the one holding the lease listens and the other stands by; when the
// holder stops, the other takes the lease over and starts listening.
func TestWebhookListenerFollowsTheLease(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1000})
	defer fake.Close()
	first := openProc(t, fake, hookEnv(t, 3600, 3600))
	env := maps.Clone(first.env) // the same data and config folders
	env["DEEPR_WEBHOOK_LISTEN"] = freeAddr(t)
	second := openProc(t, fake, env)

	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- first.svc.Run(ctx) }()
	stopFirst := func() {
		if stop != nil {
			stop()
			stop = nil
			if err := <-done; err != nil {
				t.Errorf("the first process's Run: %v", err)
			}
		}
	}
	t.Cleanup(stopFirst)
	first.waitWebhooks(t, research.WebhooksListening)
	second.run(t)
	second.waitWebhooks(t, research.WebhooksStandby)

	stopFirst()
	if h := second.waitWebhooks(t, research.WebhooksListening); h.Webhooks.Addr != env["DEEPR_WEBHOOK_LISTEN"] || h.Poller != research.PollerRunning {
		t.Errorf("after the takeover: listening on %q, poller %q; want %q, running", h.Webhooks.Addr, h.Poller, env["DEEPR_WEBHOOK_LISTEN"])
	}
	if c, err := net.Dial("tcp", first.env["DEEPR_WEBHOOK_LISTEN"]); err == nil {
		c.Close()
		t.Errorf("the process that stopped still listens on %s", first.env["DEEPR_WEBHOOK_LISTEN"])
	}
}
