package research_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// unconfirmedRun submits a prompt whose create call the fake answers with
// 500 after creating the response, and returns the unconfirmed job and the
// id of the response that was really created for it.
func unconfirmedRun(t *testing.T, p *proc, prompt string) (job.Job, string) {
	t.Helper()
	id := p.submit(t, "[[fake:create500]] "+prompt)
	j := p.rec.waitStatus(t, id, job.Unconfirmed, 15*time.Second)
	if j.ProviderJobID != "" || strings.Contains(j.Error, "stopped while sending") || !strings.Contains(j.Error, "HTTP 500") {
		t.Errorf("unconfirmed job: provider id %q, error %q", j.ProviderJobID, j.Error)
	}
	for _, a := range []string{job.ActionAdopt, job.ActionDismiss, job.ActionResubmit} {
		if !slices.Contains(j.Actions, a) {
			t.Errorf("unconfirmed job actions = %v, want %s among them", j.Actions, a)
		}
	}
	if n := p.fake.CreatesFor(id); n != 1 {
		t.Fatalf("%d responses created for job %s, want 1", n, id)
	}
	return j, responseFor(t, p.fake, id)
}

// TestWebhookAdoptsAnUnconfirmedRun: the create answered 500 after the
// provider made the response; its signed completion event names a
// response no job knows, whose metadata names the unconfirmed job, which
// adopts it and is tracked to the end. Nothing is created twice.
func TestWebhookAdoptsAnUnconfirmedRun(t *testing.T) {
	p, addr := listeningProc(t)
	fake := p.fake
	j, rid := unconfirmedRun(t, p, "adopt me by webhook")

	// An event for a response nobody knows changes nothing.
	if code := postEvent(t, addr, "msg_stranger", hookKey, "response.completed", "resp_stranger"); code != http.StatusOK {
		t.Fatalf("event for an unknown response: status %d, want 200", code)
	}
	if cur, _ := p.svc.Get(context.Background(), j.ID); cur.Status != job.Unconfirmed {
		t.Fatalf("an unrelated event changed the job to %s", cur.Status)
	}

	fake.Finish(rid)
	if code := postEvent(t, addr, "msg_adopt", hookKey, "response.completed", rid); code != http.StatusOK {
		t.Fatalf("signed event: status %d, want 200", code)
	}
	adopted := p.rec.waitStatus(t, j.ID, job.Running, 10*time.Second)
	if adopted.ProviderJobID != rid {
		t.Errorf("adopted with provider id %q, want %q", adopted.ProviderJobID, rid)
	}
	done := p.rec.waitStatus(t, j.ID, job.Completed, 15*time.Second)
	if done.ProviderJobID != rid || done.ReportPath == "" {
		t.Errorf("completed job = %+v", done)
	}
	if v, err := p.svc.Report(context.Background(), j.ID); err != nil || v.Markdown == "" {
		t.Errorf("the adopted run's report: %v", err)
	}
	if n := fake.CreatesFor(j.ID); n != 1 || fake.Creates() != 1 {
		t.Errorf("%d creates for the job (%d in all), want 1: the run was paid twice", n, fake.Creates())
	}
}

// TestAdoptByHand: the user pastes a response id. A wrong, foreign or
// already-tracked id is refused; the right one is tracked to the end.
func TestAdoptByHand(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 3})
	defer fake.Close()
	p := openProc(t, fake, map[string]string{"DEEPR_POLL_INTERVAL": "1"})
	p.run(t)
	ctx := context.Background()
	mine, rid := unconfirmedRun(t, p, "mine")
	_, theirs := unconfirmedRun(t, p, "theirs")
	tracked := p.rec.waitStatus(t, p.submit(t, "an ordinary run"), job.Running, 15*time.Second)

	for _, tc := range []struct{ rid, msg string }{
		{"resp_doesnotexist", "has no response with id resp_doesnotexist"},
		{theirs, "created for another job"},
		{tracked.ProviderJobID, "already tracked by job " + tracked.ID},
		{"resp with space", "not a response id"},
	} {
		_, err := p.svc.Adopt(ctx, research.AdoptRequest{ID: mine.ID, ResponseID: tc.rid})
		if e := wantError(t, err, research.ErrInvalid, "response_id"); !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("Adopt(%q) = %q, want %q", tc.rid, e.Msg, tc.msg)
		}
	}
	if cur, _ := p.svc.Get(ctx, mine.ID); cur.Status != job.Unconfirmed || cur.Version != mine.Version {
		t.Fatalf("a refused adoption changed the job: %+v", cur)
	}

	got, err := p.svc.Adopt(ctx, research.AdoptRequest{ID: mine.ID[:6], ResponseID: rid})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != job.Running || got.ProviderJobID != rid {
		t.Errorf("Adopt = %s with %q, want running with %q", got.Status, got.ProviderJobID, rid)
	}
	done := p.rec.waitStatus(t, mine.ID, job.Completed, 20*time.Second)
	if done.ProviderJobID != rid {
		t.Errorf("completed with provider id %q, want %q", done.ProviderJobID, rid)
	}
	if n := fake.CreatesFor(mine.ID); n != 1 {
		t.Errorf("%d creates for the adopted job, want 1", n)
	}
	// Adopting again is refused: the job is no longer unconfirmed.
	_, err = p.svc.Adopt(ctx, research.AdoptRequest{ID: mine.ID, ResponseID: rid})
	wantError(t, err, research.ErrNotAllowed, "")
}
