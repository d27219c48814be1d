package export

import (
	"fmt"
	"io"

	"github.com/signintech/gopdf"
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
	cellPad      = 4.0
)

var headingSizes = [7]float64{0, 20, 16, 13.5, 12, 11, 10.5}

// pdfWriter lays the export document out with signintech/gopdf: its own
// line breaking (words, CJK characters, over-long words cut), a font per
// character (see fonts.go), tables with measured columns, shaded code.
type pdfWriter struct {
	gp         *gopdf.GoPdf
	fs         *fonts
	y          float64
	registered map[fontKey]bool
	cur        fontKey
	curSize    float64
}

// writePDF writes the export document as PDF.
func writePDF(w io.Writer, r Report) error {
	fs, err := loadFonts()
	if err != nil {
		return err
	}
	p := &pdfWriter{gp: &gopdf.GoPdf{}, fs: fs, registered: map[fontKey]bool{}}
	p.gp.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	p.gp.SetInfo(gopdf.PdfInfo{Title: r.title(), Creator: "Deepr", Producer: "Deepr", CreationDate: r.Job.CreatedAt})
	p.gp.AddPage()
	p.y = marginTop
	for _, b := range blocks(markdownDoc(r)) {
		if err := p.block(b); err != nil {
			return err
		}
	}
	if err := p.pageNumbers(); err != nil {
		return err
	}
	_, err = p.gp.WriteTo(w)
	return err
}

// setFont makes k at size the current font, registering it on first use.
func (p *pdfWriter) setFont(k fontKey, size float64) error {
	if !p.registered[k] {
		style := gopdf.Regular
		if k.bold {
			style |= gopdf.Bold
		}
		if k.italic {
			style |= gopdf.Italic
		}
		if err := p.gp.AddTTFFontDataWithOption(k.family, p.fs.faces[k].data, gopdf.TtfOption{Style: style}); err != nil {
			return fmt.Errorf("embedding the %s font: %w", k.family, err)
		}
		p.registered[k] = true
		p.curSize = 0
	}
	if k == p.cur && size == p.curSize {
		return nil
	}
	style := gopdf.Regular
	if k.bold {
		style |= gopdf.Bold
	}
	if k.italic {
		style |= gopdf.Italic
	}
	if err := p.gp.SetFontWithStyle(k.family, style, size); err != nil {
		return fmt.Errorf("choosing the %s font: %w", k.family, err)
	}
	p.cur, p.curSize = k, size
	return nil
}

// need starts a new page unless h more points fit on this one.
func (p *pdfWriter) need(h float64) {
	if p.y+h > pageH-marginBottom && p.y > marginTop {
		p.gp.AddPage()
		p.y = marginTop
	}
}

func (p *pdfWriter) block(b block) error {
	x := marginX + indentStep*float64(b.indent)
	width := contentW - indentStep*float64(b.indent)
	switch b.kind {
	case headingBlock:
		size := headingSizes[min(max(b.level, 1), 6)]
		if p.y > marginTop {
			p.y += size * 0.7
		}
		p.need(size * lineFactor * 3) // keep a heading with what follows
		if err := p.paragraph(b.runs, x, width, textStyle{size: size, color: textColor, bold: true}, "", b.quote); err != nil {
			return err
		}
		p.y += size * 0.25
	case paraBlock:
		st := textStyle{size: bodySize, color: textColor}
		if b.quote {
			st.color = mutedColor
		}
		if err := p.paragraph(b.runs, x, width, st, b.marker, b.quote); err != nil {
			return err
		}
		p.y += bodySize * 0.55
	case codeBlock:
		if err := p.code(b.code, x, width); err != nil {
			return err
		}
		p.y += bodySize * 0.55
	case ruleBlock:
		p.need(14)
		p.gp.SetStrokeColor(0xbb, 0xbb, 0xbb)
		p.gp.SetLineWidth(0.6)
		p.gp.Line(x, p.y+6, x+width, p.y+6)
		p.y += 14
	case tableBlock:
		if err := p.table(b, x, width); err != nil {
			return err
		}
		p.y += bodySize * 0.55
	}
	return nil
}

