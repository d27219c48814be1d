package render

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/deepr-desktop/deepr/backend/job"
)

// Citation numbering, done once for both renderings: prepare numbers the
// citations, places a marker placeholder for each in the text, and builds
// the one Sources list. HTML and Markdown only differ in how they spell a
// marker and the list.

// Markers are carried through the markdown renderer as a private-use
// placeholder, markOpen + marker number + markClose, and spelled out
// afterwards. Any of these characters already in the report is replaced by
// U+FFFD first (which keeps every rune offset), so a report cannot forge one.
const (
	markOpen  = '\uE000'
	markClose = '\uE001'
)

var (
	markerRe = regexp.MustCompile("\uE000([0-9]+)\uE001")
	// linkRe matches a whole inline markdown link: [text](url) or
	// [text](<url> "title"). Group 1 is the destination.
	linkRe = regexp.MustCompile(`^\[[^\[\]]*\]\(\s*<?([^\s<>]+?)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)$`)
)

// prepared is a report ready to be spelled out: the text with marker
// placeholders, what each placeholder stands for, and the Sources list.
type prepared struct {
	text    string
	markers []marker
	sources []job.Citation
}

// prepare numbers the citations of markdown (see HTML for the rules) and,
// when the provider's text already ends with its own list of sources,
// makes ONE list of the two: that trailing list is cut from the text, and
// its entries that no citation names are listed after the cited sources.
// A report without citations keeps its own list as it is.
func prepare(markdown string, citations []job.Citation) prepared {
	cites := numbered(citations)
	sources := Sources(cites)
	body, own := markdown, []ownSource(nil)
	if len(sources) > 0 {
		body, own = splitOwnSources(markdown)
	}
	text, markers := insertMarkers(body, cites)
	if len(own) > 0 {
		next := 0
		seen := map[string]bool{}
		for _, s := range sources {
			next = max(next, s.Index)
			seen[normURL(s.URL)] = true
		}
		for _, o := range own {
			if o.url != "" && seen[normURL(o.url)] {
				continue
			}
			if o.url != "" {
				seen[normURL(o.url)] = true
			}
			next++
			sources = append(sources, job.Citation{Index: next, URL: o.url, Title: o.title, Start: -1, End: -1})
		}
	}
	return prepared{text: text, markers: markers, sources: sources}
}

// spell replaces every marker placeholder of text with f(marker); stray
// placeholder characters are dropped.
func spell(text string, markers []marker, f func(marker) string) string {
	out := markerRe.ReplaceAllStringFunc(text, func(tok string) string {
		k, err := strconv.Atoi(tok[len(string(markOpen)) : len(tok)-len(string(markClose))])
		if err != nil || k < 0 || k >= len(markers) {
			return ""
		}
		return f(markers[k])
	})
	return strings.NewReplacer(string(markOpen), "", string(markClose), "").Replace(out)
}

