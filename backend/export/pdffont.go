package export

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"unicode/utf16"
)

// font writes an embedded font as five objects from n: the Type0 font,
// its CIDFontType2 descendant, the font descriptor, the subset font file
// and the ToUnicode map.
func (o *pdfOut) font(n int, f *pdfFont) error {
	fc := f.face
	gids := make([]int, 0, len(f.used))
	for g := range f.used {
		gids = append(gids, int(g))
	}
	sort.Ints(gids)
	sub, err := subsetTTF(fc.data, f.used)
	if err != nil {
		return fmt.Errorf("subsetting the %s font: %w", fc.name, err)
	}
	// The subset's tag: six capitals from a hash of the glyphs it holds.
	h := fnv.New32a()
	for _, g := range gids {
		_ = binary.Write(h, binary.BigEndian, uint16(g))
	}
	sum := h.Sum32()
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + byte(sum%26)
		sum /= 26
	}
	name := string(tag) + "+" + fc.name
	scale := 1000 / fc.upem
	var widths strings.Builder
	for _, g := range gids {
		fmt.Fprintf(&widths, "%d [%d] ", g, int(fc.glyphAdvance(uint16(g))*scale+0.5))
	}
	o.obj(n, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", name, n+1, n+4))
	o.obj(n+1, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW 0 /W [%s] >>",
		name, n+2, widths.String()))
	b := fc.bbox
	o.obj(n+2, fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [%d %d %d %d] /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 %d 0 R >>",
		name, int(b[0]*scale), int(b[1]*scale), int(b[2]*scale), int(b[3]*scale), int(fc.ascent*scale), int(fc.descent*scale), int(fc.ascent*scale), n+3))
	o.stream(n+3, fmt.Sprintf("/Filter /FlateDecode /Length1 %d", len(sub)), deflate(sub))
	o.stream(n+4, "/Filter /FlateDecode", deflate([]byte(toUnicodeCMap(f.toUni))))
	return nil
}

func deflate(b []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return z.Bytes()
}

// toUnicodeCMap maps each glyph id to the text it stands for (UTF-16BE,
// so characters beyond the BMP and ligatures of several characters too).
func toUnicodeCMap(m map[uint16]string) string {
	gids := make([]int, 0, len(m))
	for g, s := range m {
		if s != "" {
			gids = append(gids, int(g))
		}
	}
	sort.Ints(gids)
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for len(gids) > 0 {
		chunk := gids[:min(100, len(gids))]
		gids = gids[len(chunk):]
		fmt.Fprintf(&b, "%d beginbfchar\n", len(chunk))
		for _, g := range chunk {
			fmt.Fprintf(&b, "<%04X> <", g)
			for _, u := range utf16.Encode([]rune(m[uint16(g)])) {
				fmt.Fprintf(&b, "%04X", u)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.String()
}
