package export

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// pdfDoc is the small PDF writer the export lays its pages out on: pages
// of text, rectangles and lines; TrueType fonts embedded as CID fonts
// (Identity-H, one code per glyph id, so shaped text, whose glyphs no
// character names, is drawn as the shaper placed it), each subset to the
// glyphs used and with a ToUnicode map for copying and searching; text a
// shaper changed (ligatures, reordered marks, right-to-left words) is
// also marked with its ActualText. A finished page is compressed at once,
// so memory grows with the output file, not with its content streams.
type pdfDoc struct {
	w, h    float64
	pages   []*pdfPage
	cur     *pdfPage
	fonts   []*pdfFont
	title   string
	created time.Time
	zw      *zlib.Writer // reused for every page: a new one costs a megabyte
	content bytes.Buffer // the open page's content stream, reused
}

type pdfPage struct {
	streams [][]byte     // finished content streams, compressed
	fonts   map[int]bool // indexes into pdfDoc.fonts
	links   []pdfLink
}

type pdfLink struct {
	x, y, w, h float64 // top-left origin, like the layout
	url        string
}

// pdfFont is one embedded font: the glyphs drawn with it and the text each
// stands for.
type pdfFont struct {
	face  *face
	used  map[uint16]bool
	toUni map[uint16]string
}

// glyph is one glyph to draw: its id, its advance and its offset from
// where it would stand, in thousandths of the font size.
type glyph struct {
	id      uint16
	adv     float64
	dx, dy  float64
	natural float64 // the advance the PDF's width table gives it
	uni     string  // the text it stands for (shaped text), or
	r       rune    // the character it stands for
}

func newPDFDoc(w, h float64, title string, created time.Time) *pdfDoc {
	return &pdfDoc{w: w, h: h, title: title, created: created}
}

// addPage finishes the open page and starts a new one.
func (d *pdfDoc) addPage() {
	d.finish()
	d.cur = &pdfPage{fonts: map[int]bool{}}
	d.pages = append(d.pages, d.cur)
}

// finish compresses the open page's content.
func (d *pdfDoc) finish() {
	if d.cur == nil || d.content.Len() == 0 {
		return
	}
	var z bytes.Buffer
	if d.zw == nil {
		d.zw, _ = zlib.NewWriterLevel(&z, zlib.BestSpeed)
	} else {
		d.zw.Reset(&z)
	}
	_, _ = d.zw.Write(d.content.Bytes())
	_ = d.zw.Close()
	d.cur.streams = append(d.cur.streams, z.Bytes())
	d.content.Reset()
}

