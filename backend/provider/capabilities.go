package provider

import "github.com/deepr-desktop/deepr/backend/job"

// Capabilities says which request options a provider honours and what it
// can do with a run once sent. It is data, per model, from the model
// catalogue (backend/catalog); the service validates a
// request and estimates its cost with it, and the faces show only the
// controls it honours. Its zero value honours nothing and assumes every
// tool is used, the dearest reading of an unknown provider.
type Capabilities struct {
	// WebSearch is how the web-search switch is treated.
	WebSearch Tool `json:"web_search"`
	// CodeInterpreter is how the code-interpreter switch is treated.
	CodeInterpreter Tool `json:"code_interpreter"`
	// MaxToolCalls is true when the tool-call limit is sent and bounds the
	// run (OpenAI's max_tool_calls). False: the provider decides how many
	// calls a run makes, so a limit would not lower the cost.
	MaxToolCalls bool `json:"max_tool_calls"`
	// CostCap is true when a job may carry a cost cap of its own
	// (max_cost_usd): a run whose high estimate passes it is refused
	// before it is sent. False: no cap is offered or accepted.
	CostCap bool `json:"cost_cap"`
	// Cancel is false when the provider has no cancel call: a cancel is
	// then local only, and the provider may still finish and bill.
	Cancel bool `json:"cancel"`
	// Continue is true when a follow-up can continue the parent's stored
	// run by its id (previous_response_id, previous_interaction_id);
	// false sends the parent's question and report as context.
	Continue bool `json:"continue"`
}

// Tool is how a provider treats the switch of one of its tools.
type Tool string

// The ways a provider treats a tool's switch.
const (
	// ToolOptional: the switch is sent and honoured.
	ToolOptional Tool = "optional"
	// ToolAlways: every run uses the tool whatever the switch says
	// (Gemini and Perplexity always search the web); no switch is offered.
	ToolAlways Tool = "always"
	// ToolNever: no run can use it; no switch is offered.
	ToolNever Tool = "never"
)

// Uses reports whether a run uses the tool when its switch is on: the
// switch itself when it is honoured, true when the tool is always used or
// the treatment is unknown (so an estimate counts it), false when never.
func (t Tool) Uses(on bool) bool {
	switch t {
	case ToolOptional:
		return on
	case ToolNever:
		return false
	}
	return true
}

// Apply returns o as the provider runs it: each tool switch as Uses reads
// it, and no tool-call limit when the limit is not honoured. What Apply
// returns is what a job stores and what its estimate is made from, so an
// option the provider ignores can change neither.
func (c Capabilities) Apply(o job.Options) job.Options {
	o.WebSearch = c.WebSearch.Uses(o.WebSearch)
	o.CodeInterpreter = c.CodeInterpreter.Uses(o.CodeInterpreter)
	if !c.MaxToolCalls {
		o.MaxToolCalls = 0
	}
	return o
}
