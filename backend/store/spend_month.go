package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

// Spend is one month's spending. Its JSON form is `deepr costs --json`.
// SpentUSD is the sum of Jobs' CostUSD, added in the order listed.
type Spend struct {
	Month       string   `json:"month"` // YYYY-MM, UTC
	SpentUSD    float64  `json:"spent_usd"`
	ReservedUSD float64  `json:"reserved_usd"` // the current month only: high estimates of queued, running and unconfirmed jobs and open helper calls
	BudgetUSD   *float64 `json:"budget_usd"`   // null: no monthly budget (set by SetBudget)
	// Jobs lists every job with an attempt that ended this month, the last
	// to end first; CostUSD is what its attempts that ended this month cost.
	Jobs []JobSpend `json:"jobs"`
	// ByModel is keyed by "provider/model".
	ByModel map[string]ModelSpend `json:"by_model"`
	// AssistantUSD is the part of SpentUSD that AI assistants asked for
	// through Deepr's MCP server (Jobs with Via job.ViaAssistant).
	AssistantUSD float64 `json:"assistant_usd"`
	// Top is the most expensive of Jobs that are research with a report
	// (at most TopJobs, cost above zero): not a failed job without one, a
	// deleted job or a helper call.
	Top []JobSpend `json:"top"`
}

// TopJobs is how many jobs Spend.Top lists.
const TopJobs = 10

// JobSpend is one job's spending in a month.
type JobSpend struct {
	JobID      string     `json:"job_id"`
	Title      string     `json:"title"`
	Provider   string     `json:"provider"`
	Model      string     `json:"model"`
	Status     job.Status `json:"status"`   // how its last attempt this month ended
	CostUSD    float64    `json:"cost_usd"` // its attempts that ended this month
	Attempts   int        `json:"attempts"` // how many attempts ended this month
	FinishedAt time.Time  `json:"finished_at"`
	Deleted    bool       `json:"deleted"` // the job was deleted; what it cost still counts
	// Kind is KindResearch for a research job; a helper call (KindAsk,
	// KindClarify, KindBrief) is listed on its own, with About naming the
	// job it was about ("" for none) and JobID its own id.
	Kind  string `json:"kind"`
	About string `json:"about"`
	// Via is "" for a request from the window or the CLI and
	// job.ViaAssistant for one an AI assistant made (deepr mcp).
	Via string `json:"via"`

	hasReport bool // the job has a report (Top lists only these)
}

// ModelSpend is one model's spending in a month.
type ModelSpend struct {
	Provider string  `json:"provider"`
	Model    string  `json:"model"`
	SpentUSD float64 `json:"spent_usd"`
	JobCount int     `json:"job_count"`
	Attempts int     `json:"attempts"`
}

// MonthTotal is one month in the list of months with spending.
type MonthTotal struct {
	Month    string  `json:"month"`
	SpentUSD float64 `json:"spent_usd"`
	JobCount int     `json:"job_count"` // research jobs; helper calls are not counted
}

// SetBudget records the monthly budget in force (0: none, null in JSON).
func (sp *Spend) SetBudget(monthlyUSD float64) {
	sp.BudgetUSD = nil
	if monthlyUSD > 0 {
		v := monthlyUSD
		sp.BudgetUSD = &v
	}
}

