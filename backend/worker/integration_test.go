package worker

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/openai"
)

// fakeOpenAI starts the in-repo fake Responses API and returns a real
// OpenAI provider (the SDK over HTTP) pointed at it.
func fakeOpenAI(tb testing.TB, e *env, steps int) (*fakeopenai.Server, *openai.Provider) {
	tb.Helper()
	srv := fakeopenai.New(fakeopenai.Options{APIKey: "sk-test", StepsToFinish: steps, Now: e.clock.Now})
	tb.Cleanup(srv.Close)
	p := openai.New(openai.Config{APIKey: "sk-test", BaseURL: srv.URL(), RequestTimeout: 10 * time.Second})
	return srv, p
}

func TestIntegrationWithFakeOpenAI(t *testing.T) {
	e := setup(t)
	srv, p := fakeOpenAI(t, e, 3)
	e.w.SetProvider("openai", p)

	ok := e.mkJob(job.Queued, func(j *job.Job) { j.Prompt = "History of tea in China" })
	amb := e.mkJob(job.Queued, func(j *job.Job) { j.Prompt = "Coffee [[fake:create500]]" })
	gone := e.mkJob(job.Queued, func(j *job.Job) { j.Prompt = "Cocoa [[fake:gone]]" })

	var sawRunning bool
	for i := 0; i < 30; i++ {
		e.tick()
		if e.get(ok.ID).Status == job.Running {
			sawRunning = true
		}
		if !e.get(ok.ID).Status.Active() && !e.get(amb.ID).Status.Active() && !e.get(gone.ID).Status.Active() {
			break
		}
		e.clock.Advance(30 * time.Second)
	}

	got := e.get(ok.ID)
	if got.Status != job.Completed || !sawRunning {
		t.Fatalf("default job: %s (saw running: %v), want queued -> running -> completed", describe(got), sawRunning)
	}
	rep, err := e.st.GetReport(e.ctx, ok.ID)
	if err != nil || strings.TrimSpace(rep.Markdown) == "" || len(rep.Citations) == 0 {
		t.Errorf("report: err %v, %d chars, %d citations; want text and citations", err, len(rep.Markdown), len(rep.Citations))
	}
	for _, c := range rep.Citations {
		if !strings.HasPrefix(c.URL, "https://") || c.Start < 0 || c.End > len([]rune(rep.Markdown)) || c.Start > c.End {
			t.Errorf("citation %+v does not point into the %d-character report", c, len([]rune(rep.Markdown)))
		}
	}
	if got.Usage.InputTokens == 0 || got.CostUSD <= 0 || got.ReportPath == "" {
		t.Errorf("completed job: usage %+v cost %v report_path %q, want usage, a cost and a mirror path", got.Usage, got.CostUSD, got.ReportPath)
	}

	got = e.get(amb.ID)
	if got.Status != job.Unconfirmed || !strings.Contains(got.Error, "not retried") {
		t.Errorf("create500 job: %s, want unconfirmed, not retried", describe(got))
	}
	if n := srv.CreatesFor(amb.ID); n != 1 {
		t.Errorf("creates at the fake for the create500 job = %d, want exactly 1", n)
	}

	got = e.get(gone.ID)
	if got.Status != job.Failed || !strings.Contains(got.Error, "no longer has") {
		t.Errorf("gone job: %s, want failed, 'no longer has this response'", describe(got))
	}
	for _, j := range []job.Job{ok, amb, gone} {
		if n := len(e.rec.finishedFor(j.ID)); n != 1 {
			t.Errorf("JobFinished for %s = %d, want 1", j.Prompt, n)
		}
	}
}

func TestIntegrationKeyRejected(t *testing.T) {
	e := setup(t)
	srv, _ := fakeOpenAI(t, e, 2)
	bad := openai.New(openai.Config{APIKey: "sk-wrong", BaseURL: srv.URL()})
	e.w.SetProvider("openai", bad)
	j := e.mkJob(job.Queued, nil)
	e.tick()
	if h := e.w.Health(); h.Provider != ProviderKeyRejected {
		t.Fatalf("health with a wrong key = %+v, want key_rejected", h)
	}
	if got := e.get(j.ID); got.Status != job.Queued {
		t.Errorf("job with a wrong key: %s, want still queued", describe(got))
	}
	good := openai.New(openai.Config{APIKey: "sk-test", BaseURL: srv.URL()})
	e.w.SetProvider("openai", good)
	e.tick()
	if got := e.get(j.ID); got.Status != job.Running {
		t.Errorf("job after a good key: %s, want running", describe(got))
	}
}

// BenchmarkPollCycle measures one Tick over 1,000 running jobs against the
// fake server through the real SDK: "unchanged" jobs whose snapshot is the
// same at every GET (what a poll learns most of the time: nothing, so no
// write), and "progressing" ones whose progress grows at every GET (one
// write each, the worst case).
func BenchmarkPollCycle(b *testing.B) {
	for _, c := range []struct{ name, marker string }{{"unchanged", " [[fake:still]]"}, {"progressing", ""}} {
		b.Run(c.name, func(b *testing.B) { benchPollCycle(b, "Benchmark topic"+c.marker) })
	}
}

func benchPollCycle(b *testing.B, prompt string) {
	e := setup(b)
	srv, p := fakeOpenAI(b, e, 1<<30)
	e.w.SetProvider("openai", p)
	ctx := context.Background()
	ids := make([]string, 0, 1000)
	for i := range 1000 {
		id, err := p.Submit(ctx, provider.Request{JobID: "bench", Prompt: prompt, Model: "o3-deep-research", MaxToolCalls: 5})
		if err != nil {
			b.Fatalf("Submit %d: %v", i, err)
		}
		e.mkJob(job.Running, func(j *job.Job) { j.ProviderJobID = id })
		ids = append(ids, id)
	}
	e.tick() // take the lease and run the takeover pass outside the timing
	e.clock.Advance(30 * time.Second)
	e.tick() // the first poll of each job records its status and progress
	gets := func() int {
		n := 0
		for _, id := range ids {
			n += srv.Gets(id)
		}
		return n
	}
	before, commits := gets(), e.st.Commits()
	cpu0 := processCPU(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		e.clock.Advance(30 * time.Second)
		if err := e.w.Tick(ctx); err != nil {
			b.Fatalf("Tick: %v", err)
		}
	}
	b.StopTimer()
	// The fake server runs in this process, so the CPU time includes its side
	// of every request: an upper bound of the poller's own cost.
	cpu := (processCPU(b) - cpu0) / time.Duration(b.N)
	b.ReportMetric(float64(gets()-before)/float64(b.N*len(ids)), "gets/job")
	b.ReportMetric(float64(e.st.Commits()-commits)/float64(b.N), "commits/cycle")
	b.ReportMetric(float64(cpu)/float64(time.Millisecond), "cpu-ms/cycle")
	b.ReportMetric(100*float64(cpu)/float64(30*time.Second), "cpu%@30s")
}
