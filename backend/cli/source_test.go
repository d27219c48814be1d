package cli

import (
	"strings"
	"testing"
)

// TestNoDataSourceNoteComesFromTheService: `deepr submit --no-web` (and its
// dry run) shows the service's no-source note as it is, once: the CLI keeps
// no rule of its own (issue 25, rules from one source).
func TestNoDataSourceNoteComesFromTheService(t *testing.T) {
	deepr := newHome(t.TempDir())
	const want = "Web search is off, and deep-research models need a data source"
	for _, args := range [][]string{
		{"submit", "--no-web-search", "--dry-run", "--provider", "openai", "Research the tea trade"},
		{"submit", "--no-web-search", "--provider", "openai", "Research the tea trade"},
	} {
		_, out, errOut := deepr(args...)
		if n := strings.Count(out+errOut, want); n != 1 {
			t.Errorf("%v: the service's note shown %d times, want once:\n%s\n%s", args, n, out, errOut)
		}
		if strings.Contains(out+errOut, "no other data source is set") {
			t.Errorf("%v: the CLI's own copy of the rule is still there:\n%s", args, errOut)
		}
	}
}
