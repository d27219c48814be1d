package render

import (
	"html"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// PlainText is report markdown as plain text: the words a reader sees,
// one block per line, without markdown syntax, link targets or HTML tags
// (an HTML block is reduced to its text; scripts and styles are dropped).
// Code keeps its text; table cells are separated by spaces, and so are the
// lines of a cell broken with <br>. Control characters other than line
// breaks and tabs are dropped (search snippets mark matches with them). It
// parses markdown exactly as HTML does. A big report
// is parsed a piece at a time (plainPieces), so its syntax tree is never
// held whole.
func PlainText(md string) string {
	return plainText(md, plainPiece)
}

// plainPiece is about the size of the pieces a report is parsed in: the
// parser's tree takes about fifteen times the text it holds.
const plainPiece = 256 << 10

func plainText(md string, piece int) string {
	var b strings.Builder
	b.Grow(len(md))
	for _, p := range plainPieces(md, piece) {
		writePlain(&b, []byte(p))
	}
	return strings.TrimSpace(strings.Map(dropControl, b.String()))
}

// dropControl drops the control characters other than \n and \t.
func dropControl(r rune) rune {
	if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
		return -1
	}
	return r
}

// stripTags removes every HTML tag (leaving a space, so cells and blocks
// do not run together) and the content of scripts and styles.
var stripTags = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.StrictPolicy()
	p.AddSpaceWhenStrippingTag(true)
	return p
})

// htmlText is the text of an HTML fragment: tags removed, entities
// resolved, each line's whitespace collapsed.
func htmlText(raw string) string {
	raw = strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n").Replace(raw)
	t := html.UnescapeString(stripTags().Sanitize(raw))
	lines := strings.Split(t, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// isBreak reports whether inline raw HTML is a line break tag (<br>).
func isBreak(segs *text.Segments, src []byte) bool {
	if segs.Len() != 1 {
		return false
	}
	seg := segs.At(0)
	t := strings.ToLower(strings.TrimSpace(string(seg.Value(src))))
	return t == "<br>" || t == "<br/>" || t == "<br />"
}

// plainPieces cuts md into pieces of at least size bytes that parse, one
// after the other, into the blocks the whole text parses into: each cut
// is at the start of a line that follows a blank line and starts, in its
// first column, with '#' or an ASCII letter, so every block before it is
// closed there (a list or quote cannot go on past a blank line and an
// unindented line, a paragraph past a blank line) and the line starts a
// new one. Text that may hold a block that goes on past such a line (a
// fenced code block, an HTML block) or a link reference definition (used
// anywhere in the text) is not cut.
func plainPieces(md string, size int) []string {
	if len(md) <= size || strings.Contains(md, "```") || strings.Contains(md, "~~~") || strings.Contains(md, "]:") {
		return []string{md}
	}
	for i := 0; i < len(md); {
		j := strings.IndexByte(md[i:], '\n') + 1
		if j == 0 {
			j = len(md) - i
		}
		if t := strings.TrimLeft(md[i:i+j], " \t"); strings.HasPrefix(t, "<") {
			return []string{md}
		}
		i += j
	}
	var out []string
	start, blank := 0, false
	for i := 0; i < len(md); {
		j := strings.IndexByte(md[i:], '\n') + 1
		if j == 0 {
			j = len(md) - i
		}
		line := md[i : i+j]
		c := line[0]
		if blank && i-start >= size && (c == '#' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			out = append(out, md[start:i])
			start = i
		}
		blank = strings.TrimLeft(line, " \t\r\n") == ""
		i += j
	}
	return append(out, md[start:])
}

// writePlain appends the plain text of markdown src to b.
func writePlain(b *strings.Builder, src []byte) {
	doc := md().Parser().Parse(text.NewReader(src))
	nl := func() {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte('\n')
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Text:
			if entering {
				v := n.Segment.Value(src)
				if !n.IsRaw() {
					v = util.UnescapePunctuations(util.ResolveNumericReferences(util.ResolveEntityNames(v)))
				}
				b.Write(v)
				if n.HardLineBreak() {
					b.WriteByte('\n')
				} else if n.SoftLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				b.Write(n.Value)
			}
		case *ast.AutoLink:
			if entering {
				b.Write(n.Label(src))
			}
		case *ast.RawHTML:
			if entering && isBreak(n.Segments, src) {
				b.WriteByte(' ')
			}
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			if entering {
				nl()
				var raw strings.Builder
				lines := n.Lines()
				for i := range lines.Len() {
					seg := lines.At(i)
					raw.Write(seg.Value(src))
				}
				if n.HasClosure() {
					cl := n.ClosureLine
					raw.Write(cl.Value(src))
				}
				b.WriteString(htmlText(raw.String()))
				nl()
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			if entering {
				nl()
				lines := n.Lines()
				for i := range lines.Len() {
					seg := lines.At(i)
					b.Write(seg.Value(src))
				}
				nl()
			}
			return ast.WalkSkipChildren, nil
		case *extast.TableCell:
			if !entering {
				b.WriteByte(' ')
			}
		case *extast.TaskCheckBox:
		default:
			if n.Type() == ast.TypeBlock && !entering {
				nl()
			}
		}
		return ast.WalkContinue, nil
	})
}
