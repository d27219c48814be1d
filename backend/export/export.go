// Package export writes one report as a file a person can keep or share:
// Markdown, a self-contained HTML page, PDF or DOCX. Every format has the
// same header (title, prompt, model, status, dates, cost, job id), the
// report with its numbered citations, and the Sources list. Nothing else
// about the job (no provider ids, no local paths, no settings or keys) is
// written. Everything is produced in Go, with no external program and no
// network; fonts for PDF are embedded in the binary (see fonts.go).
package export

import (
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/render"
)

// The export formats.
const (
	Markdown = "md"
	HTML     = "html"
	PDF      = "pdf"
	DOCX     = "docx"
)

// Formats lists the export formats, as the CLI's --format takes them.
func Formats() []string { return []string{Markdown, HTML, PDF, DOCX} }

// ParseFormat checks a format name given by the user ("PDF", ".pdf" and
// "pdf" are the same) and returns it in the form Export takes.
func ParseFormat(s string) (string, error) {
	f := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), ".")
	switch f {
	case "markdown":
		return Markdown, nil
	case Markdown, HTML, PDF, DOCX:
		return f, nil
	case "htm":
		return HTML, nil
	}
	return "", fmt.Errorf("unknown export format %q: use md, html, pdf or docx", s)
}

// Report is what an export holds: the job (for the header), the report's
// title, its markdown and citations (rune offsets into Markdown, as the
// store keeps them).
type Report struct {
	Job       job.Job
	Title     string // "" : the job's title
	Markdown  string
	Citations []job.Citation
	// Questions asked about the report, oldest first, shown after it.
	Questions []QA
}

// QA is a question asked about the report and the helper model's answer
// (markdown citing the report's sources as [n]).
type QA struct {
	Question string
	Answer   string
	Model    string
	AskedAt  time.Time
}

// FileName is a default file name for r in format: the report's mirror
// folder name with the format's extension ("2025-05-01_history-of-tea_k3j9x0qa.pdf").
func FileName(j job.Job, format string) string {
	return filepath.Base(mirror.RelDir(j)) + "." + format
}

// Result says what an export could not carry over.
type Result struct {
	// Missing are the characters the PDF could not draw (no embedded font
	// has them; each is drawn as a white square), in code point order, ""
	// when none were or for the other formats.
	Missing string `json:"missing,omitempty"`
}

// Warning is a sentence for the user about what the export could not
// carry over, "" when nothing.
func (r Result) Warning() string {
	if r.Missing == "" {
		return ""
	}
	shown, n := r.Missing, utf8.RuneCountInString(r.Missing)
	if n > 40 {
		shown = string([]rune(shown)[:40]) + "…"
	}
	return fmt.Sprintf("The PDF could not draw %d character(s) no embedded font has (shown as □): %s. Export as HTML or DOCX to keep them.", n, shown)
}

// Export writes r to w in format (md, html, pdf or docx; see ParseFormat).
// The output is complete when Export returns nil; on error, w may hold a
// partial file the caller should discard.
func Export(w io.Writer, format string, r Report) (Result, error) {
	f, err := ParseFormat(format)
	if err != nil {
		return Result{}, err
	}
	var res Result
	switch f {
	case Markdown:
		_, err = io.WriteString(w, markdownDoc(r))
	case HTML:
		_, err = io.WriteString(w, htmlDoc(r))
	case PDF:
		var missing []rune
		missing, err = writePDF(w, r)
		res.Missing = string(missing)
	case DOCX:
		err = writeDOCX(w, r)
	}
	if err != nil {
		return Result{}, fmt.Errorf("exporting job %s as %s: %w", r.Job.ID, f, err)
	}
	return res, nil
}

// sortedRunes are the runes of a set, in code point order.
func sortedRunes(set map[rune]bool) []rune {
	out := make([]rune, 0, len(set))
	for r := range set {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// title is the report's title on one line.
func (r Report) title() string {
	t := strings.Join(strings.Fields(r.Title), " ")
	if t == "" {
		t = r.Job.Title()
	}
	if t == "" {
		t = "Research report"
	}
	return t
}

// field is one line of the header.
type field struct{ name, value string }

// fields are the header lines, in order; empty values are left out.
func (r Report) fields() []field {
	j := r.Job
	model := j.Model
	if j.Provider != "" && model != "" {
		model = j.Provider + " / " + model
	}
	var fs []field
	add := func(n, v string) {
		if strings.TrimSpace(v) != "" {
			fs = append(fs, field{n, v})
		}
	}
	add("Model", model)
	add("Status", string(j.Status))
	if !j.CreatedAt.IsZero() {
		add("Created", stamp(j.CreatedAt))
	}
	if j.FinishedAt != nil {
		add("Finished", stamp(*j.FinishedAt))
	}
	add("Cost", cost(j.CostUSD))
	if u := j.Usage; u.InputTokens+u.OutputTokens > 0 {
		t := fmt.Sprintf("%s in, %s out", thousands(u.InputTokens), thousands(u.OutputTokens))
		if u.WebSearchCalls > 0 {
			t += fmt.Sprintf(", %s web searches", thousands(u.WebSearchCalls))
		}
		add("Tokens", t)
	}
	add("Job", j.ID)
	return fs
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// cost is a dollar amount with cents, or four decimals under a cent.
func cost(usd float64) string {
	switch {
	case usd == 0:
		return "$0.00"
	case usd < 0.01:
		return fmt.Sprintf("$%.4f", usd)
	}
	return fmt.Sprintf("$%.2f", usd)
}

// thousands writes n with comma separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// source is one entry of the Sources list.
type source struct {
	num   int
	title string // the source's title, "" when it has none
	url   string
	web   bool // an http(s) URL, shown as a link
}

// sources is the Sources list, numbered as the citation markers are.
func (r Report) sources() []source {
	var out []source
	for _, c := range render.NumberedSources(r.Citations) {
		out = append(out, source{num: c.Index, title: strings.Join(strings.Fields(c.Title), " "),
			url: strings.TrimSpace(c.URL), web: render.IsWebURL(c.URL)})
	}
	return out
}

// host is a URL's host name without "www.".
func host(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(p.Hostname(), "www.")
}