// MonthSpend returns the spending of a month, "YYYY-MM" ("" = the current
// month by the store's clock): every attempt that ended in it, by job and
// by model. Reserved is filled for the current month only. BudgetUSD is
// left null: the caller knows the budget (SetBudget).
func (s *Store) MonthSpend(ctx context.Context, month string) (Spend, error) {
	current, _, _ := s.thisMonth()
	if month == "" {
		month = current
	}
	start, end, err := cost.ParseMonth(month)
	if err != nil {
		return Spend{}, err
	}
	month = cost.MonthOf(start)
	sp := Spend{Month: month, Jobs: []JobSpend{}, ByModel: map[string]ModelSpend{}, Top: []JobSpend{}}
	if month == current {
		_, reserved, err := totals(ctx, s.db, start, end, "", reservingIn)
		if err != nil {
			return Spend{}, err
		}
		sp.ReservedUSD = reserved
	}
	if err := s.monthJobs(ctx, s.db, start, end, &sp); err != nil {
		return Spend{}, fmt.Errorf("reading the spend of %s: %w", month, err)
	}
	// Spent is the sum of the list, in its order, so the two agree exactly.
	for _, js := range sp.Jobs {
		sp.SpentUSD += js.CostUSD
		if js.Via == job.ViaAssistant {
			sp.AssistantUSD += js.CostUSD
		}
		k := js.Provider + "/" + js.Model
		m := sp.ByModel[k]
		m.Provider, m.Model = js.Provider, js.Model
		m.SpentUSD += js.CostUSD
		m.JobCount++
		m.Attempts += js.Attempts
		sp.ByModel[k] = m
	}
	for _, js := range sp.Jobs {
		if js.CostUSD > 0 && js.Kind == KindResearch && js.hasReport {
			sp.Top = append(sp.Top, js)
		}
	}
	sort.SliceStable(sp.Top, func(i, k int) bool { return sp.Top[i].CostUSD > sp.Top[k].CostUSD })
	if len(sp.Top) > TopJobs {
		sp.Top = sp.Top[:TopJobs]
	}
	return sp, nil
}

// monthJobs fills sp.Jobs from the attempts that ended in [start, end).
func (s *Store) monthJobs(ctx context.Context, q queryer, start, end time.Time, sp *Spend) error {
	a, err := toNanos(start)
	if err != nil {
		return err
	}
	b, err := toNanos(end)
	if err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, `SELECT a.job_id, a.provider, a.model, a.title, a.status, a.cost_usd, a.finished_at,
		j.prompt, a.kind, a.about, a.via, EXISTS (SELECT 1 FROM reports r WHERE r.job_id = a.job_id)
		FROM attempts a LEFT JOIN jobs j ON j.id = a.job_id
		WHERE a.finished_at >= ? AND a.finished_at < ?
		ORDER BY a.finished_at DESC, a.job_id, a.attempt DESC`, a, b)
	if err != nil {
		return err
	}
	defer rows.Close()
	at := map[string]int{} // job id -> index in sp.Jobs
	for rows.Next() {
		var (
			js       JobSpend
			status   string
			finished int64
			prompt   sql.NullString
		)
		if err := rows.Scan(&js.JobID, &js.Provider, &js.Model, &js.Title, &status, &js.CostUSD, &finished, &prompt, &js.Kind, &js.About, &js.Via, &js.hasReport); err != nil {
			return err
		}
		if i, seen := at[js.JobID]; seen { // an earlier attempt of a listed job
			sp.Jobs[i].CostUSD += js.CostUSD
			sp.Jobs[i].Attempts++
			continue
		}
		js.Status = job.Status(status)
		js.FinishedAt = fromNanos(finished)
		js.Attempts = 1
		js.Deleted = !prompt.Valid && js.Kind == KindResearch
		if prompt.Valid {
			js.Title = job.TitleFrom(prompt.String)
		}
		at[js.JobID] = len(sp.Jobs)
		sp.Jobs = append(sp.Jobs, js)
	}
	return rows.Err()
}

// SpendMonths lists the months with ended attempts, newest first.
func (s *Store) SpendMonths(ctx context.Context) ([]MonthTotal, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT strftime('%Y-%m', finished_at / 1000000000, 'unixepoch') AS month,
		sum(cost_usd), count(DISTINCT CASE WHEN kind = 'research' THEN job_id END) FROM attempts GROUP BY month ORDER BY month DESC`)
	if err != nil {
		return nil, fmt.Errorf("listing the months with spending: %w", err)
	}
	defer rows.Close()
	out := []MonthTotal{}
	for rows.Next() {
		var m MonthTotal
		if err := rows.Scan(&m.Month, &m.SpentUSD, &m.JobCount); err != nil {
			return nil, fmt.Errorf("listing the months with spending: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing the months with spending: %w", err)
	}
	return out, nil
}
