package export

import (
	"bytes"
	"embed"
	"encoding/binary"
	"fmt"

	gofont "github.com/go-text/typesetting/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
)

// PDF fonts. Noto Sans (Latin, Greek, Cyrillic; four styles), Noto Sans
// Arabic, Hebrew, Devanagari and Thai (regular and bold), Noto Sans Math
// and Symbols 2 (arrows, operators, check boxes, shapes) and the
// monochrome Noto Emoji, all under the SIL Open Font License
// (fonts/Noto.LICENSE); Droid Sans Fallback (Apache 2.0,
// fonts/DroidSansFallback.LICENSE) for Chinese, Japanese and Korean; the
// Go Mono fonts (golang.org/x/image, BSD) for code. All are TrueType,
// embedded in the PDF as subsets (only the glyphs used). A font is parsed
// only when the text needs it. Characters no font has are drawn as a
// white square and listed in the export's result.

//go:embed fonts/*.ttf
var fontFiles embed.FS

// family is a group of faces for one script.
type family uint8

const (
	famSans family = iota
	famMono
	famArabic
	famHebrew
	famDevanagari
	famThai
	famMath
	famSymbols
	famCJK
	famEmoji
)

// fallbacks are the families tried, in order, for a character the wanted
// family does not have.
var fallbacks = [...]family{famArabic, famHebrew, famDevanagari, famThai, famMath, famSymbols, famCJK, famEmoji}

// complex families need shaping (joining, reordering, marks); rtl ones are
// written right to left.
func (f family) complex() bool { return f >= famArabic && f <= famThai }
func (f family) rtl() bool     { return f == famArabic || f == famHebrew }

// fontKey names one face: a family and a style.
type fontKey struct {
	fam          family
	bold, italic bool
}

// fontFile is the embedded file of each face; a style not listed is drawn
// with the family's regular face.
var fontFile = map[fontKey]string{
	{famSans, false, false}: "NotoSans-Regular.ttf", {famSans, true, false}: "NotoSans-Bold.ttf",
	{famSans, false, true}: "NotoSans-Italic.ttf", {famSans, true, true}: "NotoSans-BoldItalic.ttf",
	{famArabic, false, false}: "NotoSansArabic-Regular.ttf", {famArabic, true, false}: "NotoSansArabic-Bold.ttf",
	{famHebrew, false, false}: "NotoSansHebrew-Regular.ttf", {famHebrew, true, false}: "NotoSansHebrew-Bold.ttf",
	{famDevanagari, false, false}: "NotoSansDevanagari-Regular.ttf", {famDevanagari, true, false}: "NotoSansDevanagari-Bold.ttf",
	{famThai, false, false}: "NotoSansThai-Regular.ttf", {famThai, true, false}: "NotoSansThai-Bold.ttf",
	{famMath, false, false}: "NotoSansMath-Regular.ttf", {famSymbols, false, false}: "NotoSansSymbols2-Regular.ttf",
	{famCJK, false, false}: "DroidSansFallback.ttf", {famEmoji, false, false}: "NotoEmoji-Regular.ttf",
	{famMono, false, false}: "", {famMono, true, false}: "", // the Go Mono fonts
}

// missingGlyph stands in for a character no embedded font has.
const missingGlyph = '□'

// face is one font: its file for the PDF, and its parsed tables to map
// characters to glyphs, measure and shape.
type face struct {
	name            string // PostScript-style name, for the PDF
	data            []byte
	font            *gofont.Face
	upem            float64
	bbox            [4]float64 // font units
	ascent, descent float64
	gid             map[rune]int32     // glyph of a character; -1 when missing
	adv             map[uint16]float64 // advance in font units
	quick           [quickRunes]int32  // glyph+1 of the first characters; 0 not looked up, -1 missing
}

// quickRunes are the characters (from U+0000) whose glyphs and fonts are
// kept in arrays rather than maps: most text is made of them.
const quickRunes = 0x800

