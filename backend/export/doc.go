package export

import (
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/deepr-desktop/deepr/backend/render"
)

// The PDF and DOCX writers lay out the same document: the export markdown
// (header, report with citation links, Sources) parsed by goldmark and
// flattened into blocks of styled text runs.

// run is text in one style.
type run struct {
	text   string
	bold   bool
	italic bool
	code   bool
	strike bool
	link   string // an http(s) URL, or ""
}

type blockKind int

const (
	paraBlock blockKind = iota
	headingBlock
	codeBlock
	ruleBlock
	tableBlock
)

// block is one paragraph-level piece of the document.
type block struct {
	kind   blockKind
	level  int    // heading level, 1 to 6
	indent int    // list and quote nesting
	marker string // list marker ("•", "3.") of an item's first paragraph
	quote  bool   // inside a block quote
	runs   []run  // paragraph and heading text
	code   string // code block text
	rows   [][][]run
	align  []string // table column alignment: "", "left", "center", "right"
}

// parser reads markdown the way the reader does (GFM).
func parser() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify, extension.TaskList))
}

// blocks parses markdown into the document's blocks.
func blocks(md string) []block {
	src := []byte(md)
	doc := parser().Parser().Parse(text.NewReader(src))
	w := &walker{src: src}
	w.children(doc, 0, false)
	return w.out
}

type walker struct {
	src    []byte
	out    []block
	marker string // pending list marker for the next paragraph
}

func (w *walker) add(b block) {
	b.marker, w.marker = w.marker, ""
	w.out = append(w.out, b)
}

func (w *walker) children(n ast.Node, indent int, quote bool) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.node(c, indent, quote)
	}
}

func (w *walker) node(n ast.Node, indent int, quote bool) {
	switch n := n.(type) {
	case *ast.Heading:
		w.add(block{kind: headingBlock, level: n.Level, indent: indent, quote: quote, runs: w.inlines(n, run{})})
	case *ast.Paragraph, *ast.TextBlock:
		w.add(block{kind: paraBlock, indent: indent, quote: quote, runs: w.inlines(n, run{})})
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		w.add(block{kind: codeBlock, indent: indent, quote: quote, code: strings.TrimRight(w.lines(n), "\n")})
	case *ast.HTMLBlock:
		t := w.lines(n)
		if n.HasClosure() {
			t += string(n.ClosureLine.Value(w.src))
		}
		w.add(block{kind: paraBlock, indent: indent, quote: quote, runs: []run{{text: strings.TrimRight(t, "\n")}}})
	case *ast.ThematicBreak:
		w.add(block{kind: ruleBlock, indent: indent, quote: quote})
	case *ast.Blockquote:
		w.children(n, indent+1, true)
	case *ast.List:
		num := n.Start
		for item := n.FirstChild(); item != nil; item = item.NextSibling() {
			if n.IsOrdered() {
				w.marker = strconv.Itoa(num) + "."
				num++
			} else if indent%2 == 0 {
				w.marker = "•"
			} else {
				w.marker = "◦"
			}
			if item.FirstChild() == nil {
				w.add(block{kind: paraBlock, indent: indent + 1, quote: quote})
			}
			w.children(item, indent+1, quote)
		}
	case *extast.Table:
		b := block{kind: tableBlock, indent: indent, quote: quote}
		for _, a := range n.Alignments {
			switch a {
			case extast.AlignLeft:
				b.align = append(b.align, "left")
			case extast.AlignCenter:
				b.align = append(b.align, "center")
			case extast.AlignRight:
				b.align = append(b.align, "right")
			default:
				b.align = append(b.align, "")
			}
		}
		for row := n.FirstChild(); row != nil; row = row.NextSibling() {
			_, header := row.(*extast.TableHeader)
			var cells [][]run
			for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
				cells = append(cells, w.inlines(cell, run{bold: header}))
			}
			b.rows = append(b.rows, cells)
		}
		w.add(b)
	default:
		w.children(n, indent, quote)
	}
}

// lines is the raw text of a block's lines.
func (w *walker) lines(n ast.Node) string {
	var b strings.Builder
	ls := n.Lines()
	for i := range ls.Len() {
		seg := ls.At(i)
		b.Write(seg.Value(w.src))
	}
	return b.String()
}

// inlines flattens the inline children of n into runs styled like st.
func (w *walker) inlines(n ast.Node, st run) []run {
	var out []run
	emit := func(r run, s string) {
		if s == "" {
			return
		}
		r.text = s
		if k := len(out) - 1; k >= 0 && sameStyle(out[k], r) {
			out[k].text += s
			return
		}
		out = append(out, r)
	}
	var walk func(n ast.Node, st run)
	walk = func(n ast.Node, st run) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				emit(st, textValue(c, w.src))
				if c.HardLineBreak() {
					emit(st, "\n")
				} else if c.SoftLineBreak() {
					emit(st, " ")
				}
			case *ast.String:
				emit(st, string(c.Value))
			case *ast.CodeSpan:
				cs := st
				cs.code = true
				walk(c, cs)
			case *ast.Emphasis:
				es := st
				if c.Level >= 2 {
					es.bold = true
				} else {
					es.italic = true
				}
				walk(c, es)
			case *extast.Strikethrough:
				ss := st
				ss.strike = true
				walk(c, ss)
			case *ast.Link:
				ls := st
				if u := string(c.Destination); render.IsWebURL(u) {
					ls.link = u
				}
				walk(c, ls)
			case *ast.AutoLink:
				ls := st
				if u := string(c.URL(w.src)); render.IsWebURL(u) {
					ls.link = u
				}
				emit(ls, string(c.Label(w.src)))
			case *ast.RawHTML:
				if render.CellBreak(c, w.src) {
					emit(st, "\n")
					continue
				}
				for i := range c.Segments.Len() {
					seg := c.Segments.At(i)
					emit(st, string(seg.Value(w.src)))
				}
			case *extast.TaskCheckBox:
				if c.IsChecked {
					emit(st, "☑ ")
				} else {
					emit(st, "☐ ")
				}
			default: // images (their alt text), and anything else with children
				walk(c, st)
			}
		}
	}
	walk(n, st)
	return out
}

// textValue is a text node's text as a reader sees it: backslash escapes
// and character references resolved, except in code.
func textValue(n *ast.Text, src []byte) string {
	v := n.Segment.Value(src)
	if n.IsRaw() {
		return string(v)
	}
	return string(util.UnescapePunctuations(util.ResolveNumericReferences(util.ResolveEntityNames(v))))
}

func sameStyle(a, b run) bool {
	return a.bold == b.bold && a.italic == b.italic && a.code == b.code && a.strike == b.strike && a.link == b.link
}
