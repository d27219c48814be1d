package export

import (
	"html"
	"strings"

	"github.com/deepr-desktop/deepr/backend/render"
)

// htmlCSS styles the HTML export. It is inline: the file needs nothing else.
const htmlCSS = `
:root { color-scheme: light dark; }
body { font: 16px/1.6 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK JP", sans-serif;
  max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; background: #fff; }
header.meta { border-bottom: 1px solid #ccc; margin-bottom: 1.5rem; padding-bottom: 1rem; }
header.meta h1 { margin-bottom: .5rem; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0; font-size: .9rem; }
dl.fields dt { font-weight: 600; color: #555; }
dl.fields dd { margin: 0; }
blockquote.prompt { white-space: pre-wrap; }
blockquote { margin: 1rem 0; padding: .2rem 1rem; border-left: 3px solid #ccc; color: #444; }
pre { background: #f4f4f5; padding: .75rem; overflow-x: auto; border-radius: 4px; }
code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: .9em; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; vertical-align: top; }
th { background: #f4f4f5; }
a { color: #0b57d0; }
sup.cite { font-size: .75em; }
sup.cite a { text-decoration: none; }
section.sources { border-top: 1px solid #ccc; margin-top: 2rem; }
@media (prefers-color-scheme: dark) {
  body { color: #e8e8ea; background: #1c1c1e; }
  dl.fields dt, blockquote { color: #b0b0b5; }
  pre, th { background: #2c2c2e; }
  a { color: #8ab4f8; }
}
@media print { body { max-width: none; } a { color: inherit; } }
`

// htmlDoc is the HTML export: one self-contained page with inline CSS, no
// script, and a policy that forbids loading anything. The report is
// rendered and sanitized by render.HTML, as in the reader.
func htmlDoc(r Report) string {
	var b strings.Builder
	title := html.EscapeString(r.title())
	b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
	b.WriteString("<meta name=\"referrer\" content=\"no-referrer\">\n")
	b.WriteString("<meta name=\"generator\" content=\"Deepr\">\n")
	b.WriteString("<title>" + title + "</title>\n<style>" + htmlCSS + "</style>\n</head>\n<body>\n")
	b.WriteString("<header class=\"meta\">\n<h1>" + title + "</h1>\n<dl class=\"fields\">\n")
	for _, f := range r.fields() {
		b.WriteString("<dt>" + html.EscapeString(f.name) + "</dt><dd>" + html.EscapeString(f.value) + "</dd>\n")
	}
	b.WriteString("</dl>\n<h2>Prompt</h2>\n<blockquote class=\"prompt\">" +
		html.EscapeString(strings.TrimSpace(r.Job.Prompt)) + "</blockquote>\n</header>\n")
	b.WriteString("<main>\n" + render.HTML(r.Markdown, r.Citations) + "\n</main>\n")
	if len(r.Questions) > 0 {
		b.WriteString("<section class=\"questions\">\n" + render.HTML(strings.TrimSpace(questionsMarkdown(r.Questions)), nil) + "\n</section>\n")
	}
	b.WriteString("</body>\n</html>\n")
	return b.String()
}