// reopen makes page i (0-based) the open page again, to add a stream to it.
func (d *pdfDoc) reopen(i int) {
	d.finish()
	d.cur = d.pages[i]
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// fill draws a filled rectangle (top-left origin).
func (d *pdfDoc) fill(x, y, w, h float64, c rgb) {
	fmt.Fprintf(&d.content, "%s rg %s %s %s %s re f\n", c.pdf(), num(x), num(d.h-y-h), num(w), num(h))
}

// stroke draws a rectangle's outline.
func (d *pdfDoc) stroke(x, y, w, h, width float64, c rgb) {
	fmt.Fprintf(&d.content, "%s RG %s w %s %s %s %s re S\n", c.pdf(), num(width), num(x), num(d.h-y-h), num(w), num(h))
}

// line draws a straight line.
func (d *pdfDoc) line(x1, y1, x2, y2, width float64, c rgb) {
	fmt.Fprintf(&d.content, "%s RG %s w %s %s m %s %s l S\n", c.pdf(), num(width), num(x1), num(d.h-y1), num(x2), num(d.h-y2))
}

// link makes a rectangle of the open page a link to url.
func (d *pdfDoc) link(x, y, w, h float64, url string) {
	d.cur.links = append(d.cur.links, pdfLink{x, y, w, h, url})
}

// font returns the index of the embedded font for f, adding it on first use.
func (d *pdfDoc) font(f *face) int {
	for i, pf := range d.fonts {
		if pf.face == f {
			return i
		}
	}
	d.fonts = append(d.fonts, &pdfFont{face: f, used: map[uint16]bool{}, toUni: map[uint16]string{}})
	return len(d.fonts) - 1
}

// text draws glyphs of font fi at size, the baseline's left end at x,
// baseline y. actual, when not "", is the text the glyphs stand for as a
// whole (shaped text); cluster texts are in toUni.
func (d *pdfDoc) text(fi int, size float64, c rgb, x, y float64, gs []glyph, actual string) {
	b := &d.content
	d.cur.fonts[fi] = true
	pf := d.fonts[fi]
	if actual != "" {
		fmt.Fprintf(b, "/Span <</ActualText %s>> BDC\n", pdfTextString(actual))
	}
	fmt.Fprintf(b, "BT %s rg /F%d %s Tf 1 0 0 1 %s %s Tm [<", c.pdf(), fi, num(size), num(x), num(d.h-y))
	rise := 0.0
	for _, g := range gs {
		if !pf.used[g.id] {
			pf.used[g.id] = true
			if g.uni != "" {
				pf.toUni[g.id] = g.uni
			} else if g.r != 0 {
				pf.toUni[g.id] = string(g.r)
			}
		} else if g.uni != "" && pf.toUni[g.id] == "" {
			pf.toUni[g.id] = g.uni
		}
		if g.dy != rise {
			fmt.Fprintf(b, ">] TJ %s Ts [<", num(g.dy*size/1000))
			rise = g.dy
		}
		if g.dx != 0 {
			fmt.Fprintf(b, "> %s <", num(-g.dx))
		}
		fmt.Fprintf(b, "%04X", g.id)
		if adj := g.natural - g.adv + g.dx; adj > 0.01 || adj < -0.01 {
			fmt.Fprintf(b, "> %s <", num(adj))
		}
	}
	b.WriteString(">] TJ")
	if rise != 0 {
		b.WriteString(" 0 Ts")
	}
	b.WriteString(" ET\n")
	if actual != "" {
		b.WriteString("EMC\n")
	}
}

func (c rgb) pdf() string {
	return fmt.Sprintf("%.3f %.3f %.3f", float64(c.r)/255, float64(c.g)/255, float64(c.b)/255)
}

// pdfTextString is s as a PDF text string (UTF-16BE, hex).
func pdfTextString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// pdfLiteral is s as a PDF literal string of bytes (URLs are ASCII).
func pdfLiteral(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`, "\r", `\r`, "\n", `\n`)
	return "(" + r.Replace(s) + ")"
}

// writeTo writes the document.
func (d *pdfDoc) writeTo(w io.Writer) error {
	d.finish()
	bw := bufio.NewWriterSize(w, 1<<16)
	out := &pdfOut{w: bw}
	out.printf("%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n")
	// Object numbers: 1 catalog, 2 page tree, 3 info, then fonts (five
	// objects each), then pages.
	next := 4
	fontObj := make([]int, len(d.fonts))
	for i := range d.fonts {
		fontObj[i] = next
		next += 5
	}
	pageObj := make([]int, len(d.pages))
	for i, p := range d.pages {
		pageObj[i] = next
		next += 1 + len(p.streams) + len(p.links)
	}
	out.offsets = make([]int64, next)
	out.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	var kids strings.Builder
	for _, n := range pageObj {
		fmt.Fprintf(&kids, "%d 0 R ", n)
	}
	out.obj(2, fmt.Sprintf("<< /Type /Pages /Count %d /Kids [%s] >>", len(d.pages), kids.String()))
	out.obj(3, fmt.Sprintf("<< /Title %s /Creator (Deepr) /Producer (Deepr) /CreationDate (D:%s) >>",
		pdfTextString(d.title), d.created.UTC().Format("20060102150405Z")))
	for i, f := range d.fonts {
		if err := out.font(fontObj[i], f); err != nil {
			return err
		}
	}
	for i, p := range d.pages {
		n := pageObj[i]
		var res, contents, annots strings.Builder
		fis := make([]int, 0, len(p.fonts))
		for fi := range p.fonts {
			fis = append(fis, fi)
		}
		sort.Ints(fis)
		for _, fi := range fis {
			fmt.Fprintf(&res, "/F%d %d 0 R ", fi, fontObj[fi])
		}
		for k := range p.streams {
			fmt.Fprintf(&contents, "%d 0 R ", n+1+k)
		}
		for k := range p.links {
			fmt.Fprintf(&annots, "%d 0 R ", n+1+len(p.streams)+k)
		}
		out.obj(n, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Resources << /Font << %s>> >> /Contents [%s] /Annots [%s] >>",
			num(d.w), num(d.h), res.String(), contents.String(), annots.String()))
		for k, s := range p.streams {
			out.stream(n+1+k, "/Filter /FlateDecode", s)
		}
		for k, l := range p.links {
			out.obj(n+1+len(p.streams)+k, fmt.Sprintf("<< /Type /Annot /Subtype /Link /Border [0 0 0] /Rect [%s %s %s %s] /A << /S /URI /URI %s >> >>",
				num(l.x), num(d.h-l.y-l.h), num(l.x+l.w), num(d.h-l.y), pdfLiteral(l.url)))
		}
		p.streams = nil // written: let it go
	}
	xref := out.n
	out.printf("xref\n0 %d\n0000000000 65535 f \n", next)
	for _, off := range out.offsets[1:] {
		out.printf("%010d 00000 n \n", off)
	}
	out.printf("trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n", next, xref)
	if out.err != nil {
		return out.err
	}
	return bw.Flush()
}

// pdfOut writes objects and remembers where each starts.
type pdfOut struct {
	w       io.Writer
	n       int64
	offsets []int64
	err     error
}

func (o *pdfOut) printf(format string, a ...any) {
	if o.err != nil {
		return
	}
	k, err := fmt.Fprintf(o.w, format, a...)
	o.n += int64(k)
	o.err = err
}

func (o *pdfOut) obj(n int, body string) {
	o.offsets[n] = o.n
	o.printf("%d 0 obj\n%s\nendobj\n", n, body)
}

func (o *pdfOut) stream(n int, dict string, data []byte) {
	o.offsets[n] = o.n
	o.printf("%d 0 obj\n<< /Length %d %s >>\nstream\n", n, len(data), dict)
	if o.err == nil {
		k, err := o.w.Write(data)
		o.n += int64(k)
		o.err = err
	}
	o.printf("\nendstream\nendobj\n")
}
