package cli

// What the CLI prints that it did not write itself (ids, titles, models,
// provider messages, reports from the web, files a user imported) passes
// through one rule, unsafeRune, so nothing reaches a terminal that it
// would act on (escape sequences, an OSC 52 clipboard write, a bell) or
// that hides or reorders text (bidirectional overrides, zero-width
// characters).

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// unsafeRune reports whether r must not reach a terminal as it is: the C0
// and C1 controls (ESC, BEL, CSI, ...), DEL, the line and paragraph
// separators, and every invisible format character (Unicode Cf:
// bidirectional overrides and isolates, zero-width spaces, tag characters,
// ...) but the zero-width joiner and non-joiner, which emoji and several
// scripts (Persian, Hindi) need. It is the CLI's one rule for text it did
// not write itself: termSafe, safe, the JSON printer and the writer guard
// all apply it.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0, r == 0x2028, r == 0x2029:
		return true
	case r == 0x200c, r == 0x200d:
		return false
	}
	return unicode.Is(unicode.Cf, r)
}

// termSafe makes untrusted text (ids, prompts, provider messages, reports
// from the web) safe to print on a terminal: every unsafeRune becomes a
// visible U+FFFD, and so does every byte that is not UTF-8; new lines and
// tabs are kept (and carriage returns dropped) only when keepLines is true.
func termSafe(s string, keepLines bool) string {
	return strings.Map(func(r rune) rune {
		switch {
		case keepLines && (r == '\n' || r == '\t'):
			return r
		case keepLines && r == '\r':
			return -1
		case unsafeRune(r):
			return '\uFFFD'
		}
		return r
	}, s)
}

// safe is termSafe on one line: for every value from the database that a
// printer puts in a line of its own text (an id, a status, a model).
func safe(s string) string { return termSafe(s, false) }

// jsonSafe escapes, in JSON that encoding/json wrote, every unsafeRune it
// leaves as it is (it escapes the C0 controls and U+2028/U+2029 itself;
// DEL, C1 controls and format characters it writes raw) as \uXXXX (a
// surrogate pair above U+FFFF), so the JSON decodes to the same text and
// holds nothing a terminal acts on. New lines outside strings (the
// indentation) stay.
func jsonSafe(b []byte) []byte {
	if !bytes.ContainsFunc(b, func(r rune) bool { return r != '\n' && unsafeRune(r) }) {
		return b
	}
	out := make([]byte, 0, len(b)+64)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == '\n' || !unsafeRune(r):
			out = append(out, b[:n]...)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			out = appendU(appendU(out, r1), r2)
		default:
			out = appendU(out, r)
		}
		b = b[n:]
	}
	return out
}

func appendU(b []byte, r rune) []byte {
	h := strconv.FormatInt(int64(r), 16)
	return append(append(b, `\u`+strings.Repeat("0", 4-len(h))...), h...)
}

// termWriter is the last guard on stdout and stderr: what passes through
// it is termSafe with its lines kept, whatever printed it (a log line, an
// error a printer did not clean). A UTF-8 sequence cut by the end of a
// Write is held until the next one, or until flush.
type termWriter struct {
	mu   sync.Mutex // the poller's log lines and a command's output come from several goroutines
	w    io.Writer
	tail []byte
}

func (t *termWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := p
	if len(t.tail) > 0 {
		b = append(t.tail, p...)
	}
	cut := len(b)
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				cut = i
			}
			break
		}
	}
	t.tail = append([]byte(nil), b[cut:]...)
	if _, err := io.WriteString(t.w, termSafe(string(b[:cut]), true)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// flush writes what Write held back.
func (t *termWriter) flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.tail) > 0 {
		_, _ = io.WriteString(t.w, termSafe(string(t.tail), true))
		t.tail = nil
	}
}
