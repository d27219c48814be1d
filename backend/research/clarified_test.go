package research_test

// A clarified job keeps the user's own question and answers beside the
// brief it sends (issue 25), on every provider, and is titled by the
// question, not by the brief.

import (
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

func TestClarifiedJobKeepsTheUsersQuestion(t *testing.T) {
	const question = "Are heat pumps worth it in cold climates?"
	const brief = "Research brief. Estimate the lifetime cost of air-source heat pumps in climates below -15 °C, against gas boilers."
	for prov, model := range fourModels {
		t.Run(prov, func(t *testing.T) {
			u := newFourUnit(t, nil)
			res, err := u.svc.Submit(u.ctx, research.SubmitRequest{
				Prompt: brief, Provider: prov, Model: model, WebSearch: true,
				Clarified: &job.Clarified{Question: "  " + question + "\n", Answers: []job.Answer{
					{Question: "Which countries?", Answer: "Canada and Norway"},
					{Question: "Which years?", Answer: "  "}, // left empty: dropped
				}},
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range []job.Job{res.Job, u.stored(res.Job.ID)} {
				c := j.Clarified
				if j.Prompt != brief || c == nil || c.Question != question || len(c.Answers) != 1 || c.Answers[0].Answer != "Canada and Norway" {
					t.Fatalf("job = prompt %q, clarified %+v; want the brief sent and the question with its one answer kept", j.Prompt, c)
				}
				if j.Title() != question {
					t.Errorf("title = %q; want the user's question", j.Title())
				}
			}
			if res.Job.DisplayTitle != question || strings.HasPrefix(res.Job.DisplayTitle, "Research brief") {
				t.Errorf("the job's title for the window = %q; want the user's question", res.Job.DisplayTitle)
			}
		})
	}
}

func TestClarifiedIsCheckedLikeAPrompt(t *testing.T) {
	u := newFourUnit(t, nil)
	base := research.SubmitRequest{Prompt: "A brief", Provider: "openai", Model: fourModels["openai"], WebSearch: true}
	plain, err := u.svc.Submit(u.ctx, base)
	if err != nil || plain.Job.Clarified != nil {
		t.Fatalf("a prompt sent as written: clarified = %+v, %v; want none", plain.Job.Clarified, err)
	}
	for name, c := range map[string]*job.Clarified{
		"question":  {Question: "Tea\x00history"},
		"answers":   {Question: "Tea", Answers: []job.Answer{{Question: "Where?", Answer: "Japan\x07"}}},
		"too large": {Question: strings.Repeat("a", research.MaxPromptBytes+1)},
	} {
		in := base
		in.Clarified = c
		_, err := u.svc.Submit(u.ctx, in)
		want := name
		if name == "too large" {
			want = "question"
		}
		if got := invalidField(err); got != want {
			t.Errorf("%s: error %v on field %q; want it on %q", name, err, got, want)
		}
	}
}

// TestOpenFilterListsWhatIsNotFinal: "open" names every status that is not
// final (the Queue's Active section), and each job says whether it is final.
func TestOpenFilterListsWhatIsNotFinal(t *testing.T) {
	sts, err := research.ParseStatuses([]string{"open"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[job.Status]bool{job.Queued: true, job.Submitting: true, job.Running: true, job.Unconfirmed: true}
	if len(sts) != len(want) {
		t.Fatalf("open = %v; want %v", sts, want)
	}
	for _, s := range sts {
		if !want[s] || s.Final() {
			t.Errorf("open holds %s", s)
		}
	}
	u := newFourUnit(t, nil)
	for _, st := range []job.Status{job.Queued, job.Completed} {
		j := u.mkJob(st)
		got, err := u.svc.Get(u.ctx, j.ID)
		if err != nil || got.Final != st.Final() {
			t.Errorf("%s: final = %v, %v; want %v", st, got.Final, err, st.Final())
		}
	}
}
