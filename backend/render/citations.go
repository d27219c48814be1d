package render

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

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

// prepared is a report ready to be spelled out: its text, the markers
// placed in it (edits, in text order), what each marker stands for, and
// the Sources list.
type prepared struct {
	body    string // the text the markers are placed in (see placeMarkers)
	edits   []edit
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
	body, edits, markers := placeMarkers(body, cites)
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
	return prepared{body: body, edits: edits, markers: markers, sources: sources}
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
		if n, ok := byURL[normURL(c.URL)]; !ok || c.Index < n {
			byURL[normURL(c.URL)] = c.Index
		}
		highest = max(highest, c.Index)
	}
	order := make([]job.Citation, len(cs))
	copy(order, cs)
	sort.SliceStable(order, func(i, j int) bool { return order[i].Start < order[j].Start })
	for _, c := range order {
		if _, ok := byURL[normURL(c.URL)]; !ok {
			highest++
			byURL[normURL(c.URL)] = highest
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
		c.Index = rank[byURL[normURL(c.URL)]]
		out[i] = c
	}
	return out
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
// slash, a fragment, and utm_* tracking parameters (which the provider
// adds to links): one source, however it is spelled.
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
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}
