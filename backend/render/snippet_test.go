package render

import "testing"

func TestSnippet(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{"a \x02match\x03 b", "a <mark>match</mark> b"},
		{"<script>\x02x\x03</script>", "&lt;script&gt;<mark>x</mark>&lt;/script&gt;"},
		{"\x02open only", "<mark>open only</mark>"},
		{"close\x03 only", "close only"},
		{"Müller \x02中文\x03 😀", "Müller <mark>中文</mark> 😀"},
		{`"q" & 'a'`, "&#34;q&#34; &amp; &#39;a&#39;"},
	}
	for _, c := range cases {
		if got := Snippet(c.in); got != c.want {
			t.Errorf("Snippet(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
