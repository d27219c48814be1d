package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// Kinds of attempt rows (attempts.kind): a research run, or a call of the
// helper model.
const (
	KindResearch = "research"
	KindAsk      = "ask"
	KindClarify  = "clarify"
	KindBrief    = "brief"
)

// HelperCall is one call of the helper model, kept as an attempt row so
// the month's spend and the budget count it.
type HelperCall struct {
	ID       string // "" : a new id is made ("<kind>-<random>")
	Kind     string // KindAsk, KindClarify or KindBrief
	About    string // the job it was about, "" for none
	Provider string
	Model    string
	Title    string // what the spend view lists, e.g. "Question: why ...?"
	Usage    job.Usage
	CostUSD  float64
	At       time.Time // zero: now
	Via      string    // "" : its reservation's (job.ViaAssistant for an assistant's call)
}

// Question is a question asked about a saved report, with its answer.
type Question struct {
	ID        string    `json:"id"`
	JobID     string    `json:"job_id"`
	Question  string    `json:"question"`
	Answer    string    `json:"answer"` // markdown, citing the report's sources as [n]
	Provider  string    `json:"provider"`
	Model     string    `json:"model"`
	Usage     job.Usage `json:"usage"`
	CostUSD   float64   `json:"cost_usd"`
	CreatedAt time.Time `json:"created_at" ts_type:"string"`
}

// QuestionTitle is what the spend view lists for a question about a
// report.
func QuestionTitle(question string) string { return "Question: " + job.TitleFrom(question) }

// RecordHelperCall keeps the cost of a helper call and, in the same write,
// ends its reservation (c.ID, from ReserveHelper). It returns the call
// with its id and time. Recording the same id again replaces the row, so
// a retry after a commit that seemed to fail counts the call once, and the
// real cost replaces the high estimate of a reservation settled when it
// expired.
func (s *Store) RecordHelperCall(ctx context.Context, c HelperCall) (HelperCall, error) {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.helperCallTx(ctx, tx, c)
		return err
	})
	return c, err
}

func (s *Store) helperCallTx(ctx context.Context, tx *sql.Tx, c HelperCall) (HelperCall, error) {
	if !helperKind(c.Kind) {
		return c, fmt.Errorf("recording a helper call: unknown kind %q", c.Kind)
	}
	if c.ID == "" {
		id, err := newID()
		if err != nil {
			return c, err
		}
		c.ID = c.Kind + "-" + id
	}
	if c.At.IsZero() {
		c.At = s.now()
	}
	c.At = c.At.UTC().Round(0)
	at, err := toNanos(c.At)
	if err != nil {
		return c, err
	}
	usage, err := json.Marshal(c.Usage)
	if err != nil {
		return c, err
	}
	// The face the call came through is its reservation's (or, settled
	// at its estimate already, that attempt's).
	if c.Via == "" {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT via FROM helper_reservations WHERE id = ?),
			(SELECT via FROM attempts WHERE job_id = ? AND attempt = 1 AND kind = ?), '')`, c.ID, c.ID, c.Kind).Scan(&c.Via); err != nil {
			return c, fmt.Errorf("settling the reservation of a %s call: %w", c.Kind, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM helper_reservations WHERE id = ?`, c.ID); err != nil {
		return c, fmt.Errorf("settling the reservation of a %s call: %w", c.Kind, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM attempts WHERE job_id = ? AND attempt = 1 AND kind = ?`, c.ID, c.Kind); err != nil {
		return c, fmt.Errorf("recording the cost of a %s call: %w", c.Kind, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO attempts
		(job_id, attempt, provider, model, title, status, cost_usd, usage, started_at, finished_at, kind, about, via)
		VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Provider, c.Model, c.Title, string(job.Completed), c.CostUSD, string(usage), at, at, c.Kind, c.About, c.Via)
	if err != nil {
		return c, fmt.Errorf("recording the cost of a %s call: %w", c.Kind, err)
	}
	return c, nil
}

// SaveQuestion keeps a question about job q.JobID (exact id) and its
// answer, with its cost as a helper call (ending its reservation q.ID, as
// RecordHelperCall does), and adds both to the report's search text, in
// ONE transaction. It returns the question with its id and time. A job
// without a report (deleted meanwhile) is ErrNotFound and nothing is
// written: record the cost alone then (RecordHelperCall).
func (s *Store) SaveQuestion(ctx context.Context, q Question) (Question, error) {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reports WHERE job_id = ?`, q.JobID).Scan(&n); err != nil {
			return fmt.Errorf("saving a question about job %s: %w", q.JobID, err)
		}
		if n == 0 {
			return fmt.Errorf("job %q has no report to save the question with: %w", q.JobID, ErrNotFound)
		}
		c, err := s.helperCallTx(ctx, tx, HelperCall{ID: q.ID, Kind: KindAsk, About: q.JobID, Provider: q.Provider,
			Model: q.Model, Title: QuestionTitle(q.Question), Usage: q.Usage, CostUSD: q.CostUSD, At: q.CreatedAt})
		if err != nil {
			return err
		}
		q.ID, q.CreatedAt = c.ID, c.At
		created, err := toNanos(q.CreatedAt)
		if err != nil {
			return err
		}
		usage, err := json.Marshal(q.Usage)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO questions (id, job_id, question, answer, provider, model, usage, cost_usd, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, q.ID, q.JobID, q.Question, q.Answer, q.Provider, q.Model, string(usage), q.CostUSD, created); err != nil {
			return fmt.Errorf("saving a question about job %s: %w", q.JobID, err)
		}
		return reindexJobTx(ctx, tx, q.JobID)
	})
	if err != nil {
		return Question{}, err
	}
	return q, nil
}

