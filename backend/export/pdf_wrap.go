package export

// liner breaks a stream of atoms into lines of at most width and hands
// each line to onLine as soon as it is full, so a paragraph of any length
// is laid out in the memory of one line. Spaces at the start or end of a
// line are dropped; a word wider than a line is cut between characters,
// and a character wider than a line is scaled down to fit.
type liner struct {
	p      *pdfWriter
	width  float64
	onLine func([]atom)
	line   []atom
	x      float64
	lines  int
}

func (l *liner) end() {
	for len(l.line) > 0 && l.line[len(l.line)-1].space {
		l.line = l.line[:len(l.line)-1]
	}
	l.onLine(l.line)
	l.lines++
	l.line, l.x = l.line[:0], 0
}

// add places the next atom.
func (l *liner) add(a atom) {
	switch {
	case a.br:
		l.end()
		return
	case a.space:
		if len(l.line) > 0 {
			l.line = append(l.line, a)
			l.x += a.w
		}
		return
	}
	if l.x+a.w > l.width && len(l.line) > 0 {
		l.end()
	}
	if a.w > l.width {
		pieces := l.p.split(a, l.width)
		for _, piece := range pieces[:len(pieces)-1] {
			l.line = append(l.line, piece)
			l.end()
		}
		a = pieces[len(pieces)-1]
	}
	l.line = append(l.line, a)
	l.x += a.w
}

// close ends the last line (an empty one when there was no line at all).
func (l *liner) close() {
	if len(l.line) > 0 || l.lines == 0 {
		l.end()
	}
}

// wrapAll breaks atoms into lines of at most width (copies, for tables).
func (p *pdfWriter) wrapAll(atoms []atom, width float64) [][]atom {
	var lines [][]atom
	l := &liner{p: p, width: width, onLine: func(line []atom) { lines = append(lines, append([]atom(nil), line...)) }}
	for _, a := range atoms {
		l.add(a)
	}
	l.close()
	return lines
}

// split cuts an atom wider than width into pieces that each fit (one
// character at least, scaled down when that alone is too wide), in one
// pass over its characters.
func (p *pdfWriter) split(a atom, width float64) []atom {
	var out []atom
	cur := atom{dir: a.dir}
	for _, f := range a.frags {
		start, used := 0, 0.0
		for i, r := range f.text {
			cw := 0.0
			if fc := p.fs.face(f.key); fc != nil {
				cw = max(fc.advance(r), 0) * f.size
			}
			if cur.w+used+cw > width && (i > start || len(cur.frags) > 0) {
				if i > start {
					cur.frags = append(cur.frags, piece(f, f.text[start:i]))
				}
				p.measure(&cur)
				out = append(out, cur)
				cur, start, used = atom{dir: a.dir}, i, 0
			}
			used += cw
		}
		if start < len(f.text) {
			cur.frags = append(cur.frags, piece(f, f.text[start:]))
			p.measure(&cur)
		}
	}
	out = append(out, cur)
	for i := range out {
		if out[i].w > width && out[i].w > 0 && len(out[i].frags) == 1 { // one character too wide
			f := &out[i].frags[0]
			f.size *= width / out[i].w
			p.measure(&out[i])
		}
	}
	return out
}

func piece(f frag, text string) frag {
	f.text = text
	return f
}
