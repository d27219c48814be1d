package simulation

import (
	"database/sql"
	"encoding/json"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// What the simulation reads for itself, to hold the service to it: the
// database through its own read-only connection, and the service's list
// and spend.

// row is a job as the database keeps it, with what it reserves.
type row struct {
	status  job.Status
	attempt int
	high    float64 // the high estimate of its current attempt
	capUSD  float64 // its own cap (0: none)
	prices  cost.Prices
}

// attemptRow is one ended attempt (or helper call) and its cost.
type attemptRow struct {
	job      string
	attempt  int
	kind     string
	costUSD  float64
	finished time.Time
}

func (w *world) rows() map[string]row {
	rs, err := w.db.QueryContext(w.ctx, `SELECT id, status, attempt, estimate_high_usd, COALESCE(max_cost_usd, 0), prices FROM jobs`)
	if err != nil {
		w.t.Fatalf("oracle: reading jobs: %v", err)
	}
	defer rs.Close()
	out := map[string]row{}
	for rs.Next() {
		var id, prices string
		var r row
		if err := rs.Scan(&id, &r.status, &r.attempt, &r.high, &r.capUSD, &prices); err != nil {
			w.t.Fatalf("oracle: reading jobs: %v", err)
		}
		_ = json.Unmarshal([]byte(prices), &r.prices)
		out[id] = r
	}
	if err := rs.Err(); err != nil {
		w.t.Fatalf("oracle: reading jobs: %v", err)
	}
	return out
}

func (w *world) attempts() []attemptRow {
	rs, err := w.db.QueryContext(w.ctx, `SELECT job_id, attempt, kind, cost_usd, finished_at FROM attempts`)
	if err != nil {
		w.t.Fatalf("oracle: reading attempts: %v", err)
	}
	defer rs.Close()
	var out []attemptRow
	for rs.Next() {
		var a attemptRow
		var fin sql.NullInt64
		if err := rs.Scan(&a.job, &a.attempt, &a.kind, &a.costUSD, &fin); err != nil {
			w.t.Fatalf("oracle: reading attempts: %v", err)
		}
		a.finished = time.Unix(0, fin.Int64).UTC()
		out = append(out, a)
	}
	if err := rs.Err(); err != nil {
		w.t.Fatalf("oracle: reading attempts: %v", err)
	}
	return out
}

// jobs is every job as the service lists it, by id.
func (w *world) jobs() map[string]job.Job {
	list, err := w.svc.List(w.ctx, research.ListRequest{})
	if err != nil {
		w.t.Fatalf("listing jobs: %v", err)
	}
	out := make(map[string]job.Job, len(list))
	for _, j := range list {
		out[j.ID] = j
	}
	return out
}

// spend is this month's spent and reserved dollars as the service says.
type spend struct{ spent, reserved float64 }

func (w *world) totals() spend {
	sp, err := w.svc.Costs(w.ctx, "")
	if err != nil {
		w.t.Fatalf("reading this month's spend: %v", err)
	}
	return spend{sp.SpentUSD, sp.ReservedUSD}
}