// paragraph lays out runs at x within width; marker is drawn in the left
// margin of the first line; bar draws a quote bar beside every line.
func (p *pdfWriter) paragraph(runs []run, x, width float64, st textStyle, marker string, bar bool) error {
	lh := st.size * lineFactor
	for i, line := range p.wrap(p.atoms(runs, st), width) {
		p.need(lh)
		if bar {
			p.gp.SetStrokeColor(0xcc, 0xcc, 0xcc)
			p.gp.SetLineWidth(1.5)
			p.gp.Line(x-9, p.y, x-9, p.y+lh)
		}
		if i == 0 && marker != "" {
			m := p.atoms([]run{{text: marker}}, st)
			if err := p.drawLine(m, x-indentStep+1, p.y, st.size, lh); err != nil {
				return err
			}
		}
		if err := p.drawLine(line, x, p.y, st.size, lh); err != nil {
			return err
		}
		p.y += lh
	}
	return nil
}

// drawLine draws one line with its top at y.
func (p *pdfWriter) drawLine(line []atom, x, y, size, lh float64) error {
	baseline := y + (lh-size)/2 + size*0.82
	for _, a := range line {
		if a.space {
			x += a.w
			continue
		}
		for _, f := range a.frags {
			if f.code {
				p.gp.SetFillColor(0xf0, 0xf0, 0xf2)
				p.gp.RectFromUpperLeftWithStyle(x, y+lh*0.1, f.w, lh*0.8, "F")
			}
			if err := p.setFont(f.key, f.size); err != nil {
				return err
			}
			p.gp.SetTextColor(f.color.r, f.color.g, f.color.b)
			p.gp.SetXY(x, baseline)
			if err := p.gp.Text(f.text); err != nil {
				return err
			}
			if f.strike {
				p.gp.SetStrokeColor(f.color.r, f.color.g, f.color.b)
				p.gp.SetLineWidth(0.6)
				p.gp.Line(x, baseline-size*0.3, x+f.w, baseline-size*0.3)
			}
			if f.link != "" {
				p.gp.AddExternalLink(f.link, x, y, f.w, lh)
			}
			x += f.w
		}
	}
	return nil
}

// code draws a code block: monospace, every space kept, long lines
// wrapped, on a shaded background.
func (p *pdfWriter) code(text string, x, width float64) error {
	st := textStyle{size: codeSize, color: codeColor, mono: true, preserve: true}
	lh := codeSize * 1.35
	pad := 5.0
	p.need(lh + 2*pad)
	p.shade(x, p.y, width, pad)
	p.y += pad
	for _, src := range splitLines(text) {
		for _, line := range p.wrap(p.atoms([]run{{text: src}}, st), width-2*pad) {
			if p.y+lh > pageH-marginBottom {
				p.gp.AddPage()
				p.y = marginTop
			}
			p.shade(x, p.y, width, lh)
			if err := p.drawLine(line, x+pad, p.y, codeSize, lh); err != nil {
				return err
			}
			p.y += lh
		}
	}
	p.shade(x, p.y, width, pad)
	p.y += pad
	return nil
}

func (p *pdfWriter) shade(x, y, w, h float64) {
	p.gp.SetFillColor(0xf4, 0xf4, 0xf5)
	p.gp.RectFromUpperLeftWithStyle(x, y, w, h+0.5, "F")
}

// pageNumbers writes "n / total" at the foot of every page.
func (p *pdfWriter) pageNumbers() error {
	n := p.gp.GetNumberOfPages()
	st := textStyle{size: 8, color: mutedColor}
	for i := 1; i <= n; i++ {
		if err := p.gp.SetPage(i); err != nil {
			return err
		}
		line := p.atoms([]run{{text: fmt.Sprintf("%d / %d", i, n)}}, st)
		if err := p.drawLine(line, pageW/2-lineWidth(line)/2, pageH-marginBottom/2-6, 8, 12); err != nil {
			return err
		}
	}
	return nil
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
