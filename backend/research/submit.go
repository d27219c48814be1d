package research

// Submitting research: the request, its checks, the notes a face shows
// with the queued job, and the one transaction that queues it within the
// budget.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// Limits on what a user may submit.
const (
	MaxPromptBytes      = 100 * 1024
	DefaultMaxToolCalls = job.DefaultMaxToolCalls
	MinMaxToolCalls     = job.MinMaxToolCalls
	MaxMaxToolCalls     = job.MaxMaxToolCalls
)

// SubmitRequest is a new research request.
type SubmitRequest struct {
	Prompt          string `json:"prompt"`
	Model           string `json:"model"`
	WebSearch       bool   `json:"web_search"`
	CodeInterpreter bool   `json:"code_interpreter"`
	MaxToolCalls    int    `json:"max_tool_calls"` // 0: the default (40)
	// MaxCostUSD refuses the job when its high estimate is over it (0: no
	// cap; an edit that gives none keeps the cap of the job it edits).
	MaxCostUSD float64 `json:"max_cost_usd"`
	// Provider names the provider ("" : the one whose model this is).
	Provider string `json:"provider"`
	// EditedFrom links the new job to the job it was edited from ("Edit
	// and resubmit"); "" for a new request.
	EditedFrom string `json:"edited_from"`
	// Clarified is the user's own question and answers when Prompt is a
	// research brief written from them (Clarify first); nil otherwise.
	// The job keeps it and is titled by the question.
	Clarified *job.Clarified `json:"clarified,omitempty"`
	// Via is the face the request came through: "" for the window and
	// the CLI, job.ViaAssistant for an AI assistant (deepr mcp), whose
	// paid work is allowed only as the user said (assistants.go) and is
	// recorded as an assistant's.
	Via string `json:"-"` // set by the face in Go, never from JSON
	// ParentID makes this a follow-up of a finished job ("Go deeper"):
	// the provider continues the parent's research, or reads its report
	// as context. With no provider and model given, the parent's are used.
	ParentID string `json:"parent_id"`
}

// Validate normalises and checks a submission, returning what will be
// stored. Its options are checked against what the chosen provider
// honours (checkOptions): an explicit value it would ignore is refused,
// and what is stored is what the provider runs.
func (s *Service) Validate(in SubmitRequest) (SubmitRequest, error) {
	var err error
	if in.Prompt, err = checkPrompt(in.Prompt); err != nil {
		return in, err
	}
	if in.Clarified, err = checkClarified(in.Clarified); err != nil {
		return in, err
	}
	if in.ParentID = strings.TrimSpace(in.ParentID); in.ParentID != "" {
		parent, err := s.followUpParent(context.Background(), in.ParentID)
		if err != nil {
			return in, err
		}
		in.ParentID = parent.ID
		if strings.TrimSpace(in.Provider) == "" && strings.TrimSpace(in.Model) == "" {
			in.Provider, in.Model = parent.Provider, parent.Model
		}
	}
	if in.Provider, in.Model, err = s.pickProvider(in.Provider, strings.TrimSpace(in.Model)); err != nil {
		return in, err
	}
	if in.EditedFrom = strings.TrimSpace(in.EditedFrom); in.EditedFrom != "" {
		src, err := s.st.GetJob(context.Background(), in.EditedFrom)
		if err != nil {
			return in, invalid("edited_from", "the job %q this was edited from does not exist", in.EditedFrom)
		}
		if in.MaxCostUSD == 0 { // the cap is the job's: an edit that gives none keeps it
			in.MaxCostUSD = src.MaxCostUSD
		}
	}
	return s.checkOptions(in)
}

