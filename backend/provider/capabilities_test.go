package provider

import (
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
)

// TestApply: options as a provider runs them. A switch it honours stays
// as asked, an always-on tool is on, a never-used one off, and a limit it
// does not honour is dropped; the zero Capabilities (unknown) counts every
// tool and honours no limit.
func TestApply(t *testing.T) {
	asked := []job.Options{{}, {WebSearch: true, CodeInterpreter: true, MaxToolCalls: 7, EditedFrom: "j1"}}
	cases := []struct {
		name string
		caps Capabilities
		want []job.Options
	}{
		{"every option honoured (OpenAI, Azure)", Capabilities{WebSearch: ToolOptional, CodeInterpreter: ToolOptional, MaxToolCalls: true},
			[]job.Options{{}, {WebSearch: true, CodeInterpreter: true, MaxToolCalls: 7, EditedFrom: "j1"}}},
		{"always searches, no code, no limit (Gemini, Perplexity)", Capabilities{WebSearch: ToolAlways, CodeInterpreter: ToolNever},
			[]job.Options{{WebSearch: true}, {WebSearch: true, EditedFrom: "j1"}}},
		{"unknown: every tool counted, no limit", Capabilities{},
			[]job.Options{{WebSearch: true, CodeInterpreter: true}, {WebSearch: true, CodeInterpreter: true, EditedFrom: "j1"}}},
	}
	for _, c := range cases {
		for i, o := range asked {
			if got := c.caps.Apply(o); got != c.want[i] {
				t.Errorf("%s: Apply(%+v) = %+v, want %+v", c.name, o, got, c.want[i])
			}
		}
	}
}
