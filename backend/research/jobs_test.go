package research_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/store"
)

func TestValidate(t *testing.T) {
	u := newUnit(t, nil)
	long := strings.Repeat("a", research.MaxPromptBytes)
	tests := []struct {
		name  string
		in    research.SubmitRequest
		want  research.SubmitRequest
		field string // "" means valid
		msg   string // a substring of the message
	}{
		{name: "empty prompt", in: research.SubmitRequest{}, field: "prompt", msg: "prompt is empty"},
		{name: "blank prompt", in: research.SubmitRequest{Prompt: " \n\t "}, field: "prompt", msg: "prompt is empty"},
		{name: "too long", in: research.SubmitRequest{Prompt: long + "a"}, field: "prompt", msg: "the limit is 102400 bytes (100 KB)"},
		{name: "exactly the limit", in: research.SubmitRequest{Prompt: long},
			want: research.SubmitRequest{Provider: "openai", Prompt: long, Model: "o3-deep-research", MaxToolCalls: 40}},
		{name: "invalid UTF-8", in: research.SubmitRequest{Prompt: "tea \xff\xfe"}, field: "prompt", msg: "not valid UTF-8"},
		{name: "NUL", in: research.SubmitRequest{Prompt: "a\x00b"}, field: "prompt", msg: "control character"},
		{name: "escape sequence", in: research.SubmitRequest{Prompt: "evil \x1b[2J prompt"}, field: "prompt", msg: "control character"},
		{name: "DEL", in: research.SubmitRequest{Prompt: "del\x7f"}, field: "prompt", msg: "control character"},
		{name: "new lines and tabs are fine", in: research.SubmitRequest{Prompt: "line one\n\tline two\r\nend"},
			want: research.SubmitRequest{Provider: "openai", Prompt: "line one\n\tline two\r\nend", Model: "o3-deep-research", MaxToolCalls: 40}},
		{name: "unknown model", in: research.SubmitRequest{Prompt: "tea", Model: "gpt-2"}, field: "model",
			msg: `unknown model "gpt-2": use one of o3-deep-research, o4-mini-deep-research`},
		{name: "known model trimmed", in: research.SubmitRequest{Prompt: "tea", Model: " o4-mini-deep-research ", MaxToolCalls: 7},
			want: research.SubmitRequest{Provider: "openai", Prompt: "tea", Model: "o4-mini-deep-research", MaxToolCalls: 7}},
		{name: "default model, trimmed prompt, tools kept", in: research.SubmitRequest{Prompt: "  tea \n", WebSearch: true, CodeInterpreter: true},
			want: research.SubmitRequest{Provider: "openai", Prompt: "tea", Model: "o3-deep-research", WebSearch: true, CodeInterpreter: true, MaxToolCalls: 40}},
		{name: "max tool calls 1", in: research.SubmitRequest{Prompt: "tea", MaxToolCalls: 1},
			want: research.SubmitRequest{Provider: "openai", Prompt: "tea", Model: "o3-deep-research", MaxToolCalls: 1}},
		{name: "max tool calls 200", in: research.SubmitRequest{Prompt: "tea", MaxToolCalls: 200},
			want: research.SubmitRequest{Provider: "openai", Prompt: "tea", Model: "o3-deep-research", MaxToolCalls: 200}},
		{name: "max tool calls -1", in: research.SubmitRequest{Prompt: "tea", MaxToolCalls: -1}, field: "max_tool_calls", msg: "between 1 and 200, not -1"},
		{name: "max tool calls 201", in: research.SubmitRequest{Prompt: "tea", MaxToolCalls: 201}, field: "max_tool_calls", msg: "between 1 and 200, not 201"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := u.svc.Validate(tc.in)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want no error", err)
				}
				if got != tc.want {
					t.Errorf("Validate = %+v, want %+v", got, tc.want)
				}
				return
			}
			e := wantError(t, err, research.ErrInvalid, tc.field)
			if !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("message %q does not contain %q", e.Msg, tc.msg)
			}
		})
	}
}

