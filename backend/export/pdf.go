package export

import (
	"fmt"
	"io"
	"slices"

	"github.com/go-text/typesetting/shaping"
)

// Page geometry, in points (A4).
const (
	pageW        = 595.28
	pageH        = 841.89
	marginX      = 56.0
	marginTop    = 56.0
	marginBottom = 60.0
	contentW     = pageW - 2*marginX
	bodySize     = 10.5
	codeSize     = 8.8
	tableSize    = 9.2
	lineFactor   = 1.42
	indentStep   = 18.0
	maxIndent    = 12 // deeper nesting is drawn at this depth
	cellPad      = 4.0
)

var headingSizes = [7]float64{0, 20, 16, 13.5, 12, 11, 10.5}

// pdfWriter lays the export document out on a pdfDoc: its own line
// breaking (words, CJK characters, over-long words cut), a font per
// character (see fonts.go), shaping and right-to-left lines (see
// pdf_shape.go), tables with measured columns whose rows continue on the
// next page under a repeated header, shaded code. Nothing is drawn
// outside the page's margins: what does not fit is wrapped, split or
// scaled down.
type pdfWriter struct {
	doc     *pdfDoc
	fs      *fonts
	y       float64
	shaper  shaping.HarfbuzzShaper
	shapes  map[shapeKey]shapedText
	missing map[rune]bool // characters no font has
	gbuf    []glyph
}

// writePDF writes the export document as PDF and returns the characters
// it could not draw.
func writePDF(w io.Writer, r Report) ([]rune, error) {
	p := &pdfWriter{doc: newPDFDoc(pageW, pageH, r.title(), r.Job.CreatedAt), fs: newFonts(),
		shapes: map[shapeKey]shapedText{}, missing: map[rune]bool{}}
	p.newPage()
	for _, b := range blocks(markdownDoc(r)) {
		p.block(b)
	}
	p.pageNumbers()
	if p.fs.err != nil {
		return nil, p.fs.err
	}
	return sortedRunes(p.missing), p.doc.writeTo(w)
}

func (p *pdfWriter) newPage() {
	p.doc.addPage()
	p.y = marginTop
}

// room is the height left on the page.
func (p *pdfWriter) room() float64 { return pageH - marginBottom - p.y }

// need starts a new page unless h more points fit on this one.
func (p *pdfWriter) need(h float64) {
	if h > p.room() && p.y > marginTop {
		p.newPage()
	}
}

func (p *pdfWriter) block(b block) {
	ind := indentStep * float64(min(b.indent, maxIndent))
	x, width := marginX+ind, contentW-ind
	switch b.kind {
	case headingBlock:
		size := headingSizes[min(max(b.level, 1), 6)]
		if p.y > marginTop {
			p.y += size * 0.7
		}
		p.need(size * lineFactor * 3) // keep a heading with what follows
		p.paragraph(b.runs, x, width, textStyle{size: size, color: textColor, bold: true}, "", b.quote)
		p.y += size * 0.25
	case paraBlock:
		st := textStyle{size: bodySize, color: textColor}
		if b.quote {
			st.color = mutedColor
		}
		p.paragraph(b.runs, x, width, st, b.marker, b.quote)
		p.y += bodySize * 0.55
	case codeBlock:
		p.code(b.code, x, width)
		p.y += bodySize * 0.55
	case ruleBlock:
		p.need(14)
		p.doc.line(x, p.y+6, x+width, p.y+6, 0.6, rgb{0xbb, 0xbb, 0xbb})
		p.y += 14
	case tableBlock:
		p.table(b, x, width)
		p.y += bodySize * 0.55
	}
}