func newFace(name string, data []byte) (*face, error) {
	t, err := sfntTables(data)
	if err != nil {
		return nil, err
	}
	f, err := gofont.ParseTTF(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	i16 := func(b []byte, at int) float64 { return float64(int16(binary.BigEndian.Uint16(b[at:]))) }
	fc := &face{name: name, data: data, font: f, upem: float64(f.Upem()),
		bbox:   [4]float64{i16(t["head"], 36), i16(t["head"], 38), i16(t["head"], 40), i16(t["head"], 42)},
		ascent: i16(t["hhea"], 4), descent: i16(t["hhea"], 6),
		gid: map[rune]int32{}, adv: map[uint16]float64{}}
	return fc, nil
}

// glyphOf is r's glyph, ok false when the font has none.
func (f *face) glyphOf(r rune) (uint16, bool) {
	if r >= 0 && r < quickRunes {
		q := f.quick[r]
		if q == 0 {
			g, ok := f.lookup(r)
			q = -1
			if ok {
				q = int32(g) + 1
			}
			f.quick[r] = q
		}
		return uint16(q - 1), q > 0
	}
	g, ok := f.gid[r]
	if !ok {
		g = -1
		if id, found := f.lookup(r); found {
			g = int32(id)
		}
		f.gid[r] = g
	}
	return uint16(g), g >= 0
}

// lookup asks the font's character map for r.
func (f *face) lookup(r rune) (uint16, bool) {
	id, found := f.font.NominalGlyph(r)
	return uint16(id), found && id != 0
}

// glyphAdvance is a glyph's advance in font units.
func (f *face) glyphAdvance(g uint16) float64 {
	a, ok := f.adv[g]
	if !ok {
		a = float64(f.font.HorizontalAdvance(gofont.GID(g)))
		f.adv[g] = a
	}
	return a
}

// advance is r's width at font size 1, or -1 when the font has no glyph.
func (f *face) advance(r rune) float64 {
	g, ok := f.glyphOf(r)
	if !ok {
		return -1
	}
	return f.glyphAdvance(g) / f.upem
}

// fonts are the faces of one PDF, parsed on first use. Not safe for
// concurrent use (one per export).
type fonts struct {
	faces map[fontKey]*face
	err   error // the first font that could not be read
	// picked remembers pick's answer for the first characters, per
	// (mono, bold, italic): the key's code+1, 0 not asked, 255 none.
	picked [8][quickRunes]uint8
}

func newFonts() *fonts { return &fonts{faces: map[fontKey]*face{}} }

// face returns the face of k, or of k's family in the regular style when
// the family has no such style.
func (fs *fonts) face(k fontKey) *face {
	if _, ok := fontFile[k]; !ok {
		k = fontKey{fam: k.fam, bold: k.bold}
		if _, ok := fontFile[k]; !ok {
			k = fontKey{fam: k.fam}
		}
	}
	if f, ok := fs.faces[k]; ok {
		return f
	}
	name, data := fontFile[k], []byte(nil)
	switch {
	case k.fam == famMono && k.bold:
		name, data = "GoMono-Bold", gomonobold.TTF
	case k.fam == famMono:
		name, data = "GoMono", gomono.TTF
	default:
		data, _ = fontFiles.ReadFile("fonts/" + name)
		name = name[:len(name)-len(".ttf")]
	}
	f, err := newFace(name, data)
	if err != nil && fs.err == nil {
		fs.err = fmt.Errorf("reading the embedded font %s: %w", name, err)
	}
	fs.faces[k] = f // nil when unreadable: never asked again
	return f
}

// key is the face key k resolves to (see face).
func (fs *fonts) has(k fontKey, r rune) bool {
	f := fs.face(k)
	return f != nil && f.advance(r) >= 0
}

// pick chooses the font that draws r in the wanted style: the wanted
// family's, else the first fallback family that has it, else none (ok
// false).
func (fs *fonts) pick(r rune, mono, bold, italic bool) (fontKey, bool) {
	if r < 0 || r >= quickRunes {
		return fs.pickSlow(r, mono, bold, italic)
	}
	b2i := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	slot := &fs.picked[b2i(mono)<<2|b2i(bold)<<1|b2i(italic)][r]
	if *slot == 0 {
		k, ok := fs.pickSlow(r, mono, bold, italic)
		*slot = 255
		if ok {
			*slot = uint8(k.fam)<<2 | uint8(b2i(k.bold))<<1 | uint8(b2i(k.italic)) + 1
		}
	}
	if *slot == 255 {
		return fontKey{}, false
	}
	v := *slot - 1
	return fontKey{family(v >> 2), v&2 != 0, v&1 != 0}, true
}

func (fs *fonts) pickSlow(r rune, mono, bold, italic bool) (fontKey, bool) {
	want := fontKey{famSans, bold, italic}
	if mono {
		want = fontKey{famMono, bold, false}
	}
	if fs.has(want, r) {
		return want, true
	}
	if mono {
		if k := (fontKey{famSans, bold, false}); fs.has(k, r) {
			return k, true
		}
	}
	for _, fam := range fallbacks {
		if k := (fontKey{fam, bold, false}); fs.has(k, r) {
			return k, true
		}
	}
	return fontKey{}, false
}

// width is the width of s in font k at size (unshaped).
func (fs *fonts) width(k fontKey, s string, size float64) float64 {
	f := fs.face(k)
	w := 0.0
	for _, r := range s {
		if a := f.advance(r); a > 0 {
			w += a
		}
	}
	return w * size
}