// checkPrompt trims a research prompt and checks it: not empty, at most
// MaxPromptBytes, UTF-8 text without control characters.
func checkPrompt(p string) (string, error) {
	p = strings.TrimSpace(p)
	switch {
	case p == "":
		return p, invalid("prompt", "the prompt is empty: describe what to research")
	case len(p) > MaxPromptBytes:
		return p, invalid("prompt", "the prompt is %d bytes; the limit is %d bytes (100 KB): shorten it", len(p), MaxPromptBytes)
	case !utf8.ValidString(p):
		return p, invalid("prompt", "the prompt is not valid UTF-8 text")
	}
	if i := strings.IndexFunc(p, func(r rune) bool {
		return (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f
	}); i >= 0 {
		return p, invalid("prompt", "the prompt contains a control character (byte %d): remove it", i)
	}
	return p, nil
}

// MaxAnswers is the most clarifying answers a submission keeps.
const MaxAnswers = 10

// checkClarified checks the user's own request behind a brief like a
// prompt: nil when there is no question; answers left empty are dropped.
func checkClarified(c *job.Clarified) (*job.Clarified, error) {
	if c == nil || strings.TrimSpace(c.Question) == "" {
		return nil, nil
	}
	q, err := checkPrompt(c.Question)
	if err != nil {
		return nil, invalid("question", "your question (before the brief): %s", err.Error())
	}
	out := &job.Clarified{Question: q}
	for _, a := range c.Answers {
		if strings.TrimSpace(a.Answer) == "" {
			continue
		}
		if len(out.Answers) == MaxAnswers {
			return nil, invalid("answers", "more than %d answers to clarifying questions: keep the first %d", MaxAnswers, MaxAnswers)
		}
		var qa [2]string
		for i, t := range []string{a.Question, a.Answer} {
			if qa[i], err = checkPrompt(t); err != nil {
				return nil, invalid("answers", "a clarifying question or its answer: %s", err.Error())
			}
		}
		out.Answers = append(out.Answers, job.Answer{Question: qa[0], Answer: qa[1]})
	}
	return out, nil
}

// SubmitResult is a queued job and what the user should know about it.
type SubmitResult struct {
	Job   job.Job `json:"job"`
	Notes []Note  `json:"notes"` // why it may not start soon
	// Estimate is the estimate the job was admitted with (its high end is
	// reserved against the monthly budget until its cost is known).
	Estimate cost.Range `json:"estimate,omitempty"`
}

// Note is something the user should know, with a code a face can phrase
// in its own words.
type Note struct {
	Code    string `json:"code"` // NoteNoKey | NoteNoPoller | NoteNoSource
	Message string `json:"message"`
}

// Note codes.
const (
	NoteNoKey    = "no_key"
	NoteNoPoller = "no_poller"
	NoteNoSource = "no_source"
)

// sourceNotes says when a request has no data source: web search off where
// it is a switch (deep-research models need one, and web search is the
// only one Deepr offers; a code interpreter only analyses what the model
// already has). It is the one place this rule lives.
func (s *Service) sourceNotes(in SubmitRequest) []Note {
	c := capsOf(s.Config(), in.Provider, in.Model)
	if in.WebSearch || c.WebSearch != provider.ToolOptional {
		return nil
	}
	sp, _ := s.spec(in.Provider)
	return []Note{{NoteNoSource, fmt.Sprintf("Web search is off, and deep-research models need a data source: web search is the one Deepr offers "+
		"(a code interpreter only analyses what the model already has). %s may reject this request: turn web search on.", sp.Display)}}
}

// Submit validates the request, applies the budget rule and queues it, in
// one transaction with the check (two processes cannot both slip under the
// budget). The poller sends it when a slot is free.
func (s *Service) Submit(ctx context.Context, in SubmitRequest) (SubmitResult, error) {
	capUSD, err := s.assistantCap(in.Via, in.MaxCostUSD, true, "this research run")
	if err != nil {
		return SubmitResult{}, err
	}
	in.MaxCostUSD = capUSD
	in, err = s.Validate(in)
	if err != nil {
		return SubmitResult{}, err
	}
	prov := in.Provider
	check, err := s.budgetCheck(ctx, prov, in.Model, in.Prompt, s.parentText(ctx, in.ParentID), optionsOf(in), in.MaxCostUSD)
	if err != nil {
		return SubmitResult{}, err
	}
	parentContext := ""
	if in.ParentID != "" {
		parentContext = s.contextMode(ctx, in.ParentID, prov, in.Model)
	}
	j, err := s.st.CreateJobWithinBudget(ctx, job.Job{
		Status:        job.Queued,
		Provider:      prov,
		Model:         in.Model,
		Prompt:        in.Prompt,
		Options:       optionsOf(in),
		Clarified:     in.Clarified,
		NextPollAt:    s.now(),
		ParentID:      in.ParentID,
		ParentContext: parentContext,
		Via:           in.Via,
	}, check)
	if err != nil {
		if errors.Is(err, ErrOverBudget) {
			return SubmitResult{}, overBudget(err)
		}
		return SubmitResult{}, fmt.Errorf("saving the new job: %w", err)
	}
	j = s.emitJob(ctx, j)
	s.worker.Wake(j.ID)
	s.replaceHeld(ctx, in.EditedFrom)
	return SubmitResult{Job: j, Notes: append(s.waitNotes(ctx, j), s.sourceNotes(in)...), Estimate: check.Estimate}, nil
}

// replaceHeld cancels the job an edit was made from when it is queued and
// held on a retired model: the edit replaces it ("Edit and resubmit"), and
// it was never sent, so cancelling it costs nothing and frees what it
// reserved of the budget.
func (s *Service) replaceHeld(ctx context.Context, id string) {
	if id == "" {
		return
	}
	src, err := s.st.GetJob(ctx, id)
	if err != nil || src.Status != job.Queued || s.holdReason(src) == "" {
		return
	}
	if _, err := s.Cancel(ctx, src.ID); err != nil {
		s.log.WithError(err).WithField("job", src.ID).Warn("could not cancel the held job an edit replaces")
	}
}

// waitNotes says why a queued job may not start soon.
func (s *Service) waitNotes(ctx context.Context, j job.Job) []Note {
	notes := []Note{}
	if !s.hasKey(j.Provider) {
		notes = append(notes, Note{NoteNoKey, fmt.Sprintf("No %s API key is set: the job waits until one is added.", s.displayName(j.Provider))})
	}
	if l, err := s.Lease(ctx); err == nil && !l.Fresh {
		notes = append(notes, Note{NoteNoPoller, "No poller is running for this database, so the job is not sent yet."})
	}
	return notes
}
