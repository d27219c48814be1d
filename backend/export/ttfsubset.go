package export

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// A TrueType subsetter for the PDF writer. The subset keeps every glyph
// id where it was (the PDF names glyphs by id, CIDToGIDMap Identity) but
// empties every glyph the document does not use, so the embedded file
// holds only the outlines it needs; the tables a PDF viewer needs to draw
// glyphs (head, hhea, maxp, hmtx, loca, glyf and the hinting programs) are
// kept, the rest (cmap, layout, names) left out.

// sfntTables reads a TrueType file's table directory.
func sfntTables(data []byte) (map[string][]byte, error) {
	if len(data) < 12 {
		return nil, errors.New("not a TrueType font: too short")
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	out := map[string][]byte{}
	for i := range n {
		rec := 12 + 16*i
		if rec+16 > len(data) {
			return nil, errors.New("not a TrueType font: truncated table directory")
		}
		tag := string(data[rec : rec+4])
		off := int(binary.BigEndian.Uint32(data[rec+8:]))
		size := int(binary.BigEndian.Uint32(data[rec+12:]))
		if off < 0 || size < 0 || off+size > len(data) {
			return nil, fmt.Errorf("not a TrueType font: table %q out of bounds", tag)
		}
		out[tag] = data[off : off+size]
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf"} {
		if out[t] == nil {
			return nil, fmt.Errorf("not a TrueType font with outlines: no %q table", t)
		}
	}
	return out, nil
}

// glyphData returns glyph gid's bytes from glyf, using loca.
func glyphData(t map[string][]byte, gid int) []byte {
	loca, glyf := t["loca"], t["glyf"]
	var a, b int
	if binary.BigEndian.Uint16(t["head"][50:]) == 0 {
		if 2*gid+4 > len(loca) {
			return nil
		}
		a = 2 * int(binary.BigEndian.Uint16(loca[2*gid:]))
		b = 2 * int(binary.BigEndian.Uint16(loca[2*gid+2:]))
	} else {
		if 4*gid+8 > len(loca) {
			return nil
		}
		a = int(binary.BigEndian.Uint32(loca[4*gid:]))
		b = int(binary.BigEndian.Uint32(loca[4*gid+4:]))
	}
	if a >= b || b > len(glyf) {
		return nil
	}
	return glyf[a:b]
}

// components are the glyph ids a composite glyph is built from.
func components(g []byte) []int {
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil
	}
	var out []int
	for p := 10; p+4 <= len(g); {
		flags := binary.BigEndian.Uint16(g[p:])
		out = append(out, int(binary.BigEndian.Uint16(g[p+2:])))
		p += 4
		if flags&0x0001 != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&0x0008 != 0:
			p += 2
		case flags&0x0040 != 0:
			p += 4
		case flags&0x0080 != 0:
			p += 8
		}
		if flags&0x0020 == 0 {
			break
		}
	}
	return out
}

// subsetTTF returns a TrueType file that draws the glyphs in used (and
// the glyphs they are composed of) exactly as data does, and no others.
func subsetTTF(data []byte, used map[uint16]bool) ([]byte, error) {
	t, err := sfntTables(data)
	if err != nil {
		return nil, err
	}
	numGlyphs := int(binary.BigEndian.Uint16(t["maxp"][4:]))
	keep := make([]bool, numGlyphs)
	stack := []int{0}
	for g := range used {
		stack = append(stack, int(g))
	}
	for len(stack) > 0 {
		g := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if g >= numGlyphs || keep[g] {
			continue
		}
		keep[g] = true
		stack = append(stack, components(glyphData(t, g))...)
	}
	var glyf []byte
	loca := make([]byte, 4*(numGlyphs+1))
	hmtxIn := t["hmtx"]
	nhm := int(binary.BigEndian.Uint16(t["hhea"][34:]))
	hmtx := make([]byte, 4*numGlyphs)
	for g := range numGlyphs {
		binary.BigEndian.PutUint32(loca[4*g:], uint32(len(glyf)))
		if !keep[g] {
			continue
		}
		glyf = append(glyf, glyphData(t, g)...)
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		if nhm > 0 && 4*nhm <= len(hmtxIn) {
			copy(hmtx[4*g:4*g+2], hmtxIn[4*min(g, nhm-1):])
			if lsb := 4*nhm + 2*(g-nhm); g < nhm {
				copy(hmtx[4*g+2:4*g+4], hmtxIn[4*g+2:])
			} else if lsb+2 <= len(hmtxIn) {
				copy(hmtx[4*g+2:4*g+4], hmtxIn[lsb:])
			}
		}
	}
	binary.BigEndian.PutUint32(loca[4*numGlyphs:], uint32(len(glyf)))
	head := append([]byte(nil), t["head"]...)
	binary.BigEndian.PutUint16(head[50:], 1) // long loca offsets
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment, set below
	hhea := append([]byte(nil), t["hhea"]...)
	binary.BigEndian.PutUint16(hhea[34:], uint16(numGlyphs))
	out := map[string][]byte{"head": head, "hhea": hhea, "maxp": t["maxp"], "hmtx": hmtx, "loca": loca, "glyf": glyf}
	for _, k := range []string{"cvt ", "fpgm", "prep"} {
		if t[k] != nil {
			out[k] = t[k]
		}
	}
	return writeSFNT(out), nil
}

// writeSFNT writes tables as a TrueType file, with checksums.
func writeSFNT(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for k := range tables {
		tags = append(tags, k)
	}
	sort.Strings(tags)
	n := len(tags)
	es := 0
	for 1<<(es+1) <= n {
		es++
	}
	buf := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(buf, 0x00010000)
	binary.BigEndian.PutUint16(buf[4:], uint16(n))
	binary.BigEndian.PutUint16(buf[6:], uint16(16<<es))
	binary.BigEndian.PutUint16(buf[8:], uint16(es))
	binary.BigEndian.PutUint16(buf[10:], uint16(16*n-16<<es))
	headAt := 0
	for i, tag := range tags {
		d := tables[tag]
		rec := 12 + 16*i
		copy(buf[rec:], tag)
		binary.BigEndian.PutUint32(buf[rec+4:], checksum(d))
		binary.BigEndian.PutUint32(buf[rec+8:], uint32(len(buf)))
		binary.BigEndian.PutUint32(buf[rec+12:], uint32(len(d)))
		if tag == "head" {
			headAt = len(buf)
		}
		buf = append(buf, d...)
		for len(buf)%4 != 0 {
			buf = append(buf, 0)
		}
	}
	binary.BigEndian.PutUint32(buf[headAt+8:], 0xB1B0AFBA-checksum(buf))
	return buf
}

func checksum(b []byte) uint32 {
	var s uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		s += binary.BigEndian.Uint32(w[:])
	}
	return s
}
