package provider

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// Text decodes every JSON string to what a string field decodes it to,
// also when its escapes, surrogate pairs and multi-byte or invalid
// characters fall where the text is cut into pieces.
func TestTextDecodesAsAString(t *testing.T) {
	atoms := []string{"a", "word ", `\n`, `\"`, `\\`, `\/`, `\t`, `\u00e9`, `\u4e2d`, `\ud83d\ude80`, `\ud83d`, `\ude80`, `\ud83dx`,
		`\u2028`, "é", "中文", "🚀", "\xff", "\xe2\x82", "<&>"}
	r := rand.New(rand.NewPCG(1, 2))
	cases := []string{`""`, `"plain"`, `"caf\u00e9"`, "\"bad \xff byte\"", `null`}
	for range 60 {
		var b strings.Builder
		b.WriteByte('"')
		for b.Len() < 3*textPiece+r.IntN(textPiece) {
			b.WriteString(atoms[r.IntN(len(atoms))])
		}
		b.WriteByte('"')
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		var want string
		if err := json.Unmarshal([]byte(c), &want); err != nil {
			t.Fatalf("the test's JSON %.40q does not decode: %v", c, err)
		}
		var got struct{ T Text }
		if err := json.Unmarshal([]byte(`{"T":`+c+`}`), &got); err != nil {
			t.Fatalf("Text of %.40q: %v", c, err)
		}
		if string(got.T) != want {
			t.Errorf("Text of %.60q... (%d bytes) differs from a string's decoding", c, len(c))
		}
	}
	var n struct{ T Text }
	if err := json.Unmarshal([]byte(`{"T": 12}`), &n); err == nil {
		t.Error("a number decoded into Text without an error")
	}
}