// Sources returns the citations de-duplicated by Index (the first one seen
// for an Index wins) and sorted by Index. Citations with an Index below 1
// break the job.Citation contract and are left out.
func Sources(citations []job.Citation) []job.Citation {
	seen := make(map[int]bool, len(citations))
	out := make([]job.Citation, 0, len(citations))
	for _, c := range citations {
		if c.Index < 1 || seen[c.Index] {
			continue
		}
		seen[c.Index] = true
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// marker is one citation marker placed in the text.
type marker struct {
	num int
	url string
}

// numbered returns a copy of cs in which every citation of the same URL has
// the same Index, ranked by the lowest valid Index any of them has and
// renumbered densely from 1. URLs cited only with an invalid Index (< 1)
// are numbered after the others, in text order. It is the one place that
// numbers citations.
func numbered(cs []job.Citation) []job.Citation {
	byURL := map[string]int{}
	highest := 0
	for _, c := range cs {
		if c.Index < 1 {
			continue
		}
		if n, ok := byURL[c.URL]; !ok || c.Index < n {
			byURL[c.URL] = c.Index
		}
		highest = max(highest, c.Index)
	}
	order := make([]job.Citation, len(cs))
	copy(order, cs)
	sort.SliceStable(order, func(i, j int) bool { return order[i].Start < order[j].Start })
	for _, c := range order {
		if _, ok := byURL[c.URL]; !ok {
			highest++
			byURL[c.URL] = highest
		}
	}
	// Dense numbers from 1, in the order of the lowest Index: [1] [2] [3],
	// never [1] [3] because a number was shared by a URL cited twice.
	nums := make([]int, 0, len(byURL))
	for _, n := range byURL {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	rank := make(map[int]int, len(nums))
	for _, n := range nums {
		if _, ok := rank[n]; !ok {
			rank[n] = len(rank) + 1
		}
	}
	out := make([]job.Citation, len(cs))
	for i, c := range cs {
		c.Index = rank[byURL[c.URL]]
		out[i] = c
	}
	return out
}

// insertMarkers places a placeholder for each citation with valid offsets,
// working from the last offset to the first so earlier offsets stay valid.
// It returns the new text and the markers its placeholders refer to.
func insertMarkers(markdown string, cites []job.Citation) (string, []marker) {
	rs := []rune(markdown)
	for i, r := range rs {
		if r == markOpen || r == markClose {
			rs[i] = unicode.ReplacementChar
		}
	}
	type span struct {
		start, end int
		c          job.Citation
	}
	var spans []span
	dup := map[[2]int]map[string]bool{}
	for _, c := range cites {
		if c.Start < 0 || c.End < c.Start || c.End > len(rs) {
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

	// Edits are collected in original coordinates and applied at the end.
	type edit struct {
		at, end int // rs[at:end] is replaced (at == end: an insertion)
		text    []rune
		seq     int
	}
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
	for _, s := range spans {
		tok := []rune(string(markOpen) + strconv.Itoa(len(markers)) + string(markClose))
		markers = append(markers, marker{num: s.c.Index, url: s.c.URL})

		// Trim the span's surrounding whitespace: a marker never starts a
		// line (which could change the block it belongs to).
		ts, te := outside(s.start), outside(s.end)
		for ts < te && unicode.IsSpace(rs[ts]) {
			ts++
		}
		for te > ts && unicode.IsSpace(rs[te-1]) {
			te--
		}
		// The span may be replaced only if no earlier edit touches it.
		clean := outside(s.end) == s.end
		floor := 0
		for _, e := range edits {
			if (e.at < te && e.end > ts) || (e.at > ts && e.at < te) {
				clean = false
			}
			if e.end <= ts {
				floor = max(floor, e.end)
			}
		}
		if clean && isLinkTo(string(rs[ts:te]), s.c.URL) {
			// Replace the link, and the blanks before it on the same line.
			for ts > floor && (rs[ts-1] == ' ' || rs[ts-1] == '\t') {
				ts--
			}
			edits = append(edits, edit{ts, te, tok, len(edits)})
			continue
		}
		if te == ts { // an empty span: keep the marker off a line start
			for te > floor && unicode.IsSpace(rs[te-1]) {
				te--
			}
			te = outside(te)
		}
		edits = append(edits, edit{te, te, tok, len(edits)})
	}

	// Apply in text order; at one position the edit made last goes first,
	// so the markers of one span read [1][2].
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].at != edits[j].at {
			return edits[i].at < edits[j].at
		}
		return edits[i].seq > edits[j].seq
	})
	out := make([]rune, 0, len(rs)+len(edits)*6)
	cur := 0
	for _, e := range edits {
		at := max(e.at, cur)
		out = append(out, rs[cur:at]...)
		out = append(out, e.text...)
		cur = max(cur, at, e.end)
	}
	out = append(out, rs[cur:]...)
	return string(out), markers
}

// isLinkTo reports whether s is an inline markdown link, optionally wrapped
// in parentheses, whose destination is the same URL as u.
func isLinkTo(s, u string) bool {
	try := func(s string) bool {
		m := linkRe.FindStringSubmatch(s)
		return m != nil && sameURL(m[1], u)
	}
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") && try(s[1:len(s)-1]) {
		return true
	}
	return try(s)
}

// sameURL compares two URLs ignoring case in scheme and host, a trailing
// slash, and utm_* tracking parameters (which the provider adds to links).
func sameURL(a, b string) bool {
	return normURL(a) == normURL(b)
}

func normURL(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(strings.ToLower(k), "utm_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u.String()
}
