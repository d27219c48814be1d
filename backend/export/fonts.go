package export

import (
	_ "embed"
	"fmt"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// PDF fonts. The Go fonts (golang.org/x/image/font/gofont, BSD licence)
// cover Latin, Greek and Cyrillic in four sans styles and a monospace;
// Droid Sans Fallback (Apache 2.0, fonts/DroidSansFallback.LICENSE)
// covers Chinese, Japanese and Korean. Both are TrueType, which the PDF
// library embeds as subsets (only the glyphs used), so a PDF carries a few
// kilobytes of each font it needs. A character neither has (emoji, most
// other symbols) is drawn as a white square.

//go:embed fonts/DroidSansFallback.ttf
var cjkTTF []byte

// Font families as registered with the PDF library.
const (
	sansFamily = "sans"
	monoFamily = "mono"
	cjkFamily  = "cjk"
)

// missingGlyph stands in for a character no embedded font has.
const missingGlyph = '□'

// face is one font file: its data for the PDF, and its parsed tables to
// look glyphs and widths up.
type face struct {
	data  []byte
	font  *sfnt.Font
	upem  float64
	buf   sfnt.Buffer
	width map[rune]float64 // advance at size 1, 0 when the glyph is missing
}

func newFace(data []byte) (*face, error) {
	f, err := sfnt.Parse(data)
	if err != nil {
		return nil, err
	}
	return &face{data: data, font: f, upem: float64(f.UnitsPerEm()), width: map[rune]float64{}}, nil
}

// advance is r's width at font size 1, or -1 when the font has no glyph.
func (f *face) advance(r rune) float64 {
	if w, ok := f.width[r]; ok {
		return w
	}
	w := -1.0
	if gi, err := f.font.GlyphIndex(&f.buf, r); err == nil && gi != 0 {
		if adv, err := f.font.GlyphAdvance(&f.buf, gi, fixed.I(int(f.upem)), font.HintingNone); err == nil {
			w = float64(adv) / 64 / f.upem
		}
	}
	f.width[r] = w
	return w
}

// fontKey names one registered font: a family and, for sans and mono, a
// style (bold, italic).
type fontKey struct {
	family       string
	bold, italic bool
}

// fonts are the faces of one PDF. Not safe for concurrent use (one per
// export).
type fonts struct {
	faces map[fontKey]*face
}

func loadFonts() (*fonts, error) {
	fs := &fonts{faces: map[fontKey]*face{}}
	for k, data := range map[fontKey][]byte{
		{sansFamily, false, false}: goregular.TTF, {sansFamily, true, false}: gobold.TTF,
		{sansFamily, false, true}: goitalic.TTF, {sansFamily, true, true}: gobolditalic.TTF,
		{monoFamily, false, false}: gomono.TTF, {monoFamily, true, false}: gomonobold.TTF,
		{cjkFamily, false, false}: cjkTTF,
	} {
		f, err := newFace(data)
		if err != nil {
			return nil, fmt.Errorf("reading the embedded %s font: %w", k.family, err)
		}
		fs.faces[k] = f
	}
	return fs, nil
}

// pick chooses the font that draws r in the wanted style: the Go font of
// that style, else the CJK font, else none (ok false).
func (fs *fonts) pick(r rune, mono, bold, italic bool) (fontKey, bool) {
	want := fontKey{sansFamily, bold, italic}
	if mono {
		want = fontKey{monoFamily, bold, false}
	}
	if fs.faces[want].advance(r) >= 0 {
		return want, true
	}
	if mono {
		if k := (fontKey{sansFamily, bold, false}); fs.faces[k].advance(r) >= 0 {
			return k, true
		}
	}
	if k := (fontKey{cjkFamily, false, false}); fs.faces[k].advance(r) >= 0 {
		return k, true
	}
	return fontKey{}, false
}

// width is the width of s in font k at size.
func (fs *fonts) width(k fontKey, s string, size float64) float64 {
	f := fs.faces[k]
	w := 0.0
	for _, r := range s {
		if a := f.advance(r); a > 0 {
			w += a
		}
	}
	return w * size
}
