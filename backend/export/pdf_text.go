package export

import (
	"strings"
	"unicode"
)

// frag is text drawn in one font and style.
type frag struct {
	text   string
	key    fontKey
	size   float64
	w      float64
	link   string
	code   bool
	strike bool
	color  rgb
}

type rgb struct{ r, g, b uint8 }

var (
	textColor  = rgb{0x1d, 0x1d, 0x1f}
	mutedColor = rgb{0x55, 0x55, 0x5a}
	linkColor  = rgb{0x0b, 0x57, 0xd0}
	codeColor  = rgb{0x3a, 0x3a, 0x3c}
)

// atom is what a line is built from: a word (never split unless wider
// than a line), a space, one CJK character (lines may break around it) or
// a forced line break.
type atom struct {
	frags []frag
	w     float64
	space bool
	br    bool
}

// textStyle is how a paragraph's text is set.
type textStyle struct {
	size     float64
	color    rgb
	bold     bool // on top of each run's own style
	mono     bool // every run in the monospace font
	preserve bool // keep every space (code)
}

// breaksAround reports whether a line may break before and after r
// (scripts written without spaces).
func breaksAround(r rune) bool {
	return isCJKRune(r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

func isCJKRune(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// closingPunct never starts a line (CJK line-breaking rules).
const closingPunct = "。、，．！？：；）」』】〉》〕］｝〜ー…・"

// invisible reports whether r is dropped from PDF text: format characters
// (zero-width joiners, variation selectors, tags) and emoji modifiers,
// which only change how a neighbouring emoji looks.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) ||
		(r >= 0x1F3FB && r <= 0x1F3FF) || r == 0x20E3 || (r < 0x20 && r != '\n' && r != '\t') || r == 0x7F
}

// atoms splits runs into atoms, choosing a font for every character.
func (p *pdfWriter) atoms(runs []run, st textStyle) []atom {
	var out []atom
	var cur atom
	flush := func() {
		if len(cur.frags) > 0 {
			out = append(out, cur)
		}
		cur = atom{}
	}
	for _, rn := range runs {
		color := st.color
		if rn.link != "" {
			color = linkColor
		} else if rn.code {
			color = codeColor
		}
		mono := st.mono || rn.code
		bold := st.bold || rn.bold
		text := rn.text
		if st.preserve || strings.ContainsRune(text, '\t') {
			text = strings.ReplaceAll(text, "\t", "    ")
		}
		for _, r := range text {
			switch {
			case r == '\n':
				flush()
				out = append(out, atom{br: true})
				continue
			case r == ' ' && !st.preserve:
				flush()
				k, _ := p.fs.pick(' ', mono, bold, rn.italic)
				out = append(out, atom{space: true, w: p.fs.width(k, " ", st.size)})
				continue
			case invisible(r):
				continue
			}
			k, ok := p.fs.pick(r, mono, bold, rn.italic)
			if !ok {
				r = missingGlyph
				k, ok = p.fs.pick(r, false, false, false)
				if !ok {
					r, k = '?', fontKey{sansFamily, false, false}
				}
			}
			wide := breaksAround(r)
			if wide {
				flush()
				// No line starts with closing punctuation: it stays with
				// the character before it.
				if n := len(out) - 1; n >= 0 && !out[n].space && !out[n].br && strings.ContainsRune(closingPunct, r) {
					cur, out = out[n], out[:n]
				}
			}
			f := frag{text: string(r), key: k, size: st.size, link: rn.link, code: rn.code, strike: rn.strike, color: color}
			f.w = p.fs.width(k, f.text, st.size)
			if n := len(cur.frags) - 1; n >= 0 && sameFrag(cur.frags[n], f) {
				cur.frags[n].text += f.text
				cur.frags[n].w += f.w
			} else {
				cur.frags = append(cur.frags, f)
			}
			cur.w += f.w
			if wide {
				flush()
			}
		}
	}
	flush()
	return out
}

func sameFrag(a, b frag) bool {
	return a.key == b.key && a.size == b.size && a.link == b.link && a.code == b.code && a.strike == b.strike && a.color == b.color
}

// wrap breaks atoms into lines of at most width. Spaces at the start or
// end of a line are dropped; a word wider than the line is cut between
// characters.
func (p *pdfWriter) wrap(atoms []atom, width float64) [][]atom {
	var lines [][]atom
	var line []atom
	x := 0.0
	end := func() {
		for len(line) > 0 && line[len(line)-1].space {
			line = line[:len(line)-1]
		}
		lines = append(lines, line)
		line, x = nil, 0
	}
	for _, a := range atoms {
		switch {
		case a.br:
			end()
			continue
		case a.space:
			if len(line) > 0 {
				line = append(line, a)
				x += a.w
			}
			continue
		}
		if x+a.w > width && len(line) > 0 {
			end()
		}
		for a.w > width && len(a.frags) > 0 {
			head, rest := p.cut(a, width-x)
			if len(head.frags) == 0 {
				if len(line) == 0 { // not even one character fits: take one anyway
					head, rest = p.cut(a, -1)
				} else {
					end()
					continue
				}
			}
			line = append(line, head)
			end()
			a = rest
		}
		if len(a.frags) > 0 {
			line = append(line, a)
			x += a.w
		}
	}
	if len(line) > 0 || len(lines) == 0 {
		end()
	}
	return lines
}

// cut splits an atom after as many characters as fit in width (at least
// one when width < 0).
func (p *pdfWriter) cut(a atom, width float64) (head, rest atom) {
	used := 0.0
	for i, f := range a.frags {
		rs := []rune(f.text)
		n, w := 0, 0.0
		for n < len(rs) {
			cw := p.fs.width(f.key, string(rs[n]), f.size)
			if width >= 0 && used+w+cw > width || width < 0 && n > 0 {
				break
			}
			w += cw
			n++
		}
		if n < len(rs) {
			if n > 0 {
				h := f
				h.text, h.w = string(rs[:n]), w
				head.frags = append(head.frags, h)
				head.w += w
			}
			t := f
			t.text, t.w = string(rs[n:]), f.w-w
			rest.frags = append([]frag{t}, a.frags[i+1:]...)
			for _, r := range rest.frags {
				rest.w += r.w
			}
			return head, rest
		}
		head.frags = append(head.frags, f)
		head.w += f.w
		used += f.w
		if width < 0 {
			rest.frags = a.frags[i+1:]
			for _, r := range rest.frags {
				rest.w += r.w
			}
			return head, rest
		}
	}
	return head, rest
}

// lineWidth is the width of a line's atoms.
func lineWidth(line []atom) float64 {
	w := 0.0
	for _, a := range line {
		w += a.w
	}
	return w
}
