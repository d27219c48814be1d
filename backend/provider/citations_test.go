package provider

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
)

func TestNumberCitations(t *testing.T) {
	cites := []job.Citation{{URL: "b", Start: 10}, {URL: "a", Start: 2}, {URL: "b", Start: 5}, {URL: "c", Start: 5}}
	NumberCitations(cites)
	want := []job.Citation{{Index: 1, URL: "a", Start: 2}, {Index: 2, URL: "b", Start: 5}, {Index: 3, URL: "c", Start: 5}, {Index: 2, URL: "b", Start: 10}}
	if !reflect.DeepEqual(cites, want) {
		t.Errorf("NumberCitations = %+v, want %+v", cites, want)
	}
}

func TestOneLine(t *testing.T) {
	if got := OneLine("**Step 1**\n\n  Looking   at\tsources"); got != "Step 1 Looking at sources" {
		t.Errorf("OneLine = %q", got)
	}
	long := OneLine(strings.Repeat("中文 ", 150))
	if n := utf8.RuneCountInString(long); n > SummaryLimit || !strings.HasSuffix(long, "…") {
		t.Errorf("long summary: %d characters, %q", n, long[len(long)-6:])
	}
}
