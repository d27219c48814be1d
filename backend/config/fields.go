package config

// Range is a numeric setting's bounds and unit, declared once: Load checks
// values against it and the Settings screen shows it beside the field.
// Max 0 means no upper bound.
type Range struct {
	Min  int
	Max  int
	Unit string
}

// The ranges of the numeric settings the Settings screen edits.
var (
	PollIntervalRange = Range{Min: 1, Max: 3600, Unit: "seconds"}
	MaxRunningRange   = Range{Min: 1, Max: 50}
	BudgetRange       = Range{Min: 0, Unit: "USD"}
)

var ranges = map[string]Range{
	"DEEPR_POLL_INTERVAL":  PollIntervalRange,
	"DEEPR_MAX_RUNNING":    MaxRunningRange,
	"DEEPR_MONTHLY_BUDGET": BudgetRange,
	MCPMaxCostSetting:      MCPMaxCostRange,
}

// Field is what a form needs to know of one setting: its Variable (default,
// what is accepted) and, for a number, its Range.
type Field struct {
	Variable
	Range    Range
	HasRange bool
}

// FieldOf describes the setting name; ok is false for an unknown name.
func FieldOf(name string) (f Field, ok bool) {
	s, ok := lookup(name)
	if !ok {
		return Field{}, false
	}
	r, has := ranges[name]
	return Field{Variable: s.Variable, Range: r, HasRange: has}, true
}
