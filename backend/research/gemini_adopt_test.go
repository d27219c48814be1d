package research_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakegemini"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

const geminiAdoptKey = "AIza-adopt-test-gemini-00011122"

// geminiProc runs a process with Gemini on its fake (and OpenAI on its
// own), polling every second.
func geminiProc(t *testing.T, steps int) (*proc, *fakegemini.Server) {
	t.Helper()
	oa := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	t.Cleanup(oa.Close)
	g := fakegemini.New(fakegemini.Options{APIKey: geminiAdoptKey, StepsToFinish: steps})
	t.Cleanup(g.Close)
	p := openProc(t, oa, map[string]string{"DEEPR_POLL_INTERVAL": "1",
		"GEMINI_API_KEY": geminiAdoptKey, "GEMINI_BASE_URL": g.URL()})
	p.run(t)
	return p, g
}

func submitGemini(t *testing.T, p *proc, prompt string) string {
	t.Helper()
	res, err := p.svc.Submit(context.Background(), research.SubmitRequest{Prompt: prompt, Provider: "gemini"})
	if err != nil {
		t.Fatal(err)
	}
	return res.Job.ID
}

// unconfirmedGemini submits a prompt whose create Gemini answers 500 after
// making the interaction, and returns the job and that interaction's id,
// found by its deepr_job_id label.
func unconfirmedGemini(t *testing.T, p *proc, g *fakegemini.Server, prompt string) (job.Job, string) {
	t.Helper()
	id := submitGemini(t, p, "[[fake:create500]] "+prompt)
	j := p.rec.waitStatus(t, id, job.Unconfirmed, 15*time.Second)
	ids := g.InteractionsFor(id)
	if len(ids) != 1 {
		t.Fatalf("%d interactions labelled with job %s, want 1 (labels not sent?)", len(ids), id)
	}
	return j, ids[0]
}

// TestAdoptGeminiCheckedAgainstItsLabel: a Gemini interaction whose create
// looked failed is adopted by id only when its deepr_job_id label names
// the job; one labelled for another job, or with no label, is refused.
func TestAdoptGeminiCheckedAgainstItsLabel(t *testing.T) {
	p, g := geminiProc(t, 2)
	ctx := context.Background()
	mine, iid := unconfirmedGemini(t, p, g, "mine")
	_, theirs := unconfirmedGemini(t, p, g, "theirs")

	req, _ := http.NewRequest(http.MethodPost, g.URL()+"/v1beta/interactions", strings.NewReader(
		`{"agent":"deep-research-preview-04-2026","input":"made elsewhere","background":true,"store":true}`))
	req.Header.Set("x-goog-api-key", geminiAdoptKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	runs := g.Runs()
	bare := runs[len(runs)-1].ID

	for _, tc := range []struct{ rid, msg string }{
		{theirs, "created for another job"},
		{bare, "no deepr_job_id label"},
		{"v1_nosuchinteraction", "has no response with id"},
	} {
		_, err := p.svc.Adopt(ctx, research.AdoptRequest{ID: mine.ID, ResponseID: tc.rid})
		if e := wantError(t, err, research.ErrInvalid, "response_id"); !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("Adopt(%q) = %q, want %q", tc.rid, e.Msg, tc.msg)
		}
	}
	if cur, _ := p.svc.Get(ctx, mine.ID); cur.Status != job.Unconfirmed {
		t.Fatalf("a refused adoption changed the job: %s", cur.Status)
	}

	got, err := p.svc.Adopt(ctx, research.AdoptRequest{ID: mine.ID, ResponseID: iid})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != job.Running || got.ProviderJobID != iid {
		t.Errorf("Adopt = %s with %q, want running with %q", got.Status, got.ProviderJobID, iid)
	}
	done := p.rec.waitStatus(t, mine.ID, job.Completed, 20*time.Second)
	if done.ProviderJobID != iid || done.CostUSD <= 0 {
		t.Errorf("adopted job finished with provider id %q cost %v", done.ProviderJobID, done.CostUSD)
	}
	if n := len(g.InteractionsFor(mine.ID)); n != 1 {
		t.Errorf("%d interactions for the adopted job, want 1", n)
	}
}

// TestGeminiOwnStatusKept: Gemini's own status stays in provider_status,
// and the job's state and message say what happened. A run that used up
// its own budget is incomplete with its partial report and its cost.
func TestGeminiOwnStatusKept(t *testing.T) {
	p, _ := geminiProc(t, 2)
	ctx := context.Background()

	queued := submitGemini(t, p, "still waiting [[fake:slow]]")
	p.rec.waitJob(t, queued, 10*time.Second, "queued at Gemini", func(j job.Job) bool {
		return j.Status == job.Running && j.ProviderStatus != ""
	})

	budget := p.rec.waitStatus(t, submitGemini(t, p, "too broad [[fake:budget]]"), job.Incomplete, 20*time.Second)
	if budget.ProviderStatus != "budget_exceeded" || budget.CostUSD <= 0 || budget.Usage.OutputTokens == 0 ||
		!strings.Contains(budget.Error, "used up its own budget") || !strings.Contains(budget.Error, "partial report is saved") {
		t.Errorf("budget_exceeded job: provider_status %q cost %v usage %+v error %q",
			budget.ProviderStatus, budget.CostUSD, budget.Usage, budget.Error)
	}
	if v, err := p.svc.Report(ctx, budget.ID); err != nil || v.Markdown == "" {
		t.Errorf("the partial report of a budget_exceeded run: %v", err)
	}

	action := p.rec.waitStatus(t, submitGemini(t, p, "needs a yes [[fake:requires-action]]"), job.Incomplete, 20*time.Second)
	if action.ProviderStatus != "requires_action" || !strings.Contains(action.Error, "confirmation") {
		t.Errorf("requires_action job: provider_status %q error %q", action.ProviderStatus, action.Error)
	}

	strange := submitGemini(t, p, "odd [[fake:strange]]")
	p.rec.waitJob(t, strange, 20*time.Second, "an unknown status kept", func(j job.Job) bool {
		return j.ProviderStatus == "paused_for_review"
	})
	if cur, _ := p.svc.Get(ctx, strange); cur.Status != job.Running {
		t.Errorf("a job with an unknown Gemini status is %s, want running", cur.Status)
	}
	if cur, _ := p.svc.Get(ctx, queued); cur.ProviderStatus != "queued" && cur.ProviderStatus != "in_progress" {
		t.Errorf("a running Gemini job's provider_status = %q", cur.ProviderStatus)
	}
}
