package store

import (
	"net/url"
	"strings"
	"sync"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/text/unicode/norm"

	"github.com/deepr-desktop/deepr/backend/job"
)

// This file derives what the search index holds from a report: its plain
// text (markdown syntax stripped, so snippets never show it), the titles
// and domains of its sources, and the CJK bigrams that let a Chinese or
// Japanese word be found inside a sentence.

// isCJK reports whether r is written without spaces between words: Han,
// Hiragana, Katakana (with its prolonged sound mark) and Hangul.
func isCJK(r rune) bool {
	if r < 0x1100 {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r == 'ー' || r == '々' || r == '〆'
}

// isTokenRune reports whether r belongs to a word for the search tokenizer
// (FTS5 unicode61 keeps letters, numbers and private-use characters).
func isTokenRune(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) ||
		unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Co, r)
}

// segment is a piece of text that is all CJK or all not.
type segment struct {
	text string
	cjk  bool
}

// segments splits s into maximal CJK and non-CJK pieces.
func segments(s string) []segment {
	var out []segment
	start, cur := 0, false
	for i, r := range s {
		c := isCJK(r)
		if i > start && c != cur {
			out = append(out, segment{s[start:i], cur})
			start = i
		}
		if i == start {
			cur = c
		}
	}
	if start < len(s) {
		out = append(out, segment{s[start:], cur})
	}
	return out
}

// tokens splits non-CJK text into folded words, as the index does.
func tokens(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !isTokenRune(r) }) {
		if t := fold(f); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// fold lowercases w and removes diacritics ("Müller" -> "muller"), like
// the index's remove_diacritics option.
func fold(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(w)
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// bigrams returns the overlapping character pairs of a CJK run ("中文研究"
// -> 中文 文研 研究); a one-character run is returned alone.
func bigrams(run string) []string {
	rs := []rune(run)
	if len(rs) < 2 {
		return []string{run}
	}
	out := make([]string, 0, len(rs)-1)
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, string(rs[i:i+2]))
	}
	return out
}

// cjkIndex is the text of the cjk column for the given texts: each CJK run
// as its bigrams followed by its last character alone (so any single
// character is the start of some token), and the words written against a
// CJK run without a space ("333" of "333メートル"), which the word columns
// only hold glued to the CJK text.
func cjkIndex(texts ...string) string {
	var b strings.Builder
	for _, t := range texts {
		segs := segments(t)
		for i, seg := range segs {
			if !seg.cjk {
				glued := func(s string) {
					if s != "" {
						b.WriteString(s)
						b.WriteByte('\n')
					}
				}
				if i > 0 {
					end := strings.IndexFunc(seg.text, func(r rune) bool { return !isTokenRune(r) })
					if end < 0 {
						end = len(seg.text)
					}
					glued(seg.text[:end])
				}
				if i+1 < len(segs) && !(i > 0 && strings.IndexFunc(seg.text, func(r rune) bool { return !isTokenRune(r) }) < 0) {
					start := strings.LastIndexFunc(seg.text, func(r rune) bool { return !isTokenRune(r) }) + 1
					glued(seg.text[start:])
				}
				continue
			}
			rs := []rune(seg.text)
			for _, bg := range bigrams(seg.text) {
				b.WriteString(bg)
				b.WriteByte(' ')
			}
			if len(rs) > 1 {
				b.WriteRune(rs[len(rs)-1])
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// sourcesText is the sources column: one line per cited URL with its
// title and host name ("Energy outlook www.example.jp").
func sourcesText(cs []job.Citation) string {
	seen := map[string]bool{}
	var b strings.Builder
	for _, c := range cs {
		if seen[c.URL] {
			continue
		}
		seen[c.URL] = true
		host := ""
		if u, err := url.Parse(strings.TrimSpace(c.URL)); err == nil {
			host = u.Hostname()
		}
		line := strings.TrimSpace(strings.Join(strings.Fields(c.Title), " ") + " " + host)
		if line != "" {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// plainParser parses report markdown the way the reader does (GFM).
var plainParser = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify, extension.TaskList))
})

// PlainText is report markdown as plain text: the words a reader sees,
// one block per line, without markdown syntax, link targets or HTML tags.
// Code keeps its text; table cells are separated by spaces. A big report
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
	return strings.TrimSpace(b.String())
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
	doc := plainParser().Parser().Parse(text.NewReader(src))
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
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock:
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