func TestSubmit(t *testing.T) {
	u := newUnit(t, nil)
	res, err := u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: "  Research tea  ", WebSearch: true, MaxToolCalls: 12})
	if err != nil {
		t.Fatal(err)
	}
	got := u.stored(res.Job.ID)
	if got.Status != job.Queued || got.Prompt != "Research tea" || got.Model != "o3-deep-research" || got.Provider != "openai" ||
		got.Options != (job.Options{WebSearch: true, MaxToolCalls: 12}) || !got.NextPollAt.Equal(t0) || got.Attempt != 1 {
		t.Errorf("stored job = %+v", got)
	}
	if want := []string{job.ActionCheck, job.ActionCancel, job.ActionDelete}; !slices.Equal(res.Job.Actions, want) {
		t.Errorf("actions of the new job = %v, want %v", res.Job.Actions, want)
	}
	if ev := u.rec.emitted(); len(ev) != 1 || ev[0].ID != got.ID || !slices.Equal(ev[0].Actions, res.Job.Actions) {
		t.Errorf("events = %+v, want one for %s with its actions", ev, got.ID)
	}
	// No process polls this database: the user hears it.
	if len(res.Notes) != 1 || res.Notes[0].Code != research.NoteNoPoller {
		t.Errorf("notes = %+v, want one saying no poller runs", res.Notes)
	}
	for _, n := range res.Notes {
		noCLI(t, n.Message)
	}

	// An invalid submission stores nothing and tells nobody.
	_, err = u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: "tea", Model: "gpt-2"})
	wantError(t, err, research.ErrInvalid, "model")
	if all, _ := u.st.ListJobs(u.ctx, store.ListFilter{}); len(all) != 1 {
		t.Errorf("%d jobs after an invalid submission, want 1", len(all))
	}
	if n := len(u.rec.emitted()); n != 1 {
		t.Errorf("%d events after an invalid submission, want 1", n)
	}
}

func TestSubmitWithoutKeySaysSo(t *testing.T) {
	u := newUnit(t, map[string]string{"OPENAI_API_KEY": ""})
	res, err := u.svc.Submit(u.ctx, research.SubmitRequest{Prompt: "tea"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) == 0 || res.Notes[0].Code != research.NoteNoKey || !strings.Contains(res.Notes[0].Message, "No OpenAI API key is set") {
		t.Errorf("notes = %+v, want the missing key first", res.Notes)
	}
}

func TestListParsesStatuses(t *testing.T) {
	u := newUnit(t, nil)
	running, queued, failed := u.mkJob(job.Running), u.mkJob(job.Queued), u.mkJob(job.Failed)
	ids := func(js []job.Job) []string {
		var out []string
		for _, j := range js {
			out = append(out, j.ID)
		}
		slices.Sort(out)
		return out
	}
	sorted := func(s ...string) []string { slices.Sort(s); return s }
	tests := []struct {
		statuses []string
		limit    int
		want     []string
	}{
		{nil, 0, sorted(running.ID, queued.ID, failed.ID)},
		{[]string{"running,queued"}, 0, sorted(running.ID, queued.ID)},
		{[]string{" FAILED ", ""}, 0, []string{failed.ID}},
		{[]string{"running", "failed"}, 0, sorted(running.ID, failed.ID)},
		{[]string{"completed"}, 0, nil},
	}
	for _, tc := range tests {
		got, err := u.svc.List(u.ctx, research.ListRequest{Statuses: tc.statuses, Limit: tc.limit})
		if err != nil {
			t.Fatalf("List(%q): %v", tc.statuses, err)
		}
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("List(%q) = %v, want %v", tc.statuses, ids(got), tc.want)
		}
	}
	if got, err := u.svc.List(u.ctx, research.ListRequest{Limit: 2}); err != nil || len(got) != 2 {
		t.Errorf("List(limit 2) = %d jobs, %v; want 2", len(got), err)
	}

	_, err := u.svc.List(u.ctx, research.ListRequest{Statuses: []string{"running,runing"}})
	e := wantError(t, err, research.ErrInvalid, "status")
	if !strings.Contains(e.Msg, `"runing"`) || !strings.Contains(e.Msg, "unconfirmed") {
		t.Errorf("message %q should name the bad value and the valid ones", e.Msg)
	}
	_, err = u.svc.List(u.ctx, research.ListRequest{Limit: -1})
	wantError(t, err, research.ErrInvalid, "limit")
}

