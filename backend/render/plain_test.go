package render

import (
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
)

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# Title\n\nSome **bold** and _it_ and `code`.", "Title\nSome bold and it and code."},
		{"A [link](https://x.example/y \"t\") and <https://auto.example>", "A link and https://auto.example"},
		{"- one\n- two\n\n1. three", "one\ntwo\nthree"},
		{"```go\nfunc main() {}\n```", "func main() {}"},
		{"| a | b |\n|---|---|\n| c | d |", "a b \nc d"},
		{"| a | b |\n|---|---|\n| c<br>e | d |", "a b \nc e d"},
		{"raw <b>html</b> here\n\n> quoted", "raw html here\nquoted"},
		{"![alt text](http://img.example/x.png)", "alt text"},
		{"- [x] done", "done"},
		{`Escaped \*stars\* \[1\] &amp; &#x41; ` + "`\\*raw*`", `Escaped *stars* [1] & A \*raw*`},
		{"Before\n\n<div class=\"note\">Raw <b>HTML</b> &amp; more<br>next</div>\n\nAfter", "Before\nRaw HTML & more\nnext\nAfter"},
		{"<script>alert(1)</script>\n\n<style>p{}</style>\n\nText", "Text"},
		{"<table>\n<tr><td>cell one</td><td>cell two</td></tr>\n</table>", "cell one cell two"},
		{"marker \x02 and \x03 gone", "marker  and  gone"},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A report parsed a piece at a time gives exactly the text it gives
// parsed whole, whatever the pieces' size; text that could hold a block
// going on past a cut is never cut.
func TestPlainTextInPiecesIsTheWholeText(t *testing.T) {
	big, _ := fakehttp.Join(fakehttp.Big("Heat pumps", 200<<10)[0], false)
	mixed := strings.Repeat("# Title\n\nSome *emphasis*, **bold**, `code`, &amp; an [inline link](https://example.com) and www.example.org.\n"+
		"A hard break  \nand a soft one\nhere.\n\n"+
		"- a tight\n- list\n  continued\n\n"+
		"1. a loose\n\n2. ordered list\n\n   with a paragraph\n\n"+
		"> a quote\nlazily continued\n\n"+
		"    indented code\n\n    more code\n\n"+
		"| a | b |\n|---|---|\n| 1 | 2 |\n\n"+
		"Setext heading\n---\n\n"+
		"#hashtag is a paragraph\n"+
		"- [x] a task\n\n"+
		"中文研究 and é\r\n\r\n"+
		"***\n\n", 20)
	for name, md := range map[string]string{"big report": big, "every block": mixed} {
		whole := plainText(md, len(md)+1)
		if n := len(plainPieces(md, 1)); n < 10 {
			t.Errorf("%s: %d pieces at the smallest size, want it cut at many places", name, n)
		}
		for _, size := range []int{1, 100, 4 << 10} {
			if got := plainText(md, size); got != whole {
				t.Errorf("%s in pieces of %d bytes: %d bytes of text, differs from the %d bytes of the whole text at byte %d",
					name, size, len(got), len(whole), firstDiff(got, whole))
			}
		}
	}
	for _, md := range []string{
		"Text\n\n```\ncode\n\nNot a paragraph\n```\n\nAfter\n",
		"Text\n\n~~~\ncode\n\nNot a paragraph\n~~~\n",
		"<pre>\nhtml\n\nStill html\n</pre>\n\nAfter\n",
		"See [the source][s].\n\nMore\n\n[s]: https://example.com\n",
	} {
		if n := len(plainPieces(md, 1)); n != 1 {
			t.Errorf("plainPieces(%q) cut it in %d pieces, want it whole", md, n)
		}
	}
}

func firstDiff(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}
