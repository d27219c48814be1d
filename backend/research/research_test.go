package research

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/store"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// fakeCanceller records the provider ids it is asked to cancel and returns err.
type fakeCanceller struct {
	err   error
	calls []string
}

func (f *fakeCanceller) Cancel(_ context.Context, providerJobID string) error {
	f.calls = append(f.calls, providerJobID)
	return f.err
}

// env is a Service over a real store on a temp file, recording its callbacks.
type env struct {
	t       *testing.T
	ctx     context.Context
	st      *store.Store
	svc     *Service
	canc    *fakeCanceller
	emitted []job.Job
	woken   []string
	deleted []string
}

func setup(t *testing.T) *env {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	st.Now = func() time.Time { return t0 }
	e := &env{t: t, ctx: context.Background(), st: st, canc: &fakeCanceller{}}
	e.svc = &Service{
		Store:        st,
		DefaultModel: "o3-deep-research",
		Providers:    map[string]Canceller{"openai": e.canc},
		Wake:         func(id string) { e.woken = append(e.woken, id) },
		Emit:         func(j job.Job) { e.emitted = append(e.emitted, j) },
		Deleted:      func(id string) { e.deleted = append(e.deleted, id) },
		Now:          func() time.Time { return t0 },
	}
	return e
}

// paths lists the legal moves (after queued) that reach each status.
var paths = map[job.Status][]job.Status{
	job.Queued:      nil,
	job.Submitting:  {job.Submitting},
	job.Running:     {job.Submitting, job.Running},
	job.Completed:   {job.Submitting, job.Running, job.Completed},
	job.Incomplete:  {job.Submitting, job.Running, job.Incomplete},
	job.Failed:      {job.Submitting, job.Failed},
	job.Cancelled:   {job.Cancelled},
	job.Unconfirmed: {job.Submitting, job.Unconfirmed},
}

// mkJob creates a queued job and walks it to status through st.Update, so
// every move passes job.CheckTransition. A job that reaches Running gets the
// provider id "resp_<local id>".
func (e *env) mkJob(status job.Status) job.Job {
	e.t.Helper()
	j, err := e.st.CreateJob(e.ctx, job.Job{Status: job.Queued, Provider: "openai", Model: "o3-deep-research",
		Prompt: "Research the history of tea", Options: job.Options{WebSearch: true, MaxToolCalls: 40}})
	if err != nil {
		e.t.Fatalf("CreateJob: %v", err)
	}
	path, ok := paths[status]
	if !ok {
		e.t.Fatalf("mkJob: no path to %s", status)
	}
	for _, next := range path {
		j, err = e.st.Update(e.ctx, j.ID, func(c *job.Job) error {
			c.Status = next
			switch next {
			case job.Submitting:
				ts := t0
				c.SubmittedAt = &ts
			case job.Running:
				c.ProviderJobID = "resp_" + c.ID
				c.ProviderStatus = provider.StatusInProgress
				c.Progress = job.Progress{Steps: 3, Searches: 2, Summary: "reading"}
			case job.Completed, job.Incomplete, job.Failed, job.Cancelled:
				ts := t0
				c.FinishedAt = &ts
				c.Error = "some error"
				c.PollErrors = 2
				c.Usage = job.Usage{InputTokens: 10, OutputTokens: 20}
				c.CostUSD = 1.5
			}
			return nil
		})
		if err != nil {
			e.t.Fatalf("moving job to %s: %v", next, err)
		}
	}
	return j
}

func (e *env) get(id string) job.Job {
	e.t.Helper()
	j, err := e.st.GetJob(e.ctx, id)
	if err != nil {
		e.t.Fatalf("GetJob(%s): %v", id, err)
	}
	return j
}

