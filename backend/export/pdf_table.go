package export

// table draws a table: columns as wide as their text needs, shrunk to the
// width in proportion when too wide (never below their longest word unless
// even those do not fit), a shaded header row, and a grid. A row taller
// than the room left on a page is split between lines and continues on
// the next page, under the header row drawn again.
func (p *pdfWriter) table(b block, x, width float64) {
	cols := 0
	for _, row := range b.rows {
		cols = max(cols, len(row))
	}
	if cols == 0 {
		return
	}
	st := textStyle{size: tableSize, color: textColor}
	lh := tableSize * lineFactor
	cells := make([][][]atom, len(b.rows))
	natural := make([]float64, cols)
	least := make([]float64, cols)
	for i, row := range b.rows {
		cells[i] = make([][]atom, cols)
		for c := range cols {
			if c < len(row) {
				p.atoms(row[c], st, func(a atom) { cells[i][c] = append(cells[i][c], a) })
			}
			w, word, line := 0.0, 0.0, 0.0
			for _, a := range cells[i][c] {
				line += a.w
				if a.br {
					line = 0
				}
				w = max(w, line)
				if !a.space {
					word = max(word, a.w)
				}
			}
			natural[c] = max(natural[c], w+2*cellPad)
			least[c] = max(least[c], min(word, width/3)+2*cellPad)
		}
	}
	t := &tableDraw{p: p, x: x, widths: columnWidths(natural, least, width), align: b.align, lh: lh}
	for i := range cells {
		r := tableRow{lines: make([][][]atom, cols), shaded: i == 0}
		for c := range cols {
			r.lines[c] = p.wrapAll(cells[i][c], max(t.widths[c]-2*cellPad, 1))
			r.rtl = append(r.rtl, c < len(b.rows[i]) && paragraphRTL(b.rows[i][c]))
			r.n = max(r.n, len(r.lines[c]))
		}
		if i == 0 && float64(r.n)*lh+2*cellPad <= (pageH-marginTop-marginBottom)/3 {
			t.header = &r // short enough to repeat on every page
		}
		t.row(r, i == 0)
		cells[i] = nil
	}
}

// tableDraw is a table being drawn.
type tableDraw struct {
	p      *pdfWriter
	x      float64
	widths []float64
	align  []string
	lh     float64
	header *tableRow
}

// tableRow is a row's cells broken into lines.
type tableRow struct {
	lines  [][][]atom // column, line, atoms
	rtl    []bool
	n      int // lines in the tallest cell
	shaded bool
}

// row draws r, split across pages when it does not fit.
func (t *tableDraw) row(r tableRow, isHeader bool) {
	p := t.p
	for from := 0; from < r.n; {
		fit := int((p.room() - 2*cellPad) / t.lh)
		left := r.n - from
		switch {
		case fit >= left:
			t.slice(r, from, r.n)
			return
		case fit >= 2 || fit >= 1 && p.y <= marginTop:
			t.slice(r, from, from+fit)
			from += fit
		case p.y <= marginTop: // not one line fits on an empty page: draw one anyway
			t.slice(r, from, from+1)
			from++
			continue
		}
		p.newPage()
		if t.header != nil && !isHeader {
			t.slice(*t.header, 0, t.header.n)
		}
	}
}

// slice draws lines from to to of row r, with cell borders around them.
func (t *tableDraw) slice(r tableRow, from, to int) {
	p := t.p
	h := float64(to-from)*t.lh + 2*cellPad
	cx := t.x
	for c, w := range t.widths {
		if r.shaded {
			p.doc.fill(cx, p.y, w, h, rgb{0xf0, 0xf0, 0xf2})
		}
		p.doc.stroke(cx, p.y, w, h, 0.5, rgb{0xbb, 0xbb, 0xbb})
		align := ""
		if c < len(t.align) {
			align = t.align[c]
		}
		if align == "" && r.rtl[c] {
			align = "right"
		}
		for k := from; k < to && k < len(r.lines[c]); k++ {
			line := r.lines[c][k]
			lx := cx + cellPad
			switch free := w - 2*cellPad - lineWidth(line); align {
			case "right":
				lx += free
			case "center":
				lx += free / 2
			}
			p.drawLine(line, lx, p.y+cellPad+float64(k-from)*t.lh, tableSize, t.lh, r.rtl[c])
		}
		cx += w
	}
	p.y += h
}

// columnWidths fits columns of natural widths into width: as they are when
// they fit, else each keeps its least width and shares what is left in
// proportion to what it still wants; when even the least widths do not
// fit, those are scaled down.
func columnWidths(natural, least []float64, width float64) []float64 {
	out := make([]float64, len(natural))
	sumN, sumL := 0.0, 0.0
	for i := range natural {
		sumN += natural[i]
		sumL += least[i]
	}
	switch {
	case sumN <= width:
		copy(out, natural)
	case sumL >= width:
		for i := range least {
			out[i] = least[i] * width / sumL
		}
	default:
		for i := range natural {
			out[i] = least[i] + (natural[i]-least[i])*(width-sumL)/(sumN-sumL)
		}
	}
	return out
}
