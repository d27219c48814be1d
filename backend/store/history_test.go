package store

import (
	"database/sql"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

// TestCostHistoryKeepsTheOptions: every finished attempt keeps the options
// it was sent with, on every provider, also after its job is deleted, so
// the estimate compares only like with like.
func TestCostHistoryKeepsTheOptions(t *testing.T) {
	e := setup(t)
	cases := []struct {
		provider, model string
		o               job.Options
		usd             float64
		deleted         bool
	}{
		{"openai", "o3-deep-research", job.Options{WebSearch: true, MaxToolCalls: 40}, 1, false},
		{"openai", "o3-deep-research", job.Options{MaxToolCalls: 5, EditedFrom: "job00000001"}, 1.5, true},
		{"azure", "o3-deep-research", job.Options{WebSearch: true, CodeInterpreter: true, MaxToolCalls: 200}, 2, true},
		{"gemini", "deep-research-preview-04-2026", job.Options{WebSearch: true}, 3, false},
		{"perplexity", "sonar-deep-research", job.Options{WebSearch: true}, 4, true},
	}
	for _, c := range cases {
		j := e.create(job.Job{Provider: c.provider, Model: c.model, Options: c.o})
		e.clock.Advance(time.Minute)
		e.runAttempt(j.ID, job.Completed, c.usd)
		if c.deleted {
			if err := e.st.DeleteJob(e.ctx, j.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	h, err := e.st.CostHistory(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := cost.History{}
	for i := len(cases) - 1; i >= 0; i-- { // newest first
		c := cases[i]
		o := c.o
		o.EditedFrom = "" // not an option the provider sees
		k := cost.Key(c.provider, c.model)
		want[k] = append(want[k], cost.Run{CostUSD: c.usd, Options: &o})
	}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("CostHistory = %s,\nwant %s", runsText(h), runsText(want))
	}
}

// TestCostHistoryOfOlderAttempts: attempts recorded before options were
// kept take their job's options when the job still exists; those of a
// job deleted before are kept without options (comparable with none).
func TestCostHistoryOfOlderAttempts(t *testing.T) {
	e, db, jobs, _ := oldSchema(t, 6) // 0002 made attempt rows of the ended jobs
	for _, q := range []string{`DELETE FROM jobs WHERE id = 'part0000002'`, "PRAGMA user_version = 6"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	closeDB(t, db)
	e.st = e.open()
	h, err := e.st.CostHistory(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := jobs["done0000001"].Options
	want := cost.History{
		"openai/o3-deep-research":      {{CostUSD: 1.485, Options: &done}},
		"openai/o4-mini-deep-research": {{CostUSD: 0.3}},
	}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("CostHistory after migrating = %s,\nwant %s", runsText(h), runsText(want))
	}
}

func closeDB(t *testing.T, db *sql.DB) {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// runsText shows a history with the options of each run.
func runsText(h cost.History) string {
	s := ""
	for k, rs := range h {
		s += k + ":"
		for _, r := range rs {
			if r.Options == nil {
				s += fmt.Sprintf(" $%v (options unknown)", r.CostUSD)
			} else {
				s += fmt.Sprintf(" $%v %+v", r.CostUSD, *r.Options)
			}
		}
		s += "; "
	}
	return s
}
