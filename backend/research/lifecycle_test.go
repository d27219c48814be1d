package research_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/store"
)

func TestCancel(t *testing.T) {
	notFound := &provider.Error{Kind: provider.KindNotFound, Op: "cancel", HTTPStatus: 404, Message: "no such response"}
	boom := &provider.Error{Kind: provider.KindTransient, Op: "cancel", HTTPStatus: 500, Message: "The server had an error."}
	used := job.Usage{InputTokens: 100_000, OutputTokens: 20_000}
	tests := []struct {
		name       string
		from       job.Status
		cancelErr  error
		snap       *provider.Snapshot // what a fetch after the cancel answers (nil: 404)
		refused    bool               // ErrNotAllowed
		warning    string             // a substring; "" means no warning
		told       bool               // the provider was asked to cancel
		wantStatus job.Status
		wantMsg    string // job.Error afterwards
		wantCost   bool   // a cost above zero was recorded
	}{
		{name: "queued", from: job.Queued, wantStatus: job.Cancelled, wantMsg: "Cancelled by the user."},
		{name: "running", from: job.Running, told: true, snap: &provider.Snapshot{Status: "cancelled", Usage: used},
			wantStatus: job.Cancelled, wantMsg: "Cancelled by the user.", wantCost: true},
		{name: "running, gone when fetched", from: job.Running, told: true, wantStatus: job.Cancelled, wantMsg: "Cancelled by the user."},
		{name: "running, the provider forgot it", from: job.Running, cancelErr: notFound, told: true, wantStatus: job.Cancelled, wantMsg: "Cancelled by the user."},
		// Not told: the run goes on and is checked (and asked again); it stays reserved.
		{name: "running, the provider fails", from: job.Running, cancelErr: boom, told: true, wantStatus: job.Running,
			warning: "OpenAI could not be told (The server had an error): Deepr asks again at its next checks"},
		{name: "submitting", from: job.Submitting, refused: true},
		{name: "unconfirmed is dismissed", from: job.Unconfirmed, wantStatus: job.Cancelled, wantMsg: "Dismissed by the user."},
		{name: "completed", from: job.Completed, refused: true, wantMsg: "some error"},
		{name: "cancelled is a no-op", from: job.Cancelled, wantStatus: job.Cancelled, wantMsg: "some error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := newUnit(t, nil)
			u.prov.cancelErr = tc.cancelErr
			j := u.mkJob(tc.from)
			if tc.snap != nil {
				s := *tc.snap
				s.ID = j.ProviderJobID
				u.prov.snaps[j.ProviderJobID] = s
			}
			res, err := u.svc.Cancel(u.ctx, j.ID[:6]) // a prefix works like the id
			stored := u.stored(j.ID)
			if tc.refused {
				e := wantError(t, err, research.ErrNotAllowed, "")
				if e.JobID != j.ID || e.Status != tc.from {
					t.Errorf("refusal names job %q status %q, want %q %q", e.JobID, e.Status, j.ID, tc.from)
				}
				if stored.Version != j.Version {
					t.Errorf("a refused cancel changed the job: %+v", stored)
				}
				return
			}
			if err != nil {
				t.Fatalf("Cancel(%s) = %v", tc.from, err)
			}
			if stored.Status != tc.wantStatus || stored.Error != tc.wantMsg || res.Job.Status != tc.wantStatus {
				t.Errorf("after cancel: stored %s %q, returned %s; want %s %q", stored.Status, stored.Error, res.Job.Status, tc.wantStatus, tc.wantMsg)
			}
			wantActions := []string{"resubmit", "edit", "delete"}
			if tc.wantStatus == job.Running {
				wantActions = []string{"check"} // no second cancel while it finishes
				if stored.CancelRequestedAt == nil || !strings.Contains(res.Job.CancelNote, "Cancelling: OpenAI was asked to stop the run") {
					t.Errorf("a cancel not yet told: requested %v, note %q", stored.CancelRequestedAt, res.Job.CancelNote)
				}
			}
			if !slices.Equal(res.Job.Actions, wantActions) {
				t.Errorf("actions after the cancel = %v, want %v", res.Job.Actions, wantActions)
			}
			if tc.wantCost != (stored.CostUSD > 0) || tc.wantCost && stored.Usage != used {
				t.Errorf("cost %v usage %+v, want cost recorded %v", stored.CostUSD, stored.Usage, tc.wantCost)
			}
			if tc.warning == "" && res.Warning != "" || !strings.Contains(res.Warning, tc.warning) {
				t.Errorf("warning = %q, want %q", res.Warning, tc.warning)
			}
			noCLI(t, res.Warning)
			calls := u.prov.cancelled()
			if tc.told != (len(calls) == 1) || tc.told && calls[0] != j.ProviderJobID {
				t.Errorf("provider cancel calls = %v, want told=%v with %q", calls, tc.told, j.ProviderJobID)
			}
		})
	}
}

