package recovery_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/recovery"
	"github.com/deepr-desktop/deepr/backend/store"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func open(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	st.Now = func() time.Time { return t0 }
	t.Cleanup(func() { st.Close() })
	return st
}

// mk creates a job and walks it through the state table to status; a
// running job gets the response id "resp_<id>"; a completed one a report.
func mk(t *testing.T, st *store.Store, prov string, status job.Status, prompt string) job.Job {
	t.Helper()
	ctx := context.Background()
	check := store.BudgetCheck{Estimate: cost.Range{LowUSD: 1, HighUSD: 4},
		Prices: cost.Prices{Provider: prov, Model: "some-model", InputPerMTok: 2, OutputPerMTok: 8}}
	j, err := st.CreateJobWithinBudget(ctx, job.Job{Provider: prov, Model: "some-model", Prompt: prompt}, check)
	if err != nil {
		t.Fatal(err)
	}
	path := map[job.Status][]job.Status{
		job.Submitting:  {job.Submitting},
		job.Running:     {job.Submitting, job.Running},
		job.Unconfirmed: {job.Submitting, job.Unconfirmed},
		job.Cancelled:   {job.Cancelled},
	}[status]
	if status == job.Completed {
		path = []job.Status{job.Submitting, job.Running}
	}
	for _, s := range path {
		j, err = st.Update(ctx, j.ID, func(c *job.Job) error {
			c.Status = s
			if s == job.Running {
				c.ProviderJobID = "resp_" + c.ID
				c.ProviderStatus = provider.StatusInProgress
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if status == job.Completed {
		j, err = st.Finish(ctx, j.ID, store.Report{Markdown: "# " + prompt + "\n\nThe answer."}, func(c *job.Job) error {
			c.Status, c.CostUSD = job.Completed, 2.5
			fin := t0
			c.FinishedAt = &fin
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return j
}

func TestFileRoundTrip(t *testing.T) {
	data := t.TempDir()
	p := recovery.NewPath(data, t0)
	if filepath.Dir(p) != recovery.Dir(data) || !strings.HasSuffix(p, ".json") {
		t.Fatalf("NewPath = %s, want a .json file in %s", p, recovery.Dir(data))
	}
	f := recovery.File{Database: "/x/deepr.db", Reason: "gone", WrittenAt: t0,
		Jobs: []recovery.Entry{{Job: job.Job{ID: "abc", Status: job.Running, ProviderJobID: "resp_abc", Prompt: "Tea"}}}}
	if err := recovery.Write(p, f); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	// Modes only where the OS has them (Windows: ACLs, Go reports 0666).
	if perm := fi.Mode().Perm(); perm != 0o600 && runtime.GOOS != "windows" {
		t.Errorf("recovery file mode %o, want 600", perm)
	}
	if q := recovery.NewPath(data, t0); q == p {
		t.Errorf("NewPath for the same time = %s again, want another name", q)
	}
	got, err := recovery.Read(p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != recovery.Version || len(got.Jobs) != 1 || got.Jobs[0].ProviderJobID != "resp_abc" || got.Jobs[0].Prompt != "Tea" {
		t.Errorf("Read = %+v, want what was written", got)
	}
	b, _ := os.ReadFile(p)
	for _, key := range []string{`"id": "abc"`, `"provider_job_id": "resp_abc"`, `"prompt": "Tea"`, `"status": "running"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("the file lacks %s:\n%s", key, b)
		}
	}
	pending, err := recovery.Pending(data)
	if err != nil || len(pending) != 1 || pending[0] != p {
		t.Fatalf("Pending = %v, %v; want [%s]", pending, err, p)
	}
	if err := recovery.MarkDone(p); err != nil {
		t.Fatal(err)
	}
	if pending, _ := recovery.Pending(data); len(pending) != 0 {
		t.Errorf("Pending after MarkDone = %v, want none", pending)
	}
	if _, err := os.Stat(p + ".done"); err != nil {
		t.Errorf("the file taken over is not kept as .done: %v", err)
	}
}

func TestCollectAndTake(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old := open(t, filepath.Join(dir, "old.db"))
	// Nothing here depends on the provider: each job has another.
	running := mk(t, old, "gemini", job.Running, "Running")
	sending := mk(t, old, "perplexity", job.Submitting, "Being sent")
	unconf := mk(t, old, "azure", job.Unconfirmed, "Unconfirmed")
	done := mk(t, old, "openai", job.Completed, "Finished, no folder")
	mk(t, old, "openai", job.Queued, "Queued")       // nothing paid yet
	mk(t, old, "gemini", job.Cancelled, "Cancelled") // ended

	entries, err := recovery.Collect(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]recovery.Entry{}
	for _, e := range entries {
		byID[e.ID] = e
	}
	if len(entries) != 4 {
		t.Errorf("Collect kept %d jobs, want 4 (running, submitting, unconfirmed, the report without a folder)", len(entries))
	}
	if e := byID[running.ID]; e.ProviderJobID != running.ProviderJobID || e.Charge == nil || e.Charge.EstimateHighUSD != 4 {
		t.Errorf("running entry %+v, want its response id and its charge", e)
	}
	if e := byID[done.ID]; e.Report == nil || !strings.Contains(e.Report.Markdown, "The answer.") {
		t.Errorf("finished entry %+v, want its report text", e)
	}

	data := filepath.Join(dir, "data")
	p := recovery.NewPath(data, t0)
	if err := recovery.Write(p, recovery.File{Database: "old.db", WrittenAt: t0, Jobs: entries}); err != nil {
		t.Fatal(err)
	}
	fresh := open(t, filepath.Join(dir, "new.db"))
	if _, err := fresh.CreateJob(ctx, job.Job{ID: unconf.ID, Status: job.Cancelled, Provider: "openai", Model: "m", Prompt: "already here"}); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Hour)
	res, err := recovery.Take(ctx, fresh, data, now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Running != 1 || res.Unconfirmed != 1 || res.Reports != 1 || res.Skipped != 1 || len(res.Files) != 1 {
		t.Errorf("Take = %+v, want 1 running, 1 unconfirmed, 1 report, 1 skipped, 1 file", res)
	}
	got, err := fresh.GetJob(ctx, running.ID)
	if err != nil || got.Status != job.Running || got.ProviderJobID != running.ProviderJobID || !got.NextPollAt.Equal(now) || got.Provider != "gemini" {
		t.Errorf("running job taken over: %+v, %v; want running at gemini, its response id, due now", got, err)
	}
	if c, err := fresh.GetCharge(ctx, running.ID); err != nil || c.EstimateHighUSD != 4 || !c.Prices.Known() {
		t.Errorf("charge of the running job taken over: %+v, %v; want the one it was sent under", c, err)
	}
	if got, _ := fresh.GetJob(ctx, sending.ID); got.Status != job.Unconfirmed || !strings.Contains(got.Error, "not sent again") {
		t.Errorf("job being sent, taken over: %s %q; want unconfirmed, saying it was not sent again", got.Status, got.Error)
	}
	if got, _ := fresh.GetJob(ctx, unconf.ID); got.Status != job.Cancelled {
		t.Errorf("a job the new database had was changed: %s", got.Status)
	}
	if rep, err := fresh.GetReport(ctx, done.ID); err != nil || !strings.Contains(rep.Markdown, "The answer.") {
		t.Errorf("finished report taken over: %v; want its text", err)
	}
	if got, _ := fresh.GetJob(ctx, done.ID); got.CostUSD != 2.5 || got.Status != job.Completed {
		t.Errorf("finished job taken over: %s $%v; want completed, $2.5", got.Status, got.CostUSD)
	}
	// Taken over once: a second start finds nothing to do.
	if res, err := recovery.Take(ctx, fresh, data, now); err != nil || res.Jobs()+res.Skipped != 0 {
		t.Errorf("second Take = %+v, %v; want nothing", res, err)
	}
}

func TestTakeLeavesABadFile(t *testing.T) {
	data := t.TempDir()
	p := recovery.NewPath(data, t0)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	st := open(t, filepath.Join(t.TempDir(), "deepr.db"))
	_, err := recovery.Take(context.Background(), st, data, t0)
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("Take with a damaged file = %v, want an error naming %s", err, p)
	}
	if pending, _ := recovery.Pending(data); len(pending) != 1 {
		t.Errorf("a damaged file was not left in place: %v", pending)
	}
}
