package export

// table draws a table: columns as wide as their text needs, shrunk to the
// width in proportion when too wide (never below their longest word unless
// even those do not fit), a shaded header row, and a grid.
func (p *pdfWriter) table(b block, x, width float64) error {
	cols := 0
	for _, row := range b.rows {
		cols = max(cols, len(row))
	}
	if cols == 0 {
		return nil
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
				cells[i][c] = p.atoms(row[c], st)
			}
			w, word := 0.0, 0.0
			for _, a := range cells[i][c] {
				w += a.w
				if !a.space {
					word = max(word, a.w)
				}
			}
			natural[c] = max(natural[c], w+2*cellPad)
			least[c] = max(least[c], min(word, width/3)+2*cellPad)
		}
	}
	widths := columnWidths(natural, least, width)
	for i := range cells {
		lines := make([][][]atom, cols)
		rows := 1
		for c := range cols {
			lines[c] = p.wrap(cells[i][c], widths[c]-2*cellPad)
			rows = max(rows, len(lines[c]))
		}
		h := float64(rows)*lh + 2*cellPad
		p.need(h)
		cx := x
		for c := range cols {
			if i == 0 {
				p.gp.SetFillColor(0xf0, 0xf0, 0xf2)
				p.gp.RectFromUpperLeftWithStyle(cx, p.y, widths[c], h, "F")
			}
			p.gp.SetStrokeColor(0xbb, 0xbb, 0xbb)
			p.gp.SetLineWidth(0.5)
			p.gp.RectFromUpperLeftWithStyle(cx, p.y, widths[c], h, "D")
			align := ""
			if c < len(b.align) {
				align = b.align[c]
			}
			for k, line := range lines[c] {
				lx := cx + cellPad
				switch free := widths[c] - 2*cellPad - lineWidth(line); align {
				case "right":
					lx += free
				case "center":
					lx += free / 2
				}
				if err := p.drawLine(line, lx, p.y+cellPad+float64(k)*lh, tableSize, lh); err != nil {
					return err
				}
			}
			cx += widths[c]
		}
		p.y += h
	}
	return nil
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
