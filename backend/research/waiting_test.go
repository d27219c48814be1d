package research_test

import (
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// A queued job says why it waits: no key, no poller, no free slot.
func TestQueuedJobsSayWhyTheyWait(t *testing.T) {
	u := newUnit(t, map[string]string{"OPENAI_API_KEY": ""})
	q := u.mkJob(job.Queued)
	if got, _ := u.svc.Get(u.ctx, q.ID); !strings.Contains(got.Waiting, "no OpenAI key") {
		t.Fatalf("no key: waiting = %q", got.Waiting)
	}

	u = newUnit(t, map[string]string{"DEEPR_MAX_RUNNING": "2"})
	q = u.mkJob(job.Queued)
	if got, _ := u.svc.Get(u.ctx, q.ID); !strings.Contains(got.Waiting, "no Deepr process polls") {
		t.Fatalf("no poller: waiting = %q", got.Waiting)
	}
	// A fresh lease held by another process; two jobs running: no slot.
	if ok, err := u.st.AcquireLease(u.ctx, "another process", t0, 30*time.Second); err != nil || !ok {
		t.Fatalf("AcquireLease: %v %v", ok, err)
	}
	u.mkJob(job.Running)
	u.mkJob(job.Running)
	got, _ := u.svc.Get(u.ctx, q.ID)
	if !strings.Contains(got.Waiting, "2 of 2 OpenAI jobs are running") {
		t.Fatalf("no slot: waiting = %q", got.Waiting)
	}
	if r := u.mkJob(job.Running); r.Waiting != "" {
		t.Errorf("a running job has a waiting reason: %q", r.Waiting)
	}
}

func TestEditedFromLinksTheNewJob(t *testing.T) {
	u := newUnit(t, nil)
	old := u.mkJob(job.Failed)
	res, err := u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: "tea, better asked", EditedFrom: old.ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Job.Options.EditedFrom != old.ID || u.stored(res.Job.ID).Options.EditedFrom != old.ID {
		t.Fatalf("edited_from = %q, want %q", res.Job.Options.EditedFrom, old.ID)
	}
	_, err = u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: "x", EditedFrom: "nosuchjob"})
	wantError(t, err, research.ErrInvalid, "edited_from")
}
