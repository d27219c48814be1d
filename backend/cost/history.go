package cost

import (
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
)

// MinHistory is how many comparable finished runs it takes before the
// estimate uses the user's own costs as well as the documented ranges.
const MinHistory = 5

// MaxSamples is how many of the most recent comparable runs the estimate
// reads.
const MaxSamples = 100

// Run is one finished research run: what it cost and the options it was
// sent with.
type Run struct {
	CostUSD float64
	// Options are the options the run was sent with; nil when they are not
	// known (an attempt recorded before Deepr kept them, whose job is gone),
	// and such a run is comparable with none.
	Options *job.Options
}

// History holds the finished runs of each model, keyed by Key, newest
// first: the store's calibration query fills it.
type History map[string][]Run

// toolCallBuckets are the upper bounds of the tool-call buckets: runs
// whose tool-call limits fall in one bucket are compared with each other.
var toolCallBuckets = []int{10, 20, 40, 80, 200}

// Bucket returns the tool-call bucket of a limit, named by its upper
// bound: 1-10, 11-20, 21-40, 41-80 and 81-200 (0 is DefaultToolCalls; a
// limit above 200 is a bucket of its own).
func Bucket(limit int) int {
	if limit <= 0 {
		limit = DefaultToolCalls
	}
	for _, b := range toolCallBuckets {
		if limit <= b {
			return b
		}
	}
	return limit
}

// bucketText names a bucket: "21-40".
func bucketText(b int) string {
	lower := 1
	for _, x := range toolCallBuckets {
		if x >= b {
			break
		}
		lower = x + 1
	}
	if lower > b {
		return fmt.Sprint(b)
	}
	return fmt.Sprintf("%d-%d", lower, b)
}

// Comparable reports whether a run sent with options b can stand for a
// request with options a on a provider with capabilities c: the same use
// of every tool once c has been applied, and, where c honours the
// tool-call limit, the same tool-call bucket. Options the provider ignores
// do not matter. The model must already be the same (History's key).
func Comparable(c provider.Capabilities, a, b job.Options) bool {
	a, b = c.Apply(a), c.Apply(b)
	if a.WebSearch != b.WebSearch || a.CodeInterpreter != b.CodeInterpreter {
		return false
	}
	return !c.MaxToolCalls || Bucket(a.MaxToolCalls) == Bucket(b.MaxToolCalls)
}

// comparable returns the costs of the most recent runs (at most
// MaxSamples) comparable with a request with options o.
func comparable(runs []Run, c provider.Capabilities, o job.Options) []float64 {
	var out []float64
	for _, r := range runs {
		if len(out) == MaxSamples {
			break
		}
		if r.Options != nil && r.CostUSD > 0 && Comparable(c, o, *r.Options) {
			out = append(out, r.CostUSD)
		}
	}
	return out
}

// describe says in words which honoured options made runs comparable:
// "web search, no code interpreter, 21-40 tool calls".
func describe(c provider.Capabilities, o job.Options) string {
	o = c.Apply(o)
	var parts []string
	switch {
	case c.WebSearch != provider.ToolOptional:
	case o.WebSearch:
		parts = append(parts, "web search")
	default:
		parts = append(parts, "no web search")
	}
	switch {
	case c.CodeInterpreter != provider.ToolOptional:
	case o.CodeInterpreter:
		parts = append(parts, "code interpreter")
	default:
		parts = append(parts, "no code interpreter")
	}
	if c.MaxToolCalls {
		parts = append(parts, bucketText(Bucket(o.MaxToolCalls))+" tool calls")
	}
	if len(parts) == 0 {
		return "the provider decides its own tools"
	}
	return strings.Join(parts, ", ")
}
