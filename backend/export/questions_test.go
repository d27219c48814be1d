package export

import (
	"strings"
	"testing"
	"time"
)

// TestQuestionsInEveryFormat: the questions asked about a report and their
// answers come after it in every format; HTML answers are sanitized.
func TestQuestionsInEveryFormat(t *testing.T) {
	r := sampleReport()
	r.Questions = []QA{
		{Question: "Which refrigerant do cold-climate units use?", Answer: "Mostly R-290 [1].", Model: "gpt-4.1-mini",
			AskedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		{Question: "Anything <b>else</b>?", Answer: "No. <script>alert(1)</script>", Model: "gpt-4.1-mini", AskedAt: time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)},
	}
	md := string(export(t, Markdown, r))
	if i, j := strings.Index(md, "## Questions about this report"), strings.Index(md, "## Sources"); i < 0 || j < i ||
		!strings.Contains(md, "### Which refrigerant do cold-climate units use?") || !strings.Contains(md, "Mostly R-290 [1].") ||
		!strings.Contains(md, "2026-01-02") {
		t.Errorf("markdown questions section missing or misplaced:\n%s", md)
	}
	html := string(export(t, HTML, r))
	if !strings.Contains(html, "Mostly R-290") || strings.Contains(html, "<script>alert") || strings.Contains(html, "<b>else</b>") {
		t.Errorf("html questions: missing, or raw HTML kept")
	}
	if text := docxText(t, export(t, DOCX, r)); !strings.Contains(text, "Which refrigerant do cold-climate units use?") || !strings.Contains(text, "Mostly R-290") {
		t.Errorf("docx lacks the questions")
	}
	if flat := squash(pdfText(t, export(t, PDF, r))); !strings.Contains(flat, squash("Questions about this report")) || !strings.Contains(flat, "MostlyR-290") {
		t.Errorf("pdf lacks the questions")
	}
}