func TestValidate(t *testing.T) {
	valid := func(m string) bool { return m == "o3-deep-research" || m == "o4-mini-deep-research" }
	models := func() []string { return []string{"o3-deep-research", "o4-mini-deep-research"} }
	tests := []struct {
		name    string
		in      SubmitInput
		check   bool // set ValidModel and Models
		want    SubmitInput
		wantErr string // substring; "" means no error
	}{
		{name: "empty prompt", in: SubmitInput{Prompt: ""}, wantErr: "prompt is empty"},
		{name: "whitespace prompt", in: SubmitInput{Prompt: " \n\t "}, wantErr: "prompt is empty"},
		{name: "too long", in: SubmitInput{Prompt: strings.Repeat("a", MaxPromptBytes+1)}, wantErr: "the limit is 102400 bytes (100 KB)"},
		{name: "exactly the limit", in: SubmitInput{Prompt: strings.Repeat("a", MaxPromptBytes)},
			want: SubmitInput{Prompt: strings.Repeat("a", MaxPromptBytes), Model: "o3-deep-research", MaxToolCalls: 40}},
		{name: "invalid UTF-8", in: SubmitInput{Prompt: "tea \xff\xfe history"}, wantErr: "not valid UTF-8"},
		{name: "unknown model", in: SubmitInput{Prompt: "tea", Model: "gpt-2"}, check: true,
			wantErr: `unknown model "gpt-2": use one of o3-deep-research, o4-mini-deep-research`},
		{name: "any model without ValidModel", in: SubmitInput{Prompt: "tea", Model: "gpt-2", MaxToolCalls: 5},
			want: SubmitInput{Prompt: "tea", Model: "gpt-2", MaxToolCalls: 5}},
		{name: "known model kept", in: SubmitInput{Prompt: "tea", Model: " o4-mini-deep-research ", MaxToolCalls: 7}, check: true,
			want: SubmitInput{Prompt: "tea", Model: "o4-mini-deep-research", MaxToolCalls: 7}},
		{name: "default model and trimmed prompt", in: SubmitInput{Prompt: "  tea \n", WebSearch: true, CodeInterpreter: true}, check: true,
			want: SubmitInput{Prompt: "tea", Model: "o3-deep-research", WebSearch: true, CodeInterpreter: true, MaxToolCalls: 40}},
		{name: "max tool calls 0 becomes 40", in: SubmitInput{Prompt: "tea", MaxToolCalls: 0},
			want: SubmitInput{Prompt: "tea", Model: "o3-deep-research", MaxToolCalls: DefaultMaxToolCalls}},
		{name: "max tool calls 1", in: SubmitInput{Prompt: "tea", MaxToolCalls: 1},
			want: SubmitInput{Prompt: "tea", Model: "o3-deep-research", MaxToolCalls: 1}},
		{name: "max tool calls 200", in: SubmitInput{Prompt: "tea", MaxToolCalls: 200},
			want: SubmitInput{Prompt: "tea", Model: "o3-deep-research", MaxToolCalls: 200}},
		{name: "max tool calls -1", in: SubmitInput{Prompt: "tea", MaxToolCalls: -1}, wantErr: "between 1 and 200, not -1"},
		{name: "max tool calls 201", in: SubmitInput{Prompt: "tea", MaxToolCalls: 201}, wantErr: "between 1 and 200, not 201"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Service{DefaultModel: "o3-deep-research"}
			if tc.check {
				s.ValidModel, s.Models = valid, models
			}
			got, err := s.Validate(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Validate error = %v, want one containing %q", err, tc.wantErr)
				}
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("Validate error %v does not wrap ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate error = %v, want nil", err)
			}
			if got != tc.want {
				t.Errorf("Validate = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSubmit(t *testing.T) {
	e := setup(t)
	j, err := e.svc.Submit(e.ctx, SubmitInput{Prompt: "  Research tea  ", WebSearch: true, CodeInterpreter: true, MaxToolCalls: 12})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	got := e.get(j.ID)
	if got.Status != job.Queued || got.Prompt != "Research tea" || got.Model != "o3-deep-research" || got.Provider != "openai" {
		t.Errorf("stored job = status %s prompt %q model %q provider %q, want queued, %q, o3-deep-research, openai",
			got.Status, got.Prompt, got.Model, got.Provider, "Research tea")
	}
	if want := (job.Options{WebSearch: true, CodeInterpreter: true, MaxToolCalls: 12}); got.Options != want {
		t.Errorf("stored options = %+v, want %+v", got.Options, want)
	}
	if !got.NextPollAt.Equal(t0) || got.Attempt != 1 {
		t.Errorf("stored next poll %v attempt %d, want %v and 1", got.NextPollAt, got.Attempt, t0)
	}
	if len(e.emitted) != 1 || e.emitted[0].ID != j.ID {
		t.Errorf("Emit calls = %d (%v), want 1 for %s", len(e.emitted), e.emitted, j.ID)
	}
	if len(e.woken) != 1 || e.woken[0] != j.ID {
		t.Errorf("Wake calls = %v, want [%s]", e.woken, j.ID)
	}

	// An invalid submission stores nothing and calls nobody.
	if _, err := e.svc.Submit(e.ctx, SubmitInput{Prompt: " "}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Submit(empty) error = %v, want ErrInvalid", err)
	}
	all, err := e.st.ListJobs(e.ctx, store.ListFilter{})
	if err != nil || len(all) != 1 {
		t.Errorf("jobs after an invalid submit = %d, %v; want 1", len(all), err)
	}
	if len(e.emitted) != 1 || len(e.woken) != 1 {
		t.Errorf("after an invalid submit: %d emits, %d wakes; want 1 and 1", len(e.emitted), len(e.woken))
	}
}

func TestSubmitWithoutCallbacks(t *testing.T) {
	e := setup(t)
	e.svc.Wake, e.svc.Emit = nil, nil
	if _, err := e.svc.Submit(e.ctx, SubmitInput{Prompt: "tea"}); err != nil {
		t.Fatalf("Submit with nil Wake and Emit: %v", err)
	}
}

func TestCancel(t *testing.T) {
	notFound := &provider.Error{Kind: provider.KindNotFound, Op: "cancel", HTTPStatus: 404, Message: "no such response"}
	boom := &provider.Error{Kind: provider.KindTransient, Op: "cancel", HTTPStatus: 500, Message: "server error"}
	tests := []struct {
		name       string
		from       job.Status
		cancelErr  error
		wantStatus job.Status
		wantErr    string // substring; "" means nil
		wantPCE    bool   // error is a *ProviderCancelError
		wantCalls  int    // provider Cancel calls
		wantMsg    string // job.Error afterwards
		wantEmits  int
	}{
		{name: "queued", from: job.Queued, wantStatus: job.Cancelled, wantMsg: "Cancelled by the user.", wantEmits: 1},
		{name: "unconfirmed is dismissed", from: job.Unconfirmed, wantStatus: job.Cancelled, wantMsg: "Dismissed by the user.", wantEmits: 1},
		{name: "running", from: job.Running, wantStatus: job.Cancelled, wantCalls: 1, wantMsg: "Cancelled by the user.", wantEmits: 1},
		{name: "running, provider forgot the job", from: job.Running, cancelErr: notFound, wantStatus: job.Cancelled, wantCalls: 1, wantMsg: "Cancelled by the user.", wantEmits: 1},
		{name: "running, provider fails", from: job.Running, cancelErr: boom, wantStatus: job.Cancelled, wantCalls: 1,
			wantErr: "cancelled here, but the provider could not be told", wantPCE: true, wantMsg: "Cancelled by the user.", wantEmits: 1},
		{name: "submitting refused", from: job.Submitting, wantStatus: job.Submitting, wantErr: "being sent to the provider"},
		{name: "completed refused", from: job.Completed, wantStatus: job.Completed, wantErr: "already ended (completed)", wantMsg: "some error"},
		{name: "failed refused", from: job.Failed, wantStatus: job.Failed, wantErr: "already ended (failed)", wantMsg: "some error"},
		{name: "cancelled is a no-op", from: job.Cancelled, wantStatus: job.Cancelled, wantMsg: "some error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t)
			e.canc.err = tc.cancelErr
			j := e.mkJob(tc.from)
			before := j.Version
			got, err := e.svc.Cancel(e.ctx, j.ID[:6]) // a prefix works like the full id
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Cancel(%s job) error = %v, want nil", tc.from, err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Cancel(%s job) error = %v, want one containing %q", tc.from, err, tc.wantErr)
			}
			var pce *ProviderCancelError
			if isPCE := errors.As(err, &pce); isPCE != tc.wantPCE {
				t.Errorf("error %v is a *ProviderCancelError: %v, want %v", err, isPCE, tc.wantPCE)
			}
			if tc.wantPCE && !errors.Is(err, boom) {
				t.Errorf("ProviderCancelError %v does not unwrap to the provider error", err)
			}
			if got.ID != j.ID {
				t.Errorf("Cancel returned job %q, want %q", got.ID, j.ID)
			}
			stored := e.get(j.ID)
			if stored.Status != tc.wantStatus || stored.Error != tc.wantMsg {
				t.Errorf("stored job = %s %q, want %s %q", stored.Status, stored.Error, tc.wantStatus, tc.wantMsg)
			}
			if tc.wantEmits == 0 && stored.Version != before {
				t.Errorf("stored version %d, want unchanged %d", stored.Version, before)
			}
			if tc.wantEmits > 0 && (stored.FinishedAt == nil || !stored.FinishedAt.Equal(t0)) {
				t.Errorf("stored finished at = %v, want %v", stored.FinishedAt, t0)
			}
			if len(e.canc.calls) != tc.wantCalls {
				t.Errorf("provider Cancel calls = %v, want %d", e.canc.calls, tc.wantCalls)
			}
			if tc.wantCalls > 0 && e.canc.calls[0] != j.ProviderJobID {
				t.Errorf("provider Cancel got id %q, want %q", e.canc.calls[0], j.ProviderJobID)
			}
			if len(e.emitted) != tc.wantEmits {
				t.Errorf("Emit calls = %d, want %d", len(e.emitted), tc.wantEmits)
			}
			if len(e.emitted) > 0 && e.emitted[0].Status != job.Cancelled {
				t.Errorf("emitted status %s, want cancelled", e.emitted[0].Status)
			}
		})
	}
}

