package worker

import (
	"context"
	"sync"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// modelProvider is a Provider whose models run on different APIs: it
// records the model each fetch names and answers with fn.
type modelProvider struct {
	fakeProvider
	mu     sync.Mutex
	models []string
	fn     func(model string) (provider.Snapshot, error)
}

func (p *modelProvider) FetchModel(_ context.Context, model, _ string) (provider.Snapshot, error) {
	p.mu.Lock()
	p.models = append(p.models, model)
	p.mu.Unlock()
	return p.fn(model)
}

// TestJobsAreFetchedWithTheirModel: a ModelFetcher is asked with each
// job's model (so a Perplexity job keeps polling the API it was created
// on), and an answer that the provider retired that API fails the job
// with the provider's message, which says how to move it.
func TestJobsAreFetchedWithTheirModel(t *testing.T) {
	e := setup(t)
	const retired = "Perplexity retired the async Sonar API this job was created on (HTTP 410). Edit and resubmit the job with the deep-research preset."
	p := &modelProvider{fn: func(model string) (provider.Snapshot, error) {
		if model == "sonar-deep-research" {
			return provider.Snapshot{}, &provider.Error{Kind: provider.KindNotFound, Op: "get", HTTPStatus: 410,
				Code: provider.CodeAPIRetired, Message: retired}
		}
		return provider.Snapshot{Status: provider.StatusInProgress}, nil
	}}
	e.w = e.newWorker(e.st, p, e.cfg, e.rec)
	old := e.mkJob(job.Running, func(j *job.Job) { j.Model = "sonar-deep-research" })
	cur := e.mkJob(job.Running, func(j *job.Job) { j.Model = "deep-research" })
	e.tick()
	if got := sortedUnique(p.models); len(got) != 2 || got[0] != "deep-research" || got[1] != "sonar-deep-research" {
		t.Errorf("fetched with models %v, want each job's own", p.models)
	}
	if _, fetches, _ := p.calls(); fetches != 0 {
		t.Errorf("Fetch called %d times; want FetchModel only", fetches)
	}
	if got := e.get(old.ID); got.Status != job.Failed || got.Error != retired {
		t.Errorf("job on the retired API: %s, want failed with %q", describe(got), retired)
	}
	if got := e.get(cur.ID); got.Status != job.Running {
		t.Errorf("job on the Agent API: %s, want running", describe(got))
	}
}
