package render

import (
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
)

// Markers are placed by byte offsets computed from the citations' rune
// offsets: across multi-byte characters, Unicode blanks (which a span's
// ends are trimmed of, but not the report's end), invalid UTF-8 and
// placeholder characters (each one U+FFFD), the text reads as the rune
// offsets say.
func TestMarkersInMultiByteAndInvalidText(t *testing.T) {
	srcs := "\n\n## Sources\n\n1. [https://e.com/a](<https://e.com/a>)\n2. [https://e.com/b](<https://e.com/b>)\n"
	for _, tt := range []struct {
		md   string
		cs   []job.Citation
		want string
	}{
		{"Café\u3000 au lait\u00a0 [link](https://e.com/a) 中文 🚀 done.",
			[]job.Citation{{Index: 1, URL: "https://e.com/a", Start: 17, End: 40}, {Index: 2, URL: "https://e.com/b", Start: 0, End: 6}, {Index: 3, URL: "https://e.com/c", Start: 41, End: 46}},
			"Café[\\[2\\]](<https://e.com/b>)\u3000 au lait\u00a0 [link](https://e.com/a) 中[\\[1\\]](<https://e.com/a>)文 🚀 do[\\[3\\]](<https://e.com/c>)ne." +
				srcs + "3. [https://e.com/c](<https://e.com/c>)\n"},
		{"bad \xff\xe2\x82 byte \uE000 and \uE0011\uE001 then cited",
			[]job.Citation{{Index: 1, URL: "https://e.com/a", Start: 10, End: 14}, {Index: 2, URL: "https://e.com/b", Start: 20, End: 29}},
			"bad \ufffd\ufffd\ufffd byte \ufffd[\\[1\\]](<https://e.com/a>) and \ufffd1\ufffd then c[\\[2\\]](<https://e.com/b>)ited" + srcs},
		{"中文\n\n\u3000\u3000", []job.Citation{{Index: 1, URL: "https://e.com/a", Start: 3, End: 5}},
			"中文[\\[1\\]](<https://e.com/a>)\n\n\u3000\u3000\n\n## Sources\n\n1. [https://e.com/a](<https://e.com/a>)\n"},
	} {
		if got := Markdown(tt.md, tt.cs); got != tt.want {
			t.Errorf("Markdown(%q)\n = %q\nwant %q", tt.md, got, tt.want)
		}
	}
}
