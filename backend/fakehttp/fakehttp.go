// Package fakehttp holds what Deepr's fake provider servers share: JSON
// answers, cut connections, prompt markers ([[fake:NAME]]) and the sample
// reports with cited spans, so every fake serves the same research in its
// own provider's wire format.
package fakehttp

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// WriteJSON writes v as a JSON answer with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_fake")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Drop closes the connection without a complete answer. With partial
// non-empty, it first sends a 200 header promising more body than it
// writes, so the client sees the answer cut off (and cannot transparently
// retry it); with partial empty, nothing at all is answered, as when a
// connection is reset.
func Drop(w http.ResponseWriter, partial string) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // net/http closes the connection
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	if partial != "" {
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
			len(partial)+4096, partial)
		_ = buf.Flush()
	}
}

var markerRe = regexp.MustCompile(`\[\[fake:([a-z0-9-]+)\]\]`)

// Markers returns the set of marker names in prompt: "[[fake:fail]]"
// gives {"fail": true}.
func Markers(prompt string) map[string]bool {
	m := map[string]bool{}
	for _, sub := range markerRe.FindAllStringSubmatch(prompt, -1) {
		m[sub[1]] = true
	}
	return m
}

// Topic is the prompt's first line without markers, cut to 80 characters
// ("Research report" when nothing is left).
func Topic(prompt string) string {
	t := strings.TrimSpace(markerRe.ReplaceAllString(prompt, ""))
	if i := strings.IndexAny(t, "\r\n"); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	if r := []rune(t); len(r) > 80 {
		t = string(r[:80])
	}
	if t == "" {
		t = "Research report"
	}
	return t
}

// Piece is a run of report text; a piece with a URL is cited.
type Piece struct{ Text, URL, Title string }

// Span is one cited piece's place in the joined text, end exclusive.
type Span struct {
	Start, End int
	URL, Title string
}

// Join concatenates pieces and returns the spans of the cited ones, in
// CHARACTER (rune) offsets, or in bytes when inBytes (as Gemini reports).
func Join(pieces []Piece, inBytes bool) (string, []Span) {
	var b strings.Builder
	var spans []Span
	pos := 0
	for _, p := range pieces {
		n := utf8.RuneCountInString(p.Text)
		if inBytes {
			n = len(p.Text)
		}
		if p.URL != "" {
			spans = append(spans, Span{Start: pos, End: pos + n, URL: p.URL, Title: p.Title})
		}
		b.WriteString(p.Text)
		pos += n
	}
	return b.String(), spans
}

// Report is the sample research for a prompt's markers, as one or more
// content parts: "hostile" gives script and javascript: payloads, "unicode"
// gives é, 中文 and emoji before and inside cited spans over two parts,
// [[fake:bytes-N]] a report of about N bytes (Big), anything else a plain
// three-source report on topic.
func Report(topic string, marks map[string]bool) [][]Piece {
	switch {
	case Size(marks) > 0:
		return Big(topic, Size(marks))
	case marks["hostile"]:
		return [][]Piece{{
			{Text: "# Hostile report\n\n<script>window.__pwned=1</script>\n\n" +
				"<img src=x onerror=\"window.__pwned=1\">\n\n" +
				"Click [x](javascript:window.__pwned=1) for more.\n\n" +
				"<iframe src=\"https://evil.example\"></iframe>\n\n" +
				"One claim comes from a "},
			{Text: "bad source", URL: "javascript:window.__pwned=1", Title: "<b onmouseover=\"window.__pwned=1\">bad</b>"},
			{Text: " and another from a "},
			{Text: "good source", URL: "https://example.com/good", Title: "A good source"},
			{Text: ".\n"},
		}}
	case marks["unicode"]:
		return [][]Piece{
			{
				{Text: "# Énergie 中文 report 🚀\n\nCafé société: 中文研究显示 🌞 solar output "},
				{Text: "doubled in 2025", URL: "https://例え.example/solar", Title: "太陽光 – Solar"},
				{Text: ". 👍🏽 Über-naïve "},
				{Text: "wind followed", URL: "https://example.com/wind", Title: "Wind ✓"},
				{Text: ".\n\n"},
			},
			{
				{Text: "## 第二部分 🎉\n\nAgain, "},
				{Text: "solar doubled", URL: "https://例え.example/solar", Title: "太陽光 – Solar"},
				{Text: " — résumé ✅.\n"},
			},
		}
	}
	return [][]Piece{{
		{Text: "# " + topic + "\n\n## Summary\n\nThis fake report answers the question from three sources. " +
			"Global solar capacity "},
		{Text: "grew by about a third in 2025", URL: "https://www.iea.org/reports/renewables-2025", Title: "Renewables 2025 – IEA"},
		{Text: ".\n\n## Findings\n\n- Renewables supplied a record share of new power capacity.\n- "},
		{Text: "Wind additions were led by China", URL: "https://en.wikipedia.org/wiki/Wind_power", Title: "Wind power - Wikipedia"},
		{Text: ".\n- "},
		{Text: "Battery storage costs kept falling", URL: "https://ourworldindata.org/battery-price-decline", Title: "Battery prices – Our World in Data"},
		{Text: ".\n\n## Uncertainty\n\nFigures for the latest year are preliminary and may be revised.\n"},
	}}
}

// Partial is the sample text of a run stopped early.
func Partial(topic string) []Piece {
	return []Piece{
		{Text: "# " + topic + "\n\n## Summary\n\nThe research stopped early. So far: solar "},
		{Text: "capacity grew quickly", URL: "https://www.iea.org/reports/renewables-2025", Title: "Renewables 2025 – IEA"},
		{Text: " and the section on"},
	}
}
