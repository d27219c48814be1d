package export

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

// pdfText extracts the text of a PDF written by gopdf: Type0 fonts with
// Identity-H encoding and a ToUnicode CMap each. Every text-showing
// operation becomes one chunk; chunks are joined by spaces. It is a test
// helper, not a general PDF reader.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	objRe := regexp.MustCompile(`(?s)(\d+) 0 obj(.*?)endobj`)
	objs := map[string][]byte{}
	for _, m := range objRe.FindAllSubmatch(pdf, -1) {
		objs[string(m[1])] = m[2]
	}
	stream := func(body []byte) []byte {
		i := bytes.Index(body, []byte("stream"))
		j := bytes.LastIndex(body, []byte("endstream"))
		if i < 0 || j < i {
			return nil
		}
		raw := bytes.Trim(body[i+len("stream"):j], "\r\n")
		if bytes.Contains(body[:i], []byte("FlateDecode")) {
			r, err := zlib.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("inflating a stream: %v", err)
			}
			out, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("inflating a stream: %v", err)
			}
			return out
		}
		return raw
	}
	// Font resource name -> glyph code -> text.
	cmaps := map[string]map[string]string{}
	resRe := regexp.MustCompile(`/(F\d+) (\d+) 0 R`)
	uniRe := regexp.MustCompile(`/ToUnicode (\d+) 0 R`)
	rangeRe := regexp.MustCompile(`<([0-9A-Fa-f]+)><([0-9A-Fa-f]+)><([0-9A-Fa-f]+)>`)
	for _, body := range objs {
		for _, m := range resRe.FindAllSubmatch(body, -1) {
			u := uniRe.FindSubmatch(objs[string(m[2])])
			if u == nil {
				continue
			}
			cm := map[string]string{}
			for _, r := range rangeRe.FindAllSubmatch(stream(objs[string(u[1])]), -1) {
				if !bytes.Equal(r[1], r[2]) {
					t.Fatalf("bfrange %s-%s: only single-code ranges are expected", r[1], r[2])
				}
				cm[strings.ToUpper(string(r[1]))] = utf16Hex(t, string(r[3]))
			}
			cmaps[string(m[1])] = cm
		}
	}
	// Content streams: pages' /Contents.
	contRe := regexp.MustCompile(`/Contents\s+(\d+) 0 R`)
	opRe := regexp.MustCompile(`/(F\d+) [0-9.]+ Tf|<([0-9A-Fa-f]*)>`)
	var pages []int
	for id, body := range objs {
		if bytes.Contains(body, []byte("/Type /Page\n")) {
			n, _ := strconv.Atoi(id)
			pages = append(pages, n)
		}
	}
	sort.Ints(pages)
	var chunks []string
	for _, id := range pages {
		body := objs[strconv.Itoa(id)]
		c := contRe.FindSubmatch(body)
		if c == nil {
			continue
		}
		font := ""
		for _, m := range opRe.FindAllSubmatch(stream(objs[string(c[1])]), -1) {
			if m[1] != nil {
				font = string(m[1])
				continue
			}
			var b strings.Builder
			code := strings.ToUpper(string(m[2]))
			for i := 0; i+4 <= len(code); i += 4 {
				s, ok := cmaps[font][code[i:i+4]]
				if !ok {
					t.Fatalf("glyph %s of font %s has no ToUnicode entry", code[i:i+4], font)
				}
				b.WriteString(s)
			}
			chunks = append(chunks, b.String())
		}
	}
	return strings.Join(chunks, " ")
}

func utf16Hex(t *testing.T, h string) string {
	b, err := hex.DecodeString(h)
	if err != nil || len(b)%2 != 0 {
		t.Fatalf("bad ToUnicode value %q", h)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}