func TestCancelRunningWithoutProvider(t *testing.T) {
	e := setup(t)
	e.svc.Providers = nil // e.g. no API key configured in this process
	j := e.mkJob(job.Running)
	if _, err := e.svc.Cancel(e.ctx, j.ID); err != nil {
		t.Fatalf("Cancel without a provider: %v, want nil", err)
	}
	if got := e.get(j.ID).Status; got != job.Cancelled {
		t.Errorf("status = %s, want cancelled", got)
	}
}

func TestCancelUnknownID(t *testing.T) {
	e := setup(t)
	_, err := e.svc.Cancel(e.ctx, "nope")
	if err == nil || !strings.Contains(err.Error(), `no job with id "nope"`) {
		t.Errorf("Cancel(unknown) error = %v, want one naming the id", err)
	}
	if _, err := e.svc.Cancel(e.ctx, "  "); !errors.Is(err, ErrInvalid) {
		t.Errorf("Cancel(blank) error = %v, want ErrInvalid", err)
	}
}

func TestResubmit(t *testing.T) {
	tests := []struct {
		from    job.Status
		wantErr string // "" means allowed
	}{
		{from: job.Failed},
		{from: job.Cancelled},
		{from: job.Unconfirmed},
		{from: job.Completed, wantErr: "only unconfirmed, failed or cancelled"},
		{from: job.Incomplete, wantErr: "only unconfirmed, failed or cancelled"},
		{from: job.Running, wantErr: "only unconfirmed, failed or cancelled"},
		{from: job.Queued, wantErr: "only unconfirmed, failed or cancelled"},
	}
	for _, tc := range tests {
		t.Run(string(tc.from), func(t *testing.T) {
			e := setup(t)
			j := e.mkJob(tc.from)
			_, err := e.svc.Resubmit(e.ctx, j.ID)
			stored := e.get(j.ID)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Resubmit(%s) error = %v, want one containing %q", tc.from, err, tc.wantErr)
				}
				if stored.Version != j.Version || stored.Status != tc.from {
					t.Errorf("refused resubmit changed the job: %s v%d, want %s v%d", stored.Status, stored.Version, tc.from, j.Version)
				}
				if len(e.emitted)+len(e.woken) != 0 {
					t.Errorf("refused resubmit called Emit %d and Wake %d times, want 0", len(e.emitted), len(e.woken))
				}
				return
			}
			if err != nil {
				t.Fatalf("Resubmit(%s) error = %v, want nil", tc.from, err)
			}
			if stored.Status != job.Queued || stored.Attempt != j.Attempt+1 {
				t.Errorf("stored = %s attempt %d, want queued attempt %d", stored.Status, stored.Attempt, j.Attempt+1)
			}
			if stored.ProviderJobID != "" || stored.ProviderStatus != "" || stored.Error != "" ||
				stored.Progress != (job.Progress{}) || stored.Usage != (job.Usage{}) || stored.CostUSD != 0 ||
				stored.SubmittedAt != nil || stored.FinishedAt != nil || stored.PollErrors != 0 {
				t.Errorf("resubmitted job keeps old fields: %+v", stored)
			}
			if !stored.NextPollAt.Equal(t0) {
				t.Errorf("next poll = %v, want %v", stored.NextPollAt, t0)
			}
			if stored.Prompt != j.Prompt || stored.Options != j.Options || stored.Model != j.Model {
				t.Errorf("resubmit changed the request: %q %+v %s, want %q %+v %s",
					stored.Prompt, stored.Options, stored.Model, j.Prompt, j.Options, j.Model)
			}
			if len(e.emitted) != 1 || len(e.woken) != 1 || e.woken[0] != j.ID {
				t.Errorf("Emit calls %d, Wake calls %v; want 1 and [%s]", len(e.emitted), e.woken, j.ID)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name      string
		from      job.Status
		reportDir func(dataDir, outside string) string // "" when the job has no report path
		wantErr   string
		wantGone  bool // job row removed
		wantDirRm bool // report folder removed
	}{
		{name: "queued refused", from: job.Queued, wantErr: "cancel it before deleting it"},
		{name: "submitting refused", from: job.Submitting, wantErr: "cancel it before deleting it"},
		{name: "running refused", from: job.Running, wantErr: "cancel it before deleting it",
			reportDir: func(d, _ string) string { return filepath.Join(d, "reports", "r") }},
		{name: "completed, folder inside dataDir", from: job.Completed, wantGone: true, wantDirRm: true,
			reportDir: func(d, _ string) string { return filepath.Join(d, "reports", "r") }},
		{name: "failed, folder outside dataDir kept", from: job.Failed, wantGone: true,
			reportDir: func(_, o string) string { return filepath.Join(o, "r") }},
		{name: "cancelled, dataDir itself kept", from: job.Cancelled, wantGone: true,
			reportDir: func(d, _ string) string { return d }},
		{name: "unconfirmed, dotdot escape kept", from: job.Unconfirmed, wantGone: true,
			reportDir: func(d, o string) string {
				return d + string(filepath.Separator) + ".." + string(filepath.Separator) + filepath.Base(o)
			}},
		{name: "incomplete, no report path", from: job.Incomplete, wantGone: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t)
			root := t.TempDir()
			dataDir, outside := filepath.Join(root, "data"), filepath.Join(root, "outside")
			j := e.mkJob(tc.from)
			var dir string
			if tc.reportDir != nil {
				dir = tc.reportDir(dataDir, outside)
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "report.md"), []byte("# Tea"), 0o644); err != nil {
					t.Fatal(err)
				}
				var err error
				j, err = e.st.Update(e.ctx, j.ID, func(c *job.Job) error { c.ReportPath = dir; return nil })
				if err != nil {
					t.Fatalf("setting the report path: %v", err)
				}
			}
			err := e.svc.Delete(e.ctx, j.ID, dataDir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Delete(%s) error = %v, want one containing %q", tc.from, err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatalf("Delete(%s) error = %v, want nil", tc.from, err)
			}
			_, gerr := e.st.GetJob(e.ctx, j.ID)
			if gone := errors.Is(gerr, store.ErrNotFound); gone != tc.wantGone {
				t.Errorf("job removed = %v (GetJob: %v), want %v", gone, gerr, tc.wantGone)
			}
			if dir != "" {
				_, serr := os.Stat(filepath.Join(dir, "report.md"))
				if removed := errors.Is(serr, os.ErrNotExist); removed != tc.wantDirRm {
					t.Errorf("report folder %s removed = %v, want %v", dir, removed, tc.wantDirRm)
				}
			}
			wantDeleted := 0
			if tc.wantGone {
				wantDeleted = 1
			}
			if len(e.deleted) != wantDeleted {
				t.Errorf("Deleted calls = %v, want %d", e.deleted, wantDeleted)
			}
		})
	}
}

