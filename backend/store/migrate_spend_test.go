package store

import (
	"database/sql"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// v1JobCols are the jobs columns of schema version 1, the first
// v1JobColCount of jobCols.
const v1JobCols = `id, prompt, provider, model, options, status, provider_status, provider_job_id,
	attempt, error, progress, usage, cost_usd, created_at, updated_at, submitted_at, finished_at,
	next_poll_at, poll_errors, report_path, version`

const v1JobColCount = 21

// oldSchema writes v1 data with v1Store, then applies the migrations after
// 0001 up to schema version upto, as the versions in between did; the
// caller writes what that version would have written and closes db.
func oldSchema(t *testing.T, upto int) (*env, *sql.DB, map[string]job.Job, map[string]Report) {
	t.Helper()
	e := &env{t: t, ctx: t.Context(), path: t.TempDir() + "/deepr.db", clock: newClock()}
	jobs, reports := v1Store(t, e)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", dsn(e.path))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[1:upto] {
		if _, err := db.Exec(m.sql); err != nil {
			t.Fatalf("applying %s: %v", m.name, err)
		}
	}
	return e, db, jobs, reports
}

// v1Store writes a database at schema version 1 (only 0001 applied) with
// the code paths of that version: jobs rows and reports with citations and
// search rows. It returns the jobs and reports written.
func v1Store(t *testing.T, e *env) (map[string]job.Job, map[string]Report) {
	t.Helper()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", dsn(e.path))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(ms[0].sql); err != nil {
		t.Fatalf("applying %s: %v", ms[0].name, err)
	}
	if _, err := db.Exec("PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now().UTC()
	sub, fin := now.Add(time.Minute), now.Add(time.Hour)
	jobs := map[string]job.Job{}
	reports := map[string]Report{}
	add := func(j job.Job, rep *Report) {
		j.CreatedAt, j.UpdatedAt, j.NextPollAt, j.Version = now, now, now, 1
		j.QueuedAt = now // migration 0007 gives old rows their created_at
		if j.Attempt == 0 {
			j.Attempt = 1
		}
		args, err := jobArgs(j)
		if err != nil {
			t.Fatal(err)
		}
		args = args[:v1JobColCount] // the columns of schema version 1
		if _, err := db.Exec(`INSERT INTO jobs (`+v1JobCols+`) VALUES (?`+strings.Repeat(", ?", len(args)-1)+`)`, args...); err != nil {
			t.Fatalf("inserting v1 job %s: %v", j.ID, err)
		}
		jobs[j.ID] = j
		if rep != nil {
			tx, err := db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			if err := putReportV1(tx, j, *rep); err != nil {
				t.Fatalf("v1 report of %s: %v", j.ID, err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			r := *rep
			r.JobID = j.ID
			if r.Citations == nil {
				r.Citations = []job.Citation{}
			}
			reports[j.ID] = r
		}
	}
	use := job.Usage{InputTokens: 200_000, CachedTokens: 150_000, OutputTokens: 9_000, ReasoningTokens: 7_000, WebSearchCalls: 21}
	add(job.Job{ID: "done0000001", Status: job.Completed, Provider: "openai", Model: "o3-deep-research", Prompt: "Tea in Japan\nwith sources",
		Options: job.Options{WebSearch: true, MaxToolCalls: 40}, ProviderJobID: "resp_a", ProviderStatus: "completed", Attempt: 2,
		Usage: use, CostUSD: 1.485, SubmittedAt: &sub, FinishedAt: &fin, ReportPath: "/r/a",
		Progress: job.Progress{Steps: 9, Searches: 21, Pages: 30, Summary: "Writing"}},
		&Report{Title: "Tea in Japan", Markdown: "# Tea\n\nMatcha [1] and sencha [2].", CreatedAt: fin, Raw: []byte(`{"id":"resp_a"}`),
			Citations: []job.Citation{{Index: 1, URL: "https://a.example/m", Title: "M", Start: 13, End: 19},
				{Index: 2, URL: "https://b.example/s", Title: "S", Start: 24, End: 30}}})
	add(job.Job{ID: "part0000002", Status: job.Incomplete, Provider: "openai", Model: "o4-mini-deep-research", Prompt: "Coffee",
		ProviderJobID: "resp_b", Usage: job.Usage{InputTokens: 10, OutputTokens: 5}, CostUSD: 0.3, SubmittedAt: &sub, FinishedAt: &fin},
		&Report{Title: "Coffee", Markdown: "Partial coffee text", CreatedAt: fin})
	add(job.Job{ID: "fail0000003", Status: job.Failed, Provider: "openai", Model: "o3-deep-research", Prompt: "Cocoa",
		ProviderJobID: "resp_c", Error: "completed without text", CostUSD: 0.9, SubmittedAt: &sub, FinishedAt: &fin}, nil)
	add(job.Job{ID: "unco0000004", Status: job.Unconfirmed, Provider: "openai", Model: "o3-deep-research", Prompt: "Mate"}, nil)
	add(job.Job{ID: "canq0000005", Status: job.Cancelled, Provider: "openai", Model: "o3-deep-research", Prompt: "Never sent", FinishedAt: &fin}, nil)
	add(job.Job{ID: "runn0000006", Status: job.Running, Provider: "openai", Model: "o3-deep-research", Prompt: "Rooibos",
		ProviderJobID: "resp_f", SubmittedAt: &sub}, nil)
	add(job.Job{ID: "queu0000007", Status: job.Queued, Provider: "openai", Model: "o3-deep-research", Prompt: "Chai"}, nil)
	return jobs, reports
}

func TestMigrateSpendFromV1WithData(t *testing.T) {
	e := &env{t: t, ctx: t.Context(), path: t.TempDir() + "/deepr.db", clock: newClock()}
	jobs, reports := v1Store(t, e)
	e.st = e.open() // applies 0002

	var v int
	e.st.db.QueryRow("PRAGMA user_version").Scan(&v)
	if ms, _ := migrations(); v != len(ms) || v < 2 {
		t.Fatalf("user_version = %d after migrating, want %d", v, len(ms))
	}
	// Every job, report and citation is kept as it was.
	for id, want := range jobs {
		sameJob(t, "job "+id+" after migrating", e.get(id), want)
	}
	if n := e.count(`SELECT count(*) FROM jobs`); n != len(jobs) {
		t.Errorf("%d jobs after migrating, want %d", n, len(jobs))
	}
	for id, want := range reports {
		got, err := e.st.GetReport(e.ctx, id)
		if err != nil {
			t.Fatalf("report of %s: %v", id, err)
		}
		if !got.CreatedAt.Equal(want.CreatedAt) {
			t.Errorf("report %s created %v, want %v", id, got.CreatedAt, want.CreatedAt)
		}
		got.CreatedAt, want.CreatedAt = time.Time{}, time.Time{}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("report %s after migrating:\n got %+v\nwant %+v", id, got, want)
		}
	}
	if n := e.count(`SELECT count(*) FROM citations`); n != 2 {
		t.Errorf("%d citations after migrating, want 2", n)
	}
	hits, err := hitsOf(e.st.Search(e.ctx, "matcha", SearchOptions{}))
	if err != nil || len(hits) != 1 || hits[0].Job.ID != "done0000001" {
		t.Errorf("search after migrating: %v, %v; want the tea report", hits, err)
	}

	// Ended jobs that reached the provider have their cost as attempt rows.
	wantAttempts := map[string]float64{"done0000001": 1.485, "part0000002": 0.3, "fail0000003": 0.9, "unco0000004": 0}
	if n := e.count(`SELECT count(*) FROM attempts`); n != len(wantAttempts) {
		t.Errorf("%d attempts after migrating, want %d", n, len(wantAttempts))
	}
	for id, usd := range wantAttempts {
		as, err := e.st.Attempts(e.ctx, id)
		if err != nil || len(as) != 1 || as[0].CostUSD != usd || as[0].Attempt != jobs[id].Attempt || as[0].Status != jobs[id].Status ||
			as[0].Usage != jobs[id].Usage {
			t.Errorf("attempts of %s = %+v, %v; want one of $%v like the job", id, as, err, usd)
		}
	}
	if as, _ := e.st.Attempts(e.ctx, "done0000001"); len(as) == 1 && as[0].Title != "Tea in Japan" {
		t.Errorf("migrated attempt title %q, want the report's", as[0].Title)
	}
	sp, err := e.st.MonthSpend(e.ctx, "2025-03")
	if err != nil || sp.SpentUSD != 1.485+0.3+0.9 {
		t.Errorf("March spend after migrating = %v (%v), want %v", sp.SpentUSD, err, 1.485+0.3+0.9)
	}
	// Old jobs have no charge; they reserve nothing.
	if c, err := e.st.GetCharge(e.ctx, "runn0000006"); err != nil || c != (Charge{}) {
		t.Errorf("charge of an old job = %+v, %v; want the zero Charge", c, err)
	}
	// The migrated database keeps working: finish the running job.
	e.runAttemptFromRunning("runn0000006", 2.25)
	if as, _ := e.st.Attempts(e.ctx, "runn0000006"); len(as) != 1 || as[0].CostUSD != 2.25 {
		t.Errorf("attempts after finishing a migrated running job: %+v", as)
	}
	e.reopen() // and reopening applies nothing twice
	if n := e.count(`SELECT count(*) FROM attempts`); n != len(wantAttempts)+1 {
		t.Errorf("%d attempts after reopening, want %d", n, len(wantAttempts)+1)
	}
}

func (e *env) runAttemptFromRunning(id string, usd float64) {
	e.t.Helper()
	fin := e.clock.Now()
	if _, err := e.st.Finish(e.ctx, id, Report{Markdown: "done"}, func(c *job.Job) error {
		c.Status, c.CostUSD, c.FinishedAt = job.Completed, usd, &fin
		return nil
	}); err != nil {
		e.t.Fatalf("Finish(%s): %v", id, err)
	}
}

// putReportV1 writes a report as schema version 1 did: the report row, its
// citations and one search row (prompt, title, body).
func putReportV1(tx *sql.Tx, j job.Job, r Report) error {
	created, err := toNanos(r.CreatedAt)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO reports (job_id, title, markdown, raw, created_at) VALUES (?, ?, ?, ?, ?)`,
		j.ID, r.Title, r.Markdown, r.Raw, created); err != nil {
		return err
	}
	for i, c := range r.Citations {
		if _, err := tx.Exec(`INSERT INTO citations (job_id, pos, idx, url, title, start, "end") VALUES (?, ?, ?, ?, ?, ?, ?)`,
			j.ID, i, c.Index, c.URL, c.Title, c.Start, c.End); err != nil {
			return err
		}
	}
	_, err = tx.Exec(`INSERT INTO search (rowid, prompt, title, body) SELECT seq, ?, ?, ? FROM jobs WHERE id = ?`,
		j.Prompt, r.Title, r.Markdown, j.ID)
	return err
}
