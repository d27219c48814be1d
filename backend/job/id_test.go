package job

import (
	"strings"
	"testing"
)

func TestValidID(t *testing.T) {
	cases := []struct {
		id   string
		want bool
	}{
		{"k3j9x0qa7z", true},                           // what the store generates
		{"7f9c2ba4-e88f-4d1b-9a3e-0c1d2e3f4a5b", true}, // a lowercase UUID (earlier versions, the Python tool)
		{"x", true},
		{"0-a", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{strings.Repeat("a", 100000), false},
		{"", false},
		{"-abc", false},
		{"Report-A", false},
		{"report_a", false},
		{"a/b", false},
		{"..", false},
		{"a.b", false},
		{"a b", false},
		{" abc", false},
		{"abc\n", false},
		{"\x1b]52;c;ZXZpbA==\x07", false},
		{"abc\u202e", false},
		{"ａbc", false}, // fullwidth letter
		{"abc\u200b", false},
	}
	for _, c := range cases {
		if got := ValidID(c.id); got != c.want {
			shown := c.id
			if len(shown) > 70 {
				shown = shown[:70] + "..."
			}
			t.Errorf("ValidID(%q) = %v, want %v", shown, got, c.want)
		}
	}
}
