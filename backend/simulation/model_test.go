package simulation

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/fakehttp"
	"github.com/deepr-desktop/deepr/backend/job"
)

// model is what the simulated user knows: the jobs they made, the cap
// each must keep, and which provider run belongs to which attempt.
type model struct {
	jobs   map[string]*simJob // by Deepr job id
	order  []string           // job ids in the order they were made
	byTag  map[string]*simJob // by the tag in its prompt
	runs   map[string]runOf   // provider run id -> its job and attempt
	tags   int                // tags handed out
	budget float64            // the monthly budget in force (0: none)
	sent   []string           // jobs whose run appeared during the last step
	log    []string           // what the fakes saw during the last step, for the step log
}

// simJob is one job as the user knows it.
type simJob struct {
	id, tag, provider string
	cap               float64        // the job's own cost cap: it travels with resubmits and edits
	prices            cost.Prices    // the prices it was submitted under
	attempt           int            // the attempt last seen
	tracked           map[string]int // provider ids Deepr held for the job -> attempt
	status            job.Status     // as last seen
	queuedAt          time.Time      // when its attempt was queued (submit, resubmit)
	deleted           bool
	searchable        bool // its finished report was found by Search
}

// runOf ties a provider run to a job's attempt.
type runOf struct {
	job     *simJob
	attempt int
	helper  bool
}

func newModel() *model {
	return &model{jobs: map[string]*simJob{}, byTag: map[string]*simJob{}, runs: map[string]runOf{}}
}

// newTag hands out the word that ties a prompt (and so a run at a
// provider that keeps no tag of ours) to its job.
func (m *model) newTag() string {
	m.tags++
	return fmt.Sprintf("simjob%04d", m.tags)
}

func (m *model) add(j job.Job, tag string, capUSD float64) *simJob {
	sj := &simJob{id: j.ID, tag: tag, provider: j.Provider, cap: capUSD, attempt: j.Attempt, status: j.Status, tracked: map[string]int{}}
	m.jobs[j.ID] = sj
	m.byTag[tag] = sj
	return sj
}

var tagRe = regexp.MustCompile(`simjob[0-9]{4}`)

// attribute ties the runs the fakes made since the last step to the jobs
// and attempts they belong to. Jobs holds every job as Deepr lists it now
// (a run can only be made while its attempt is the job's current one).
// It returns what cannot be tied to any job.
func (m *model) attribute(provider string, runs []fakehttp.Run, jobs map[string]job.Job) []string {
	var bad []string
	for _, r := range runs {
		key := provider + "/" + r.ID
		if _, seen := m.runs[key]; seen {
			continue
		}
		if r.Helper {
			m.runs[key] = runOf{helper: true}
			continue
		}
		sj, attempt := m.ownerOf(provider, r, jobs)
		if sj == nil {
			bad = append(bad, fmt.Sprintf("%s run %s (tag %q, prompt %.60q) belongs to no job", provider, r.ID, r.Tag, r.Prompt))
			continue
		}
		m.runs[key] = runOf{job: sj, attempt: attempt}
		m.sent = append(m.sent, sj.id)
		m.log = append(m.log, fmt.Sprintf("  %s attempt %d sent: run %s", sj.tag, attempt, key))
	}
	return bad
}

func (m *model) ownerOf(provider string, r fakehttp.Run, jobs map[string]job.Job) (*simJob, int) {
	if provider == "perplexity" { // idempotency key deepr-<job id>-<attempt>
		k := strings.TrimPrefix(r.Tag, "deepr-")
		if i := strings.LastIndex(k, "-"); i > 0 {
			if n, err := strconv.Atoi(k[i+1:]); err == nil {
				if sj := m.jobs[k[:i]]; sj != nil {
					return sj, n
				}
			}
		}
	}
	sj := m.jobs[r.Tag]
	if sj == nil { // the last tag in the input is the job's own (earlier research comes first)
		if tags := tagRe.FindAllString(r.Prompt, -1); len(tags) > 0 {
			sj = m.byTag[tags[len(tags)-1]]
		}
	}
	if sj == nil {
		return nil, 0
	}
	if j, ok := jobs[sj.id]; ok {
		return sj, j.Attempt
	}
	return sj, sj.attempt
}
