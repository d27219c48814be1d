package research_test

import (
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/research"
)

// TestDigest: a finished report in brief is its title, its first
// paragraphs (no headings, with their citation markers, cut at a
// paragraph within DigestChars) and its numbered sources; an active job
// has none yet (ErrNotFinished).
func TestDigest(t *testing.T) {
	u := newUnit(t, nil)
	long := strings.Repeat("Tea was traded along the roads of Asia for centuries. ", 30)
	md := "# Green tea in Japan\n\nGyokuro is shade-grown.\n\nSencha is steamed.\n\n## More\n\n" + long + "\n\nLast words."
	start := strings.Index(md, "Gyokuro")
	j := u.finish(job.Completed, md, []job.Citation{{Index: 1, URL: "https://tea.example/gyokuro", Title: "Gyokuro", Start: start, End: start + 7}})
	d, err := u.svc.Digest(u.ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title == "" || d.Job.ID != j.ID {
		t.Errorf("Digest title %q job %q, want a title and job %s", d.Title, d.Job.ID, j.ID)
	}
	if !strings.HasPrefix(d.Summary, "Gyokuro") || !strings.Contains(d.Summary, "[1]") || !strings.Contains(d.Summary, "Sencha is steamed.") ||
		strings.Contains(d.Summary, "#") || strings.Contains(d.Summary, "Tea was traded") {
		t.Errorf("Digest summary = %q; want the two first paragraphs with the marker [1], no heading, not the long third", d.Summary)
	}
	if len(d.Sources) != 1 || d.Sources[0].Index != 1 || d.Sources[0].URL != "https://tea.example/gyokuro" {
		t.Errorf("Digest sources = %+v, want the one numbered source", d.Sources)
	}
	one := u.finish(job.Completed, long, nil)
	if d, err := u.svc.Digest(u.ctx, one.ID); err != nil || len([]rune(d.Summary)) > research.DigestChars || !strings.HasSuffix(d.Summary, "…") {
		t.Errorf("Digest of one long paragraph = %q (%d chars), %v; want it cut at a word, within %d", d.Summary, len([]rune(d.Summary)), err, research.DigestChars)
	}
	_, err = u.svc.Digest(u.ctx, u.mkJob(job.Running).ID)
	wantError(t, err, research.ErrNotFinished, "")
}
