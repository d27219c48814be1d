package export

import (
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/render"
)

// markdownDoc is the Markdown export: the header, the prompt as a quote,
// the report with each citation as a numbered link, and Sources. The PDF
// and DOCX exports lay out this same document.
func markdownDoc(r Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", escapeInline(r.title()))
	for _, f := range r.fields() {
		fmt.Fprintf(&b, "- **%s:** %s\n", f.name, escapeInline(f.value))
	}
	b.WriteString("\n**Prompt**\n\n")
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(r.Job.Prompt, "\r\n", "\n")), "\n")
	for i, line := range lines {
		line = escapeInline(strings.TrimSpace(line))
		switch {
		case line == "":
			b.WriteString(">\n")
		case i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "":
			fmt.Fprintf(&b, "> %s\\\n", line) // a hard line break, as typed
		default:
			fmt.Fprintf(&b, "> %s\n", line)
		}
	}
	b.WriteString("\n---\n\n")
	body := strings.TrimSpace(render.CitedMarkdown(r.Markdown, r.Citations))
	if body != "" {
		b.WriteString(body)
		b.WriteString("\n")
	}
	b.WriteString(questionsMarkdown(r.Questions))
	if srcs := r.sources(); len(srcs) > 0 {
		b.WriteString("\n## Sources\n\n")
		for _, s := range srcs {
			label := s.title
			if label == "" {
				label = s.url
			}
			switch {
			case s.web && s.title != "":
				fmt.Fprintf(&b, "%d. [%s](<%s>) — %s\n", s.num, escapeInline(label), render.MarkdownURL(s.url), escapeInline(host(s.url)))
			case s.web:
				fmt.Fprintf(&b, "%d. [%s](<%s>)\n", s.num, escapeInline(label), render.MarkdownURL(s.url))
			default:
				fmt.Fprintf(&b, "%d. %s\n", s.num, escapeInline(label))
			}
		}
	}
	return b.String()
}

// escapeInline makes text (a title, the prompt, a source title) read as
// itself in markdown: no emphasis, links, HTML or code, and no list or
// heading when it starts a line.
func escapeInline(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&':
			b.WriteByte('\\')
		case '#', '-', '+', '=':
			if i == 0 {
				b.WriteByte('\\')
			}
		case '.', ')':
			if strings.Trim(s[:i], "0123456789") == "" && i > 0 {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// questionsMarkdown is the "Questions about this report" section ("" when
// none were asked): each question as a heading, then its answer.
func questionsMarkdown(qs []QA) string {
	if len(qs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n## Questions about this report\n")
	for _, q := range qs {
		fmt.Fprintf(&b, "\n### %s\n\n", escapeInline(strings.Join(strings.Fields(q.Question), " ")))
		fmt.Fprintf(&b, "*Answered by %s from the report on %s.*\n\n", escapeInline(q.Model), q.AskedAt.UTC().Format("2006-01-02"))
		b.WriteString(strings.TrimSpace(q.Answer) + "\n")
	}
	return b.String()
}
