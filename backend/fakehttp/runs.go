package fakehttp

// Run is what a fake provider knows about one run it created, for tests
// that hold Deepr to what the provider saw: how many runs each job made,
// and what each cost.
type Run struct {
	ID string // the provider's id
	// Tag ties the run to a Deepr job where the create said so:
	// metadata.deepr_job_id (OpenAI), labels.deepr_job_id (Gemini), the
	// idempotency key (Perplexity); "" when the create carried none.
	Tag    string
	Prompt string // the input text, earlier research sent as context included
	Helper bool   // a plain request answered at once (the helper model), not research
	Status string // the provider's status now
	// Ended: the run is over at the provider, so no later GET changes it.
	Ended bool
	// Billed is what the provider bills for the run: what its final
	// answer reports (zero while it runs).
	Billed Usage
}

// Usage is what a provider bills for a run, counted as Deepr counts it
// (job.Usage): cached tokens are part of the input, reasoning part of the
// output; CostUSD is the provider's own figure where it gives one.
type Usage struct {
	InputTokens    int64
	CachedTokens   int64
	OutputTokens   int64
	WebSearchCalls int64
	CostUSD        float64
}

// Zero reports whether nothing is billed.
func (u Usage) Zero() bool { return u == Usage{} }
