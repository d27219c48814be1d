package render

import (
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
)

// Markers are placed by byte offsets into the report text, which is never
// copied to place them (a report can be tens of megabytes): a marker is an
// edit of the text, and the text is spelled out edit by edit, straight
// into the writer that receives it.

// edit is one marker placed in the text: body[at:end] is replaced by the
// marker (at == end: it is inserted). seq orders edits made at one place.
type edit struct {
	at, end int
	marker  int // index into prepared.markers
	seq     int
}

// placeMarkers places a marker for each citation with valid offsets (rune
// indexes into markdown), working from the last offset to the first. It
// returns the text the edits point into: markdown itself, unless it holds
// invalid UTF-8 or a placeholder character, which become U+FFFD (keeping
// every rune offset, so a report cannot forge a placeholder); the edits in
// text order; and the markers they refer to.
func placeMarkers(markdown string, cites []job.Citation) (string, []edit, []marker) {
	text := sanitize(markdown)
	runes := utf8.RuneCountInString(text)
	type span struct {
		start, end int // runes
		c          job.Citation
	}
	var spans []span
	dup := map[[2]int]map[string]bool{}
	for _, c := range cites {
		if c.Start < 0 || c.End < c.Start || c.End > runes {
			continue
		}
		k := [2]int{c.Start, c.End}
		if dup[k][c.URL] {
			continue // the same source cited twice for one span
		}
		if dup[k] == nil {
			dup[k] = map[string]bool{}
		}
		dup[k][c.URL] = true
		spans = append(spans, span{c.Start, c.End, c})
	}
	// Last first; for one span, the higher number first, so that after all
	// insertions the markers read [1][2].
	sort.SliceStable(spans, func(i, j int) bool {
		a, b := spans[i], spans[j]
		if a.start != b.start {
			return a.start > b.start
		}
		if a.end != b.end {
			return a.end > b.end
		}
		return a.c.Index > b.c.Index
	})
	offsets := make([]int, 0, 2*len(spans))
	for _, s := range spans {
		offsets = append(offsets, s.start, s.end)
	}
	at := byteOffsets(text, runes, offsets)

	// Edits are collected in original coordinates and applied at the end.
	var edits []edit
	var markers []marker
	// outside moves p out of an earlier replacement that covers it.
	outside := func(p int) int {
		for _, e := range edits {
			if e.at < p && p < e.end {
				return e.at
			}
		}
		return p
	}
	for i, s := range spans {
		start, end := at[2*i], at[2*i+1]
		k := len(markers)
		markers = append(markers, marker{num: s.c.Index, url: s.c.URL})

		// Trim the span's surrounding whitespace: a marker never starts a
		// line (which could change the block it belongs to).
		ts, te := outside(start), outside(end)
		for ts < te {
			r, n := utf8.DecodeRuneInString(text[ts:])
			if !unicode.IsSpace(r) {
				break
			}
			ts += n
		}
		te = trimSpaceBefore(text, te, ts)
		// The span may be replaced only if no earlier edit touches it.
		clean := outside(end) == end
		floor := 0
		for _, e := range edits {
			if (e.at < te && e.end > ts) || (e.at > ts && e.at < te) {
				clean = false
			}
			if e.end <= ts {
				floor = max(floor, e.end)
			}
		}
		if clean && isLinkTo(text[ts:te], s.c.URL) {
			// Replace the link, and the blanks before it on the same line.
			for ts > floor && (text[ts-1] == ' ' || text[ts-1] == '\t') {
				ts--
			}
			edits = append(edits, edit{ts, te, k, len(edits)})
			continue
		}
		if te == ts { // an empty span: keep the marker off a line start
			te = outside(trimSpaceBefore(text, te, floor))
		}
		edits = append(edits, edit{te, te, k, len(edits)})
	}

	// Apply in text order; at one position the edit made last goes first,
	// so the markers of one span read [1][2].
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].at != edits[j].at {
			return edits[i].at < edits[j].at
		}
		return edits[i].seq > edits[j].seq
	})
	return text, edits, markers
}

// trimSpaceBefore moves p back over white space, never below floor.
func trimSpaceBefore(text string, p, floor int) int {
	for p > floor {
		r, n := utf8.DecodeLastRuneInString(text[:p])
		if !unicode.IsSpace(r) {
			break
		}
		p -= n
	}
	return p
}

// sanitize returns s with invalid UTF-8 bytes and the placeholder
// characters replaced by U+FFFD, one per byte or character, as a []rune
// conversion does; s itself when there is nothing to replace.
func sanitize(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, markOpen) && !strings.ContainsRune(s, markClose) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for _, r := range s {
		if r == markOpen || r == markClose {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

// byteOffsets converts rune offsets into valid UTF-8 text (of runes runes,
// each offset at most that) to byte offsets, in one pass over the text.
func byteOffsets(text string, runes int, offsets []int) []int {
	out := make([]int, len(offsets))
	if runes == len(text) { // ASCII: the same
		copy(out, offsets)
		return out
	}
	order := make([]int, len(offsets))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return offsets[order[a]] < offsets[order[b]] })
	r, b := 0, 0
	for _, i := range order {
		for r < offsets[i] {
			_, n := utf8.DecodeRuneInString(text[b:])
			b += n
			r++
		}
		out[i] = b
	}
	return out
}

// text is the body with each marker as its placeholder, markOpen + its
// index + markClose (what HTML renders and spells afterwards).
func (p prepared) text() string {
	var b strings.Builder
	b.Grow(len(p.body) + 8*len(p.edits))
	_, _ = p.spellTo(&b, func(k int) string { return string(markOpen) + strconv.Itoa(k) + string(markClose) }, false)
	return b.String()
}

// spellTo writes the body with every marker spelled by f (given the
// marker's index) and, when trim is set, without the blanks (" \t\r\n")
// the result would end with. It reports whether it wrote anything.
func (p prepared) spellTo(w io.Writer, f func(k int) string, trim bool) (bool, error) {
	wrote := false
	write := func(s string) error {
		if s == "" {
			return nil
		}
		wrote = true
		_, err := io.WriteString(w, s)
		return err
	}
	cur := 0
	for _, e := range p.edits {
		at := max(e.at, cur)
		if err := write(p.body[cur:at]); err != nil {
			return wrote, err
		}
		if err := write(f(e.marker)); err != nil {
			return wrote, err
		}
		cur = max(cur, at, e.end)
	}
	rest := p.body[cur:]
	if trim {
		rest = strings.TrimRight(rest, " \t\r\n")
	}
	return wrote || rest != "", write(rest)
}