func TestReport(t *testing.T) {
	e := setup(t)

	running := e.mkJob(job.Running)
	_, _, err := e.svc.Report(e.ctx, running.ID)
	if err == nil || !strings.Contains(err.Error(), "has no report (status running): it has not finished yet; wait for it with `deepr wait "+running.ID+"`") {
		t.Errorf("Report(running) error = %v, want it to say to wait", err)
	}

	failed := e.mkJob(job.Failed)
	_, _, err = e.svc.Report(e.ctx, failed.ID)
	if err == nil || !strings.Contains(err.Error(), "has no report (status failed): some error") {
		t.Errorf("Report(failed) error = %v, want it to give the job's error", err)
	}

	done := e.mkJob(job.Running)
	if _, err := e.st.Finish(e.ctx, done.ID, store.Report{Markdown: "# Tea\nIt is old."}, func(c *job.Job) error {
		c.Status = job.Completed
		return nil
	}); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	j, r, err := e.svc.Report(e.ctx, done.ID)
	if err != nil {
		t.Fatalf("Report(completed): %v", err)
	}
	if j.ID != done.ID || j.Status != job.Completed || r.Markdown != "# Tea\nIt is old." {
		t.Errorf("Report = job %s %s, markdown %q; want %s completed, %q", j.ID, j.Status, r.Markdown, done.ID, "# Tea\nIt is old.")
	}
}

func TestValidateRejectsControlCharacters(t *testing.T) {
	s := &Service{DefaultModel: "o3-deep-research"}
	for _, p := range []string{"a\x00b", "evil \x1b[2J prompt", "del\x7f"} {
		if _, err := s.Validate(SubmitInput{Prompt: p}); err == nil || !strings.Contains(err.Error(), "control character") {
			t.Errorf("Validate(%q) = %v, want a control-character error", p, err)
		}
	}
	if _, err := s.Validate(SubmitInput{Prompt: "line one\n\tline two\r\n"}); err != nil {
		t.Errorf("new lines and tabs must be allowed: %v", err)
	}
}
