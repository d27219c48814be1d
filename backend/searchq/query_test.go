package searchq

import "testing"

func TestParseFTS(t *testing.T) {
	tests := []struct {
		in    string
		terms map[string][]string
		want  string
	}{
		{"tea ", nil, `"tea"`},
		{"tea", nil, `"tea"*`},
		{"analy", map[string][]string{"analy": {"analysi", "analyt"}}, `("analy"* OR "analysi" OR "analyt")`},
		{"heat pump ", nil, `"heat" AND "pump"`},
		{"analyses criteria ", nil, `"analysis" AND "criterion"`},
		{"Søren Straße ", nil, `"soren" AND "strasse"`},
		{`"Heat pumps"`, nil, `"heat pumps"`},
		{"async-std", nil, `"async std"*`},
		{"a OR b ", nil, `("a" OR "b")`},
		{"tea -gas ", nil, `("tea") NOT "gas"`},
		{"研究", nil, `cjk : "研究"`},
		{"氢", nil, `cjk : "氢"*`},
		{"東京2025 ", nil, `("2025" AND cjk : "東京")`},
		{`say"hi"`, nil, `"say" AND "hi"`},
		{"🍵", nil, ""},
	}
	for _, tt := range tests {
		q, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := q.FTS(tt.terms); got != tt.want {
			t.Errorf("Parse(%q).FTS() =\n %s\nwant\n %s", tt.in, got, tt.want)
		}
	}
	q, _ := Parse("solar OR hydro 東京")
	if p := q.Prefixes(); len(p) != 0 {
		t.Errorf("Prefixes of a query ending in CJK = %q, want none", p)
	}
	q, _ = Parse("solar OR hydro")
	if p := q.Prefixes(); len(p) != 1 || p[0] != "hydro" {
		t.Errorf("Prefixes = %q, want [hydro]", p)
	}
}

func TestCJKSnippet(t *testing.T) {
	sn, ok := CJKSnippet("中文研究显示，\n\n氢能源很重要。研究", []string{"研究"})
	if want := "中文\x02研究\x03显示， 氢能源很重要。\x02研究\x03"; !ok || sn != want {
		t.Errorf("CJKSnippet = %q, %v; want %q", sn, ok, want)
	}
	if _, ok := CJKSnippet("no cjk here", []string{"研究"}); ok {
		t.Error("CJKSnippet found a run that is not there")
	}
}