// paragraph lays out runs at x within width, line by line as they are
// broken; marker is drawn in the left margin of the first line; bar draws
// a quote bar beside every line. A right-to-left paragraph is set flush
// right.
func (p *pdfWriter) paragraph(runs []run, x, width float64, st textStyle, marker string, bar bool) {
	lh := st.size * lineFactor
	rtl := paragraphRTL(runs)
	first := true
	l := &liner{p: p, width: width, onLine: func(line []atom) {
		p.need(lh)
		if bar {
			p.doc.line(x-9, p.y, x-9, p.y+lh, 1.5, rgb{0xcc, 0xcc, 0xcc})
		}
		if first && marker != "" {
			var m []atom
			p.atoms([]run{{text: marker}}, st, func(a atom) { m = append(m, a) })
			p.drawLine(m, x-indentStep+1, p.y, st.size, lh, false)
		}
		first = false
		lx := x
		if rtl {
			lx += width - lineWidth(line)
		}
		p.drawLine(line, lx, p.y, st.size, lh, rtl)
		p.y += lh
	}}
	p.atoms(runs, st, l.add)
	l.close()
}

// drawLine draws one line with its top at y.
func (p *pdfWriter) drawLine(line []atom, x, y, size, lh float64, rtl bool) {
	baseline := y + (lh-size)/2 + size*0.82
	for _, a := range visualOrder(line, rtl) {
		if a.space {
			x += a.w
			continue
		}
		for i := range a.frags {
			f := a.frags[i]
			if a.dir == dirRTL {
				f = a.frags[len(a.frags)-1-i]
			}
			p.drawFrag(f, x, y, baseline, size, lh)
			x += f.w
		}
	}
}

func (p *pdfWriter) drawFrag(f frag, x, y, baseline, size, lh float64) {
	if f.code {
		p.doc.fill(x, y+lh*0.1, f.w, lh*0.8, rgb{0xf0, 0xf0, 0xf2})
	}
	fc := p.fs.face(f.key)
	if fc == nil {
		return
	}
	fi := p.doc.font(fc)
	if f.key.fam.complex() {
		s := p.shaped(f.key, f.text)
		actual := f.text
		if f.key.fam.rtl() {
			// Text extractors read a span's text in its drawn (visual)
			// order and then put right-to-left text back in logical order.
			actual = reverseRunes(actual)
		}
		p.doc.text(fi, f.size, f.color, x, baseline, s.glyphs, actual)
	} else {
		p.gbuf = p.simpleGlyphs(f.key, f.text, p.gbuf[:0])
		p.doc.text(fi, f.size, f.color, x, baseline, p.gbuf, "")
	}
	if f.strike {
		p.doc.line(x, baseline-size*0.3, x+f.w, baseline-size*0.3, 0.6, f.color)
	}
	if f.link != "" {
		p.doc.link(x, y, f.w, lh, f.link)
	}
}

// code draws a code block: monospace, every space kept, long lines
// wrapped, on a shaded background.
func (p *pdfWriter) code(text string, x, width float64) {
	st := textStyle{size: codeSize, color: codeColor, mono: true, preserve: true}
	lh := codeSize * 1.35
	pad := 5.0
	p.need(lh + 2*pad)
	p.shade(x, p.y, width, pad)
	p.y += pad
	for _, src := range splitLines(text) {
		l := &liner{p: p, width: width - 2*pad, onLine: func(line []atom) {
			if p.y+lh > pageH-marginBottom {
				p.newPage()
			}
			p.shade(x, p.y, width, lh)
			p.drawLine(line, x+pad, p.y, codeSize, lh, false)
			p.y += lh
		}}
		p.atoms([]run{{text: src}}, st, l.add)
		l.close()
	}
	p.shade(x, p.y, width, pad)
	p.y += pad
}

func (p *pdfWriter) shade(x, y, w, h float64) {
	p.doc.fill(x, y, w, h+0.5, rgb{0xf4, 0xf4, 0xf5})
}

// pageNumbers writes "n / total" at the foot of every page.
func (p *pdfWriter) pageNumbers() {
	n := len(p.doc.pages)
	st := textStyle{size: 8, color: mutedColor}
	for i := range n {
		p.doc.reopen(i)
		var line []atom
		p.atoms([]run{{text: fmt.Sprintf("%d / %d", i+1, n)}}, st, func(a atom) { line = append(line, a) })
		p.drawLine(line, pageW/2-lineWidth(line)/2, pageH-marginBottom/2-6, 8, 12, false)
	}
	p.doc.finish()
}

func reverseRunes(s string) string {
	rs := []rune(s)
	slices.Reverse(rs)
	return string(rs)
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
