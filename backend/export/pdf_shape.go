package export

import (
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/bidi"
)

// Shaping and direction. Text in a complex script (Arabic, Hebrew,
// Devanagari, Thai) is shaped by go-text/typesetting's HarfBuzz port:
// letters join, marks are placed, syllables reordered, and right-to-left
// words come out in visual order. Other text is drawn one glyph per
// character, as the font's character map gives it. Lines holding
// right-to-left words are put in visual order word by word (the Unicode
// bidirectional algorithm's rule L2, with each word's direction from its
// first strong character as golang.org/x/text/unicode/bidi classes it).

// shapedText is a shaped string: its glyphs in visual order and its
// advance, in thousandths of the font size.
type shapedText struct {
	glyphs []glyph
	w      float64
}

type shapeKey struct {
	key  fontKey
	text string
}

// maxShapeCache bounds the shaped strings one export remembers.
const maxShapeCache = 20000

// shaped shapes text in face k, remembering the result.
func (p *pdfWriter) shaped(k fontKey, text string) shapedText {
	sk := shapeKey{k, text}
	if s, ok := p.shapes[sk]; ok {
		return s
	}
	fc := p.fs.face(k)
	rs := []rune(text)
	dir := di.DirectionLTR
	if k.fam.rtl() {
		dir = di.DirectionRTL
	}
	script := language.Latin
	for _, r := range rs {
		if s := language.LookupScript(r); s != language.Common && s != language.Inherited && s != language.Unknown {
			script = s
			break
		}
	}
	out := p.shaper.Shape(shaping.Input{Text: rs, RunStart: 0, RunEnd: len(rs), Direction: dir, Face: fc.font, Size: fixed.I(1000), Script: script})
	scale := 1000 / fc.upem
	s := shapedText{glyphs: make([]glyph, len(out.Glyphs))}
	for i, g := range out.Glyphs {
		gl := glyph{id: uint16(g.GlyphID), adv: float64(g.Advance) / 64, dx: float64(g.XOffset) / 64, dy: float64(g.YOffset) / 64}
		gl.natural = fc.glyphAdvance(gl.id) * scale
		if at := g.TextIndex(); g.GlyphsCount() > 0 && at < len(rs) { // the cluster's first glyph stands for its text
			gl.uni = string(rs[at:min(at+g.RunesCount(), len(rs))])
		}
		s.glyphs[i] = gl
		s.w += gl.adv
	}
	if len(p.shapes) >= maxShapeCache {
		clear(p.shapes)
	}
	p.shapes[sk] = s
	return s
}

// simpleGlyphs are the glyphs of text in face k, one per character.
func (p *pdfWriter) simpleGlyphs(k fontKey, text string, buf []glyph) []glyph {
	fc := p.fs.face(k)
	scale := 1000 / fc.upem
	for _, r := range text {
		g, ok := fc.glyphOf(r)
		if !ok {
			continue
		}
		a := fc.glyphAdvance(g) * scale
		buf = append(buf, glyph{id: g, adv: a, natural: a, r: r})
	}
	return buf
}

// bidiDir is a word's direction.
type bidiDir uint8

const (
	dirNeutral bidiDir = iota
	dirLTR
	dirRTL
	dirNumber
)

// runeDir is the direction r gives the word it starts (neutral for
// punctuation and spaces, which take their neighbours' direction).
func runeDir(r rune) bidiDir {
	if r < 0x80 { // fast path: ASCII
		switch {
		case r >= '0' && r <= '9':
			return dirNumber
		case r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
			return dirLTR
		}
		return dirNeutral
	}
	props, _ := bidi.LookupRune(r)
	switch props.Class() {
	case bidi.L:
		return dirLTR
	case bidi.R, bidi.AL:
		return dirRTL
	case bidi.EN, bidi.AN:
		return dirNumber
	}
	return dirNeutral
}

// paragraphRTL reports whether runs are a right-to-left paragraph: their
// first strong character is right-to-left (rules P2, P3).
func paragraphRTL(runs []run) bool {
	for _, rn := range runs {
		for _, r := range rn.text {
			switch runeDir(r) {
			case dirLTR:
				return false
			case dirRTL:
				return true
			}
		}
	}
	return false
}

// visualOrder puts a line's atoms in the order they are drawn, left to
// right, for a paragraph of the given direction. A line without
// right-to-left words in a left-to-right paragraph is returned as it is.
func visualOrder(line []atom, rtl bool) []atom {
	base := 0
	if rtl {
		base = 1
	}
	levels := make([]int, len(line))
	any := rtl
	for i, a := range line {
		switch a.dir {
		case dirRTL:
			levels[i], any = 1, true
		case dirLTR, dirNumber:
			levels[i] = base * 2
		default:
			levels[i] = -1
		}
	}
	if !any {
		return line
	}
	// Neutrals between words of one direction take it; others the paragraph's.
	for i := 0; i < len(levels); {
		if levels[i] >= 0 {
			i++
			continue
		}
		j := i
		for j < len(levels) && levels[j] < 0 {
			j++
		}
		before, after := base, base
		if i > 0 {
			before = levels[i-1]
		}
		if j < len(levels) {
			after = levels[j]
		}
		lv := base
		if before%2 == after%2 {
			lv = min(before, after)
		}
		for k := i; k < j; k++ {
			levels[k] = lv
		}
		i = j
	}
	out := append([]atom(nil), line...)
	for lv := 2; lv >= 1; lv-- {
		for i := 0; i < len(out); {
			if levels[i] < lv {
				i++
				continue
			}
			j := i
			for j < len(out) && levels[j] >= lv {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				out[a], out[b] = out[b], out[a]
				levels[a], levels[b] = levels[b], levels[a]
			}
			i = j
		}
	}
	return out
}
