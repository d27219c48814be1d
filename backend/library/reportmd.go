package library

// Reading report.md as older mirrors wrote it.

import "strings"

// reportBody recovers the report text from a report.md written before
// metadata.json carried it: the header the mirror puts before it ("# title",
// "- Job: ..." lines, "---") and the "## Sources" list it appended (only
// numbered entries after it) are removed. A report.md without that header
// (written by hand or by another tool) is taken whole.
func reportBody(md string) string {
	if !strings.HasPrefix(md, "# ") {
		return md
	}
	i := strings.Index(md, "\n\n---\n\n")
	if i < 0 || !isMirrorHeader(md[:i]) {
		return md
	}
	md = md[i+len("\n\n---\n\n"):]
	if k := strings.LastIndex(md, "\n## Sources\n\n"); k >= 0 && onlyNumbered(md[k+len("\n## Sources\n\n"):]) {
		md = md[:k]
	}
	return strings.TrimSuffix(md, "\n")
}

// onlyNumbered reports whether every non-empty line of s is a numbered
// list entry ("3. ...").
func onlyNumbered(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l == "" {
			continue
		}
		n, _, ok := strings.Cut(l, ". ")
		if !ok || n == "" || strings.Trim(n, "0123456789") != "" {
			return false
		}
	}
	return true
}

// isMirrorHeader reports whether h is "# title" followed by a blank line
// and "- Key: value" lines, as mirror writes.
func isMirrorHeader(h string) bool {
	lines := strings.Split(h, "\n")
	if len(lines) < 3 || lines[1] != "" {
		return false
	}
	for _, l := range lines[2:] {
		if k, _, ok := strings.Cut(l, ": "); !ok || !strings.HasPrefix(k, "- ") {
			return false
		}
	}
	return true
}
