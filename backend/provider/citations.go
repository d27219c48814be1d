package provider

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
)

// NumberCitations orders cites by Start (stably) and sets each Index: URLs
// are numbered 1, 2, ... by first appearance, and every citation of one URL
// shares its number, as job.Citation requires.
func NumberCitations(cites []job.Citation) {
	sort.SliceStable(cites, func(i, j int) bool { return cites[i].Start < cites[j].Start })
	index := map[string]int{}
	for i := range cites {
		n, ok := index[cites[i].URL]
		if !ok {
			n = len(index) + 1
			index[cites[i].URL] = n
		}
		cites[i].Index = n
	}
}

// SummaryLimit is the longest progress summary kept, in characters.
const SummaryLimit = 200

// OneLine turns a reasoning summary into a progress line: whitespace
// collapsed, markdown bold markers dropped, cut to SummaryLimit characters.
func OneLine(s string) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "**", "")), " ")
	if utf8.RuneCountInString(s) > SummaryLimit {
		r := []rune(s)
		s = strings.TrimSpace(string(r[:SummaryLimit-1])) + "…"
	}
	return s
}
