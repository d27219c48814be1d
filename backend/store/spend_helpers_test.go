package store

import (
	"fmt"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
)

// runAttempt takes a queued job through submitting and running to end,
// recording usd as the attempt's cost, the way the worker does: Finish
// (with a report) for completed and incomplete, Update otherwise.
func (e *env) runAttempt(id string, end job.Status, usd float64) job.Job {
	e.t.Helper()
	j := e.update(id, func(c *job.Job) { c.Status = job.Submitting })
	now := e.clock.Now()
	j = e.update(id, func(c *job.Job) {
		c.Status = job.Running
		c.ProviderJobID = fmt.Sprintf("resp_%s_%d", c.ID, c.Attempt)
		c.SubmittedAt = &now
	})
	fin := e.clock.Now()
	set := func(c *job.Job) error {
		c.Status = end
		c.CostUSD = usd
		c.Usage = job.Usage{InputTokens: int64(usd * 100_000), WebSearchCalls: 3}
		c.FinishedAt = &fin
		return nil
	}
	if end == job.Completed || end == job.Incomplete {
		got, err := e.st.Finish(e.ctx, id, Report{Markdown: "# Report of " + j.Prompt}, set)
		if err != nil {
			e.t.Fatalf("Finish(%s): %v", id, err)
		}
		return got
	}
	got, err := e.st.Update(e.ctx, id, set)
	if err != nil {
		e.t.Fatalf("Update(%s) to %s: %v", id, end, err)
	}
	return got
}

// resubmitFn is the research service's resubmit change: a new attempt.
func resubmitFn(c *job.Job) error {
	c.Status = job.Queued
	c.Attempt++
	c.ProviderJobID, c.ProviderStatus, c.Error = "", "", ""
	c.Progress, c.Usage, c.CostUSD = job.Progress{}, job.Usage{}, 0
	c.SubmittedAt, c.FinishedAt = nil, nil
	return nil
}

// resubmit starts a new attempt without a budget.
func (e *env) resubmit(id string) job.Job {
	e.t.Helper()
	j, err := e.st.Update(e.ctx, id, resubmitFn)
	if err != nil {
		e.t.Fatalf("resubmit %s: %v", id, err)
	}
	return j
}

// check is a BudgetCheck with a high estimate of high dollars.
func check(monthly, maxCost, high float64) BudgetCheck {
	return BudgetCheck{
		Budget:   cost.Budget{MonthlyUSD: monthly, MaxCostUSD: maxCost},
		Estimate: cost.Range{LowUSD: high / 5, HighUSD: high, Basis: "test"},
		Prices:   cost.Prices{Provider: "openai", Model: "o3-deep-research", InputPerMTok: 10, CachedInputPerMTok: 2.5, OutputPerMTok: 40, WebSearchPer1K: 10},
	}
}

// submit creates a queued job under a budget check.
func (e *env) submit(c BudgetCheck) (job.Job, error) {
	return e.st.CreateJobWithinBudget(e.ctx, job.Job{Provider: "openai", Model: "o3-deep-research", Prompt: "Budgeted research"}, c)
}