// insertQuestionsTx adds questions brought by an import (their cost was
// counted where they were asked: no attempt row). One already here, by id,
// is kept as it is.
func insertQuestionsTx(ctx context.Context, tx *sql.Tx, jobID string, qs []Question) error {
	for _, q := range qs {
		if strings.TrimSpace(q.ID) == "" || strings.TrimSpace(q.Question) == "" {
			return fmt.Errorf("a question needs an id and a text")
		}
		created, err := toNanos(q.CreatedAt)
		if err != nil {
			return err
		}
		usage, err := json.Marshal(q.Usage)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO questions (id, job_id, question, answer, provider, model, usage, cost_usd, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, q.ID, jobID, q.Question, q.Answer, q.Provider, q.Model, string(usage), q.CostUSD, created); err != nil {
			return err
		}
	}
	return nil
}

// Questions returns the questions asked about a job's report, oldest
// first (exact id; none is an empty list).
func (s *Store) Questions(ctx context.Context, jobID string) ([]Question, error) {
	return questionsOf(ctx, s.db, jobID)
}

func questionsOf(ctx context.Context, q queryer, jobID string) ([]Question, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, job_id, question, answer, provider, model, usage, cost_usd, created_at
		FROM questions WHERE job_id = ? ORDER BY created_at, id`, jobID)
	if err != nil {
		return nil, fmt.Errorf("reading the questions about job %s: %w", jobID, err)
	}
	defer rows.Close()
	out := []Question{}
	for rows.Next() {
		var (
			qu      Question
			use     string
			created int64
		)
		if err := rows.Scan(&qu.ID, &qu.JobID, &qu.Question, &qu.Answer, &qu.Provider, &qu.Model, &use, &qu.CostUSD, &created); err != nil {
			return nil, fmt.Errorf("reading the questions about job %s: %w", jobID, err)
		}
		if err := json.Unmarshal([]byte(use), &qu.Usage); err != nil {
			return nil, fmt.Errorf("question %s: reading its usage: %w", qu.ID, err)
		}
		qu.CreatedAt = fromNanos(created)
		out = append(out, qu)
	}
	return out, rows.Err()
}

// questionsText is the questions and answers about a job as text for its
// search row ("" when there are none).
func questionsText(ctx context.Context, tx *sql.Tx, jobID string) (string, error) {
	qs, err := questionsOf(ctx, tx, jobID)
	if err != nil || len(qs) == 0 {
		return "", err
	}
	var b strings.Builder
	for _, q := range qs {
		b.WriteString("\n\n" + q.Question + "\n\n" + q.Answer)
	}
	return b.String(), nil
}

// reindexJobTx rebuilds the search row of a job with a report.
func reindexJobTx(ctx context.Context, tx *sql.Tx, jobID string) error {
	var (
		seq                    int64
		prompt, title, content string
	)
	err := tx.QueryRowContext(ctx, `SELECT j.seq, j.prompt, r.title, r.markdown FROM jobs j JOIN reports r ON r.job_id = j.id
		WHERE j.id = ?`, jobID).Scan(&seq, &prompt, &title, &content)
	if err == sql.ErrNoRows {
		return fmt.Errorf("job %q has no report: %w", jobID, ErrNotFound)
	}
	if err != nil {
		return err
	}
	cs, err := citationsTx(ctx, tx, jobID)
	if err != nil {
		return err
	}
	return indexTx(ctx, tx, seq, prompt, title, content, cs)
}
