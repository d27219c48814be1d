package export

import (
	"strings"
	"unicode"
	"unicode/utf8"
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
	dir   bidiDir // the word's direction, for right-to-left lines
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
// other than the joiners shaping needs (zero-width joiners, variation
// selectors, tags) and emoji modifiers, which only change how a
// neighbouring emoji looks.
func invisible(r rune) bool {
	if r == 0x200C || r == 0x200D {
		return false
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) ||
		(r >= 0x1F3FB && r <= 0x1F3FF) || r == 0x20E3 || (r < 0x20 && r != '\n' && r != '\t') || r == 0x7F
}

// atoms splits runs into atoms, choosing a font for every character, and
// hands each to emit in order. Characters no font has are drawn as a
// white square and remembered in p.missing.
func (p *pdfWriter) atoms(runs []run, st textStyle, emit func(atom)) {
	var cur atom
	var held *atom // the last atom, held back in case closing punctuation joins it
	push := func(a atom) {
		if held != nil {
			emit(*held)
		}
		held = &a
	}
	flush := func() {
		if len(cur.frags) > 0 {
			p.measure(&cur)
			push(cur)
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
		lastEnd := -1 // where the last frag ends in text, when it is a slice of it
		for i, r := range text {
			end := i + utf8.RuneLen(r)
			switch {
			case r == '\n':
				flush()
				push(atom{br: true})
				continue
			case r == ' ' && !st.preserve:
				flush()
				k, _ := p.fs.pick(' ', mono, bold, rn.italic)
				push(atom{space: true, w: p.fs.width(k, " ", st.size)})
				continue
			case (r == 0x200C || r == 0x200D) && len(cur.frags) > 0:
				n := len(cur.frags) - 1
				if cur.frags[n].key.fam.complex() || cur.frags[n].key.fam == famEmoji {
					cur.frags[n].text += string(r)
					lastEnd = -1
				}
				continue
			case invisible(r) || r == 0x200C || r == 0x200D:
				continue
			}
			k, ok := p.fs.pick(r, mono, bold, rn.italic)
			if !ok {
				p.missing[r] = true
				r = missingGlyph
				k, _ = p.fs.pick(r, false, false, false)
			}
			if cur.dir == dirNeutral {
				cur.dir = runeDir(r)
			}
			wide := breaksAround(r)
			if wide {
				flush()
				// No line starts with closing punctuation: it stays with
				// the character before it.
				if held != nil && !held.space && !held.br && strings.ContainsRune(closingPunct, r) {
					cur, held = *held, nil
				}
			}
			// A frag's text is a slice of the run's text while it can be:
			// adding to a long word by concatenation would copy it again
			// for every character.
			f := frag{text: string(r), key: k, size: st.size, link: rn.link, code: rn.code, strike: rn.strike, color: color}
			sliced := r != missingGlyph || strings.HasPrefix(text[i:], string(missingGlyph))
			if sliced {
				f.text = text[i:end]
			}
			n := len(cur.frags) - 1
			switch {
			case n >= 0 && sameFrag(cur.frags[n], f) && sliced && lastEnd == i:
				cur.frags[n].text = text[i-len(cur.frags[n].text) : end]
			case n >= 0 && sameFrag(cur.frags[n], f):
				cur.frags[n].text += f.text
				sliced = false
			default:
				cur.frags = append(cur.frags, f)
			}
			lastEnd = -1
			if sliced {
				lastEnd = end
			}
			if wide {
				flush()
			}
		}
	}
	flush()
	if held != nil {
		emit(*held)
	}
}

// measure sets the widths of a's frags and of a.
func (p *pdfWriter) measure(a *atom) {
	a.w = 0
	for i := range a.frags {
		f := &a.frags[i]
		if f.key.fam.complex() {
			f.w = p.shaped(f.key, f.text).w * f.size / 1000
		} else {
			f.w = p.fs.width(f.key, f.text, f.size)
		}
		a.w += f.w
	}
}

func sameFrag(a, b frag) bool {
	return a.key == b.key && a.size == b.size && a.link == b.link && a.code == b.code && a.strike == b.strike && a.color == b.color
}

// lineWidth is the width of a line's atoms.
func lineWidth(line []atom) float64 {
	w := 0.0
	for _, a := range line {
		w += a.w
	}
	return w
}
