package research_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// TestWaitPollsAtTheNormalIntervalWithWebhooksOn: Wait runs only the
// poller (no listener), so it must poll every DEEPR_POLL_INTERVAL, not at
// the webhook fallback interval (an hour here).
func TestWaitPollsAtTheNormalIntervalWithWebhooksOn(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 3})
	defer fake.Close()
	p := openProc(t, fake, hookEnv(t, 1, 3600))
	id := p.submit(t, "wait for me")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var seen []job.Status
	j, err := p.svc.Wait(ctx, research.WaitRequest{ID: id, Progress: func(j job.Job) { seen = append(seen, j.Status) }})
	if err != nil {
		t.Fatalf("Wait = %v with the job %s (seen %v)", err, j.Status, seen)
	}
	if j.Status != job.Completed || !research.Settled(j) || len(j.Actions) == 0 {
		t.Errorf("Wait returned %s with actions %v", j.Status, j.Actions)
	}
	if len(seen) < 2 || seen[0] != job.Queued || seen[len(seen)-1] != job.Completed {
		t.Errorf("progress saw %v, want queued first and completed last", seen)
	}
}

// TestWaitReturnsAnUnconfirmedJob: waiting longer cannot help it.
func TestWaitReturnsAnUnconfirmedJob(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer fake.Close()
	p := openProc(t, fake, map[string]string{"DEEPR_POLL_INTERVAL": "1"})
	id := p.submit(t, "[[fake:create500]] lost answer")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	j, err := p.svc.Wait(ctx, research.WaitRequest{ID: id})
	if err != nil || j.Status != job.Unconfirmed {
		t.Fatalf("Wait = %s, %v; want unconfirmed", j.Status, err)
	}
	_, err = p.svc.Wait(ctx, research.WaitRequest{ID: "nope"})
	wantError(t, err, research.ErrNotFound, "")
}

// TestCheckNowPollsAJobScheduledLater: with an hour between polls, only
// check now makes the running poller ask OpenAI again.
func TestCheckNowPollsAJobScheduledLater(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 2})
	defer fake.Close()
	p := openProc(t, fake, map[string]string{"DEEPR_POLL_INTERVAL": "3600"})
	p.run(t)
	id := p.submit(t, "check me now")
	running := p.rec.waitStatus(t, id, job.Running, 15*time.Second)
	for i := 1; i <= 2; i++ {
		res, err := p.svc.CheckNow(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.Message, "Checking with OpenAI now") {
			t.Errorf("check now message = %q", res.Message)
		}
		if time.Until(res.Job.NextPollAt) > time.Second {
			t.Errorf("after check now the job is due in %s", time.Until(res.Job.NextPollAt))
		}
		p.rec.waitFor(t, 15*time.Second, "a poll after check now", func() bool { return fake.Gets(running.ProviderJobID) >= i })
	}
	p.rec.waitStatus(t, id, job.Completed, 15*time.Second)
}