func TestGetByPrefix(t *testing.T) {
	u := newUnit(t, nil)
	for _, id := range []string{"abc111aaaa", "abc222bbbb"} {
		if _, err := u.st.CreateJob(u.ctx, job.Job{ID: id, Provider: "openai", Model: "o3-deep-research", Prompt: "tea"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"abc111aaaa", "abc1", " abc2 "} {
		j, err := u.svc.Get(u.ctx, id)
		if err != nil || !strings.HasPrefix(j.ID, strings.TrimSpace(id)) {
			t.Errorf("Get(%q) = %s, %v", id, j.ID, err)
		}
		if len(j.Actions) == 0 {
			t.Errorf("Get(%q) returned no actions", id)
		}
	}
	_, err := u.svc.Get(u.ctx, "zzz")
	if e := wantError(t, err, research.ErrNotFound, ""); !strings.Contains(e.Msg, `"zzz"`) || e.JobID != "zzz" {
		t.Errorf("not found: %+v, want the id in the message and JobID", e)
	}
	_, err = u.svc.Get(u.ctx, "abc")
	if e := wantError(t, err, research.ErrInvalid, "id"); !strings.Contains(e.Msg, "more than one job") {
		t.Errorf("ambiguous prefix: %q", e.Msg)
	}
	_, err = u.svc.Get(u.ctx, "  ")
	wantError(t, err, research.ErrInvalid, "id")
}

// TestActionsOnEveryJob checks the actions the service hands out, the same
// through List, Get and the events.
func TestActionsOnEveryJob(t *testing.T) {
	u := newUnit(t, nil)
	tests := []struct {
		name string
		make func() job.Job
		want []string
	}{
		{"queued", func() job.Job { return u.mkJob(job.Queued) }, []string{"check", "cancel", "delete"}},
		{"submitting", func() job.Job { return u.mkJob(job.Submitting) }, []string{}},
		{"running", func() job.Job { return u.mkJob(job.Running) }, []string{"check", "cancel"}},
		{"completed", func() job.Job { return u.finish(job.Completed, "# Tea\nOld.", nil) }, []string{"open", "follow_up", "edit", "delete"}},
		{"incomplete with text", func() job.Job { return u.finish(job.Incomplete, "# Tea\nPartial.", nil) }, []string{"open", "follow_up", "edit", "delete"}},
		{"incomplete without text", func() job.Job { return u.mkJob(job.Incomplete) }, []string{"edit", "delete"}},
		{"failed", func() job.Job { return u.mkJob(job.Failed) }, []string{"resubmit", "edit", "delete"}},
		{"cancelled", func() job.Job { return u.mkJob(job.Cancelled) }, []string{"resubmit", "edit", "delete"}},
		{"unconfirmed", func() job.Job { return u.mkJob(job.Unconfirmed) }, []string{"resubmit", "edit", "adopt", "dismiss", "delete"}},
	}
	made := map[string][]string{}
	for _, tc := range tests {
		j := tc.make()
		made[j.ID] = tc.want
		got, err := u.svc.Get(u.ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Actions, tc.want) {
			t.Errorf("%s: Get actions = %v, want %v", tc.name, got.Actions, tc.want)
		}
		if j.Status != job.Submitting && j.Status != job.Running && !slices.Contains(got.Actions, job.ActionDelete) &&
			!slices.Contains(got.Actions, job.ActionDismiss) {
			t.Errorf("%s: a job that is not running can neither be deleted nor dismissed", tc.name)
		}
	}
	list, err := u.svc.List(u.ctx, research.ListRequest{})
	if err != nil || len(list) != len(tests) {
		t.Fatalf("List = %d jobs, %v", len(list), err)
	}
	for _, j := range list {
		if !slices.Equal(j.Actions, made[j.ID]) {
			t.Errorf("List: %s job actions = %v, want %v", j.Status, j.Actions, made[j.ID])
		}
	}

	// Events carry the actions of the new state: a cancel offers resubmit.
	q := u.mkJob(job.Queued)
	if _, err := u.svc.Cancel(u.ctx, q.ID); err != nil {
		t.Fatal(err)
	}
	ev := u.rec.emitted()
	if len(ev) == 0 || ev[len(ev)-1].ID != q.ID || !slices.Equal(ev[len(ev)-1].Actions, []string{"resubmit", "edit", "delete"}) {
		t.Errorf("event after a cancel = %+v, want the cancelled job's actions", ev)
	}
}

func TestErrorsMatchTheirKind(t *testing.T) {
	u := newUnit(t, nil)
	_, err := u.svc.Get(u.ctx, "nope")
	for _, other := range []error{research.ErrInvalid, research.ErrNotFinished, research.ErrNotAllowed, research.ErrProvider} {
		if errors.Is(err, other) {
			t.Errorf("a not-found error also matches %v", other)
		}
	}
}
