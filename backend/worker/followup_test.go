package worker

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// followUpEnv is a worker whose Parent callback answers with parent (or err).
func followUpEnv(t *testing.T, parent *provider.Parent, err error) *env {
	e := setup(t)
	e.cfg.Parent = func(_ context.Context, j job.Job) (*provider.Parent, error) {
		if j.ParentID != "parent0001" {
			t.Errorf("Parent asked for %q", j.ParentID)
		}
		return parent, err
	}
	e.w = e.newWorker(e.st, e.prov, e.cfg, e.rec)
	return e
}

func TestSubmitFollowUpContinuesTheParentResponse(t *testing.T) {
	e := followUpEnv(t, &provider.Parent{ResponseID: "resp_parent", Prompt: "p", Report: "r"}, nil)
	j := e.mkJob(job.Queued, func(j *job.Job) { j.ParentID, j.ParentContext = "parent0001", job.ContextPrevious })
	e.prov.setSubmit(func(provider.Request) (string, error) { return "resp_child", nil })
	e.tick()
	if n := len(e.prov.submits); n != 1 || e.prov.submits[0].Parent == nil || e.prov.submits[0].Parent.ResponseID != "resp_parent" {
		t.Fatalf("submits = %+v, want one continuing resp_parent", e.prov.submits)
	}
	if got := e.get(j.ID); got.Status != job.Running || got.ParentContext != job.ContextPrevious {
		t.Errorf("after submit: %s context %q, want running, %q", describe(got), got.ParentContext, job.ContextPrevious)
	}
}

func TestSubmitFollowUpFallsBackWhenTheParentResponseIsGone(t *testing.T) {
	e := followUpEnv(t, &provider.Parent{ResponseID: "resp_parent", Prompt: "the question", Report: "the report"}, nil)
	j := e.mkJob(job.Queued, func(j *job.Job) { j.ParentID, j.ParentContext = "parent0001", job.ContextPrevious })
	e.prov.setSubmit(func(r provider.Request) (string, error) {
		if r.Parent.ResponseID != "" {
			return "", &provider.Error{Kind: provider.KindContextGone, Op: "create", HTTPStatus: 400,
				Code: "previous_response_not_found", Message: "Previous response with id 'resp_parent' not found."}
		}
		return "resp_child", nil
	})
	e.tick()
	if n := len(e.prov.submits); n != 2 {
		t.Fatalf("%d creates, want 2 (refused, then with the report)", n)
	}
	if p := e.prov.submits[1].Parent; p == nil || p.ResponseID != "" || p.Report != "the report" || p.Prompt != "the question" {
		t.Errorf("second create's parent = %+v, want the report as context", p)
	}
	got := e.get(j.ID)
	if got.Status != job.Running || got.ProviderJobID != "resp_child" || got.ParentContext != job.ContextFallback {
		t.Errorf("after the fallback: %s %q context %q, want running resp_child %q", describe(got), got.ProviderJobID, got.ParentContext, job.ContextFallback)
	}
}

func TestSubmitFollowUpFallbackRefusedToo(t *testing.T) {
	e := followUpEnv(t, &provider.Parent{ResponseID: "resp_parent", Report: "r"}, nil)
	j := e.mkJob(job.Queued, func(j *job.Job) { j.ParentID, j.ParentContext = "parent0001", job.ContextPrevious })
	e.prov.setSubmit(func(r provider.Request) (string, error) {
		if r.Parent.ResponseID != "" {
			return "", &provider.Error{Kind: provider.KindContextGone, Op: "create", HTTPStatus: 404, Message: "gone"}
		}
		return "", &provider.Error{Kind: provider.KindRejected, Op: "create", HTTPStatus: 400, Message: "too long"}
	})
	e.tick()
	got := e.get(j.ID)
	if len(e.prov.submits) != 2 || got.Status != job.Failed || got.ParentContext != job.ContextFallback || !strings.Contains(got.Error, "too long") {
		t.Errorf("%d creates, job %s context %q; want 2, failed with the second refusal, fallback recorded", len(e.prov.submits), describe(got), got.ParentContext)
	}
}

func TestSubmitFollowUpWhoseParentIsGoneSendsNothing(t *testing.T) {
	e := followUpEnv(t, nil, errors.New("the research this follows up on was deleted"))
	j := e.mkJob(job.Queued, func(j *job.Job) { j.ParentID = "parent0001" })
	e.tick()
	got := e.get(j.ID)
	if len(e.prov.submits) != 0 || got.Status != job.Failed || !strings.Contains(got.Error, "deleted") || !strings.Contains(got.Error, "Nothing was billed") {
		t.Errorf("%d creates, job %s; want none, failed saying the parent was deleted", len(e.prov.submits), describe(got))
	}
}
