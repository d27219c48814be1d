package render

import (
	"regexp"
	"strings"
)

// A provider often ends its report with its own "Sources" or "References"
// list. Deepr appends the list of the cited sources, so without care a
// report would show two. splitOwnSources finds such a trailing list so
// prepare can merge it into the one list.

// ownSource is one entry of the list a provider's text ends with.
type ownSource struct {
	title string
	url   string // "" when the entry names no URL
}

var (
	// sourcesHeading matches a heading that names a list of sources: an
	// ATX heading, a bold line, or the word alone (optionally with a colon).
	sourcesHeading = regexp.MustCompile(`(?i)^ {0,3}(?:#{1,6}[ \t]+)?(?:\*\*|__)?[ \t]*(?:sources|references|bibliography|citations|works cited|reference list|source list|sources cited)[ \t]*:?[ \t]*(?:\*\*|__)?[ \t]*:?[ \t]*#*[ \t]*$`)
	// setextLine is the underline of a setext heading.
	setextLine = regexp.MustCompile(`^ {0,3}(?:=+|-+)[ \t]*$`)
	// ownItem is one entry: a bullet, a number, "[n]" or a reference
	// definition "[n]:". Group 1 is the entry's text.
	ownItem = regexp.MustCompile(`^ {0,3}(?:[-*+]|\d{1,4}[.)]|\[\d{1,4}\]:?)[ \t]+(.*)$`)
	// linkOnly is a line that is nothing but a link or a URL.
	linkOnly = regexp.MustCompile(`^ {0,3}(?:\[[^\[\]]*\]\([^()\s]+(?:[ \t]+"[^"]*")?\)|<?https?://\S+?>?)[ \t]*$`)
	mdLink   = regexp.MustCompile(`\[([^\[\]]*)\]\(\s*<?([^\s<>()]+)>?(?:\s+"[^"]*")?\s*\)`)
	bareURL  = regexp.MustCompile(`https?://[^\s<>()\[\]"']+`)
)

// splitOwnSources returns markdown without a list of sources it ends with
// (the heading, its entries and what follows them) and that list's
// entries. When the text does not end with such a list it comes back
// whole, with no entries. The text returned is always a prefix of
// markdown, so citation offsets into it stay valid. Lines are read from
// the end, only as far as the list goes.
func splitOwnSources(markdown string) (string, []ownSource) {
	var items []ownSource // last entry first
	var cont []string     // continuation lines of the entry above, last first
	for end := len(markdown); end >= 0; {
		start := strings.LastIndexByte(markdown[:end], '\n') + 1
		line := markdown[start:end]
		prev := func() (string, bool) { // the line before this one
			if start == 0 {
				return "", false
			}
			return markdown[strings.LastIndexByte(markdown[:start-1], '\n')+1 : start-1], true
		}
		end = start - 1
		l := strings.TrimRight(line, " \t\r")
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if h, ok := sourcesHeadingAt(l, prev); ok {
			if len(items) == 0 || len(cont) > 0 {
				return markdown, nil
			}
			body := strings.TrimRight(markdown[:start], " \t\r\n")
			if h == 1 {
				p, _ := prev()
				body = strings.TrimRight(markdown[:start-1-len(p)], " \t\r\n")
			}
			for a, b := 0, len(items)-1; a < b; a, b = a+1, b-1 {
				items[a], items[b] = items[b], items[a]
			}
			return body, items
		}
		if m := ownItem.FindStringSubmatch(l); m != nil {
			items = append(items, parseOwn(joinCont(m[1], cont)))
			cont = nil
			continue
		}
		if linkOnly.MatchString(l) && len(cont) == 0 {
			items = append(items, parseOwn(t))
			continue
		}
		if l != t && (strings.HasPrefix(l, "  ") || strings.HasPrefix(l, "\t")) {
			cont = append(cont, t) // an indented continuation of an entry
			continue
		}
		return markdown, nil // prose: the text does not end with a list
	}
	return markdown, nil
}

// sourcesHeadingAt reports whether line l (without its trailing blanks)
// is, or is the underline of, a heading naming a list of sources, and how
// many lines before l the heading starts (0 or 1); prev gives the line
// before l.
func sourcesHeadingAt(l string, prev func() (string, bool)) (int, bool) {
	if sourcesHeading.MatchString(l) {
		return 0, true
	}
	if p, ok := prev(); ok && setextLine.MatchString(l) && sourcesHeading.MatchString(strings.TrimRight(p, " \t\r")) {
		return 1, true
	}
	return 0, false
}

// joinCont appends the continuation lines (last first) to an entry's text.
func joinCont(first string, cont []string) string {
	parts := []string{strings.TrimSpace(first)}
	for k := len(cont) - 1; k >= 0; k-- {
		parts = append(parts, cont[k])
	}
	return strings.Join(parts, " ")
}

// parseOwn reads an entry's title and URL: the first markdown link, else
// the first bare URL; the title is the link text, else the text around
// the URL, else the URL.
func parseOwn(text string) ownSource {
	if m := mdLink.FindStringSubmatch(text); m != nil {
		title := strings.TrimSpace(m[1])
		if title == "" || bareURL.MatchString(title) {
			title = cleanTitle(strings.Replace(text, m[0], "", 1))
		}
		if title == "" {
			title = m[2]
		}
		return ownSource{title: title, url: m[2]}
	}
	if loc := bareURL.FindStringIndex(text); loc != nil {
		u := strings.TrimRight(text[loc[0]:loc[1]], ".,;:")
		end := loc[1]
		for end < len(text) && strings.ContainsRune(".,;:", rune(text[end])) {
			end++
		}
		title := cleanTitle(text[:loc[0]] + " " + text[end:])
		if title == "" {
			title = u
		}
		return ownSource{title: title, url: u}
	}
	return ownSource{title: cleanTitle(text)}
}

// cleanTitle trims the separators left around a removed URL.
func cleanTitle(s string) string {
	return strings.Trim(strings.Join(strings.Fields(s), " "), " -–—:;,.()<>\"'")
}