// TestResubmitForgetsTheCancel: a cancel belonged to the attempt before.
func TestResubmitForgetsTheCancel(t *testing.T) {
	u := newUnit(t, nil)
	j := u.mkJob(job.Running)
	u.prov.snaps[j.ProviderJobID] = provider.Snapshot{ID: j.ProviderJobID, Status: "cancelled", Usage: job.Usage{InputTokens: 10, OutputTokens: 10}}
	if res, err := u.svc.Cancel(u.ctx, j.ID); err != nil || res.Job.Status != job.Cancelled || res.Job.CancelRequestedAt == nil {
		t.Fatalf("Cancel = %+v, %v", res.Job, err)
	}
	got, err := u.svc.Resubmit(u.ctx, j.ID)
	if err != nil || got.CancelRequestedAt != nil || u.stored(j.ID).CancelRequestedAt != nil {
		t.Errorf("resubmitted job: cancel requested %v, %v; want none", got.CancelRequestedAt, err)
	}
	if !slices.Contains(got.Actions, job.ActionCancel) {
		t.Errorf("the new attempt offers %v, want cancel", got.Actions)
	}
}

func TestDismissOnlyUnconfirmed(t *testing.T) {
	u := newUnit(t, nil)
	j := u.mkJob(job.Unconfirmed)
	got, err := u.svc.Dismiss(u.ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s := u.stored(j.ID); s.Status != job.Cancelled || s.Error != "Dismissed by the user." || s.FinishedAt == nil || got.Status != job.Cancelled {
		t.Errorf("dismissed job = %+v", s)
	}
	if len(u.prov.cancelled()) != 0 {
		t.Errorf("a dismiss called the provider")
	}
	for _, st := range []job.Status{job.Running, job.Queued, job.Failed} {
		_, err := u.svc.Dismiss(u.ctx, u.mkJob(st).ID)
		wantError(t, err, research.ErrNotAllowed, "")
	}
}

func TestResubmit(t *testing.T) {
	for _, from := range []job.Status{job.Failed, job.Cancelled, job.Unconfirmed, job.Completed, job.Incomplete, job.Running, job.Queued} {
		t.Run(string(from), func(t *testing.T) {
			u := newUnit(t, nil)
			j := u.mkJob(from)
			res, err := u.svc.Resubmit(u.ctx, j.ID)
			stored := u.stored(j.ID)
			if !from.Resubmittable() {
				wantError(t, err, research.ErrNotAllowed, "")
				if stored.Version != j.Version || len(u.rec.emitted()) != 0 {
					t.Errorf("a refused resubmit changed or announced the job")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if stored.Status != job.Queued || stored.Attempt != j.Attempt+1 || res.Attempt != stored.Attempt {
				t.Errorf("resubmitted = %s attempt %d, want queued attempt %d", stored.Status, stored.Attempt, j.Attempt+1)
			}
			if stored.ProviderJobID != "" || stored.ProviderStatus != "" || stored.Error != "" || stored.SubmittedAt != nil ||
				stored.FinishedAt != nil || stored.PollErrors != 0 || !stored.NextPollAt.Equal(t0) {
				t.Errorf("resubmitted job keeps old fields: %+v", stored)
			}
			if stored.Prompt != j.Prompt || stored.Options != j.Options || stored.Model != j.Model {
				t.Errorf("resubmit changed the request")
			}
			if ev := u.rec.emitted(); len(ev) != 1 || ev[0].Status != job.Queued {
				t.Errorf("events = %+v, want the queued job", ev)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name    string
		from    job.Status
		dir     func(data, outside string) string // the report folder; nil: none
		refused bool
		dirGone bool
	}{
		{name: "running refused", from: job.Running, refused: true, dir: func(d, _ string) string { return filepath.Join(d, "reports", "r") }},
		{name: "submitting refused", from: job.Submitting, refused: true},
		{name: "queued allowed", from: job.Queued},
		{name: "completed, folder in the data dir removed", from: job.Completed, dirGone: true,
			dir: func(d, _ string) string { return filepath.Join(d, "reports", "r") }},
		{name: "failed, folder outside the data dir kept", from: job.Failed, dir: func(_, o string) string { return filepath.Join(o, "r") }},
		{name: "cancelled, the data dir itself kept", from: job.Cancelled, dir: func(d, _ string) string { return d }},
		{name: "unconfirmed, a .. escape kept", from: job.Unconfirmed,
			dir: func(d, o string) string {
				return d + string(filepath.Separator) + ".." + string(filepath.Separator) + filepath.Base(o)
			}},
		{name: "incomplete without a folder", from: job.Incomplete},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := newUnit(t, nil)
			outside := filepath.Join(filepath.Dir(u.dirs.Data), "outside")
			var j job.Job
			if tc.from == job.Completed {
				j = u.finish(job.Completed, "# Tea", nil)
			} else {
				j = u.mkJob(tc.from)
			}
			var dir string
			if tc.dir != nil {
				dir = tc.dir(u.dirs.Data, outside)
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "report.md"), []byte("# Tea"), 0o644); err != nil {
					t.Fatal(err)
				}
				if _, err := u.st.Update(u.ctx, j.ID, func(c *job.Job) error { c.ReportPath = dir; return nil }); err != nil {
					t.Fatal(err)
				}
			}
			err := u.svc.Delete(u.ctx, j.ID[:7])
			_, gerr := u.st.GetJob(u.ctx, j.ID)
			if tc.refused {
				e := wantError(t, err, research.ErrNotAllowed, "")
				if !strings.Contains(e.Msg, "cancel it before deleting it") || gerr != nil {
					t.Errorf("refusal %q, job still there: %v", e.Msg, gerr)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if !errors.Is(gerr, store.ErrNotFound) {
					t.Errorf("job still there after delete: %v", gerr)
				}
				if _, rerr := u.st.GetReport(u.ctx, j.ID); !errors.Is(rerr, store.ErrNotFound) {
					t.Errorf("report still there after delete: %v", rerr)
				}
			}
			if dir != "" {
				_, serr := os.Stat(filepath.Join(dir, "report.md"))
				if gone := errors.Is(serr, os.ErrNotExist); gone != tc.dirGone {
					t.Errorf("folder %s removed = %v, want %v", dir, gone, tc.dirGone)
				}
			}
			u.rec.mu.Lock()
			deleted := append([]string(nil), u.rec.deleted...)
			u.rec.mu.Unlock()
			if want := !tc.refused; want != slices.Equal(deleted, []string{j.ID}) {
				t.Errorf("JobDeleted events = %v, want one for %s: %v", deleted, j.ID, want)
			}
		})
	}
	u := newUnit(t, nil)
	wantError(t, u.svc.Delete(u.ctx, "missing"), research.ErrNotFound, "")
}

func TestCheckNowMakesTheJobDueInTheDatabase(t *testing.T) {
	u := newUnit(t, nil)
	later := t0.Add(time.Hour)
	for _, st := range []job.Status{job.Running, job.Queued} {
		j := u.mkJob(st)
		if _, err := u.st.Update(u.ctx, j.ID, func(c *job.Job) error { c.NextPollAt = later; return nil }); err != nil {
			t.Fatal(err)
		}
		res, err := u.svc.CheckNow(u.ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.stored(j.ID).NextPollAt; !got.Equal(t0) || !res.Job.NextPollAt.Equal(t0) {
			t.Errorf("%s: next poll after check now = %v, want now (%v)", st, got, t0)
		}
		if !strings.Contains(res.Message, "No poller is running") {
			t.Errorf("%s: message = %q, want one saying nothing polls", st, res.Message)
		}
		noCLI(t, res.Message)
	}
	for _, st := range []job.Status{job.Completed, job.Unconfirmed, job.Submitting} {
		_, err := u.svc.CheckNow(u.ctx, u.mkJob(st).ID)
		wantError(t, err, research.ErrNotAllowed, "")
	}
}

func TestAdoptByHandUnit(t *testing.T) {
	u := newUnit(t, nil)
	j := u.mkJob(job.Unconfirmed)
	other := u.mkJob(job.Unconfirmed)
	tracked := u.mkJob(job.Running)
	u.prov.snaps["resp_mine"] = provider.Snapshot{ID: "resp_mine", JobID: j.ID, Status: provider.StatusInProgress}
	u.prov.snaps["resp_theirs"] = provider.Snapshot{ID: "resp_theirs", JobID: other.ID, Status: provider.StatusInProgress}
	u.prov.snaps[tracked.ProviderJobID] = provider.Snapshot{ID: tracked.ProviderJobID, JobID: j.ID, Status: provider.StatusInProgress}

	for _, tc := range []struct{ rid, msg string }{
		{"", "not a response id"},
		{"resp 1", "not a response id"},
		{"resp_x/../y", "not a response id"},
		{"resp_nope", "has no response with id resp_nope"},
		{"resp_theirs", "created for another job (" + other.ID + ")"},
		{tracked.ProviderJobID, "already tracked by job " + tracked.ID},
	} {
		_, err := u.svc.Adopt(u.ctx, research.AdoptRequest{ID: j.ID, ResponseID: tc.rid})
		if e := wantError(t, err, research.ErrInvalid, "response_id"); !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("Adopt(%q) = %q, want %q", tc.rid, e.Msg, tc.msg)
		}
	}
	if s := u.stored(j.ID); s.Status != job.Unconfirmed || s.Version != j.Version {
		t.Fatalf("a refused adoption changed the job: %+v", s)
	}
	_, err := u.svc.Adopt(u.ctx, research.AdoptRequest{ID: tracked.ID, ResponseID: "resp_mine"})
	wantError(t, err, research.ErrNotAllowed, "")

	got, err := u.svc.Adopt(u.ctx, research.AdoptRequest{ID: j.ID, ResponseID: " resp_mine "})
	if err != nil {
		t.Fatal(err)
	}
	s := u.stored(j.ID)
	if s.Status != job.Running || s.ProviderJobID != "resp_mine" || s.ProviderStatus != provider.StatusInProgress ||
		s.Error != "" || !s.NextPollAt.Equal(t0) || got.ProviderJobID != "resp_mine" {
		t.Errorf("adopted job = %+v", s)
	}
	if !slices.Equal(got.Actions, []string{"check", "cancel"}) {
		t.Errorf("actions of the adopted job = %v", got.Actions)
	}
	// The provider cannot be reached: a provider error, not invalid input.
	third := u.mkJob(job.Unconfirmed)
	u.prov.mu.Lock()
	u.prov.fetchErr = &provider.Error{Kind: provider.KindTransient, Op: "get", Message: "connection reset"}
	u.prov.mu.Unlock()
	_, err = u.svc.Adopt(u.ctx, research.AdoptRequest{ID: third.ID, ResponseID: "resp_any"})
	wantError(t, err, research.ErrProvider, "")
}
