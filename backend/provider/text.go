package provider

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Text is a JSON string field that may hold a whole report. It decodes to
// what a string field decodes to, but into one allocation of the text's
// size: encoding/json unescapes a string into a buffer and then copies
// that into the string, two copies of a report where one will do.
type Text string

// textPiece is about how much escaped text is unescaped at a time.
const textPiece = 32 << 10

// UnmarshalJSON decodes a JSON string (null leaves t as it is; any other
// value is the error a string field gives).
func (t *Text) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' {
		if string(b) == "null" {
			return nil
		}
		var s string
		return json.Unmarshal(b, &s)
	}
	b = b[1 : len(b)-1]
	if bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) {
		*t = Text(b)
		return nil
	}
	var out strings.Builder
	out.Grow(len(b))
	piece := make([]byte, 0, textPiece+16)
	for len(b) > 0 {
		n := cutEscaped(b, textPiece)
		piece = append(append(append(piece[:0], '"'), b[:n]...), '"')
		var s string
		if err := json.Unmarshal(piece, &s); err != nil {
			return err
		}
		out.WriteString(s)
		b = b[n:]
	}
	*t = Text(out.String())
	return nil
}

// cutEscaped returns where to end the first piece of the escaped JSON
// string text b (without its quotes): at least size bytes in when b is
// longer, never inside an escape sequence or a character, and never
// before a backslash (which could start the second half of a surrogate
// pair), so every piece unescapes as it does within the whole.
func cutEscaped(b []byte, size int) int {
	i := 0
	for i < len(b) {
		if i >= size && b[i] != '\\' && utf8.RuneStart(b[i]) {
			return i
		}
		if b[i] == '\\' && i+1 < len(b) && b[i+1] == 'u' {
			i += 6
		} else if b[i] == '\\' {
			i += 2
		} else {
			i++
		}
	}
	return len(b)
}
