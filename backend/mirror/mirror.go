// Package mirror writes the human-readable on-disk copy of a finished
// report: <data>/reports/YYYY-MM-DD_<slug>_<id8>/report.md and
// metadata.json. The database is the source of truth; the mirror is written
// after the commit, atomically, and Rebuild writes missing or damaged
// folders again from the database. A job's report_path names its folder
// only once the folder was written.
//
// report.md is the report as render.Markdown gives it (numbered citations,
// one Sources list) under a short header; metadata.json is the job's JSON
// object plus "title", "citations" and "report_markdown" (the stored text
// the citation offsets point into, so an import gets it back exactly).
package mirror

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/render"
	"github.com/deepr-desktop/deepr/backend/store"
)

// File names inside a report folder.
const (
	ReportFile   = "report.md"
	MetadataFile = "metadata.json"
)

// maxSlug is the longest slug, in bytes (slugs are ASCII).
const maxSlug = 48

// RelDir is the report folder of j relative to the data folder:
// reports/YYYY-MM-DD_<slug>_<first 8 of id>, the date being CreatedAt in
// UTC and the slug the job title's ASCII words (accents dropped), lowercase,
// joined by '-', at most 48 characters, "research" when none is left. The
// result never contains "..", and no part of it contains a path separator.
func RelDir(j job.Job) string {
	id := asciiWord(strings.ToLower(j.ID))
	if len(id) > 8 {
		id = id[:8]
	}
	if id == "" {
		id = "job"
	}
	name := j.CreatedAt.UTC().Format("2006-01-02") + "_" + slug(j.Title()) + "_" + id
	return filepath.Join("reports", name)
}

// slug turns a title into lowercase ASCII words joined by '-', at most 48
// characters (cut at a word boundary when one is in reach), or "research"
// when the title has no ASCII letter or digit. Accented letters lose their
// accents ("Müller" -> "muller", "ß" -> "ss"); everything else separates
// words.
func slug(title string) string {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	for _, r := range norm.NFD.String(letters.Replace(strings.ToLower(title))) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			cur.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			// a combining accent split off by NFD: drop it, the word goes on
		default:
			flush()
		}
	}
	flush()
	s := strings.Join(words, "-")
	if len(s) > maxSlug {
		cut := s[:maxSlug]
		if i := strings.LastIndexByte(cut, '-'); i >= maxSlug/2 {
			cut = cut[:i]
		}
		s = strings.Trim(cut, "-")
	}
	if s == "" {
		return "research"
	}
	return s
}

// letters spells Latin letters that have no decomposition in ASCII.
var letters = strings.NewReplacer("ß", "ss", "æ", "ae", "œ", "oe", "ø", "o", "ł", "l", "đ", "d", "ð", "d", "þ", "th", "ı", "i")

// asciiWord keeps only a-z and 0-9 of s.
func asciiWord(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// Write writes report.md and metadata.json for j into
// <dataDir>/RelDir(j), each atomically (temporary file in the same folder,
// fsync, rename), so a reader never sees a partial file. Folders are
// created with mode 0700, files with 0600. It returns the absolute folder,
// which metadata.json already names as report_path; the caller records it
// in the database after Write succeeded.
func Write(dataDir string, j job.Job, rep store.Report) (string, error) {
	if dataDir == "" {
		return "", errors.New("writing the report copy: no data folder given")
	}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return "", fmt.Errorf("writing the report copy of job %s: %w", j.ID, err)
	}
	dir := filepath.Join(abs, RelDir(j))
	j.ReportPath = dir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("writing the report copy of job %s: %w (check that %s is writable)", j.ID, err, abs)
	}
	meta, err := metadata(j, rep)
	if err != nil {
		return "", fmt.Errorf("writing the report copy of job %s: %w", j.ID, err)
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{ReportFile, markdown(j, rep)}, {MetadataFile, meta}} {
		if err := writeAtomic(dir, f.name, f.data); err != nil {
			return "", fmt.Errorf("writing the report copy of job %s: %w (check free space and permissions of %s)", j.ID, err, dir)
		}
	}
	syncDir(dir)
	return dir, nil
}

// writeAtomic replaces dir/name with data: a temporary file in dir is
// written, synced and renamed over the target.
func writeAtomic(dir, name string, data []byte) (err error) {
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, name))
}

// syncDir makes the renames durable where the OS supports syncing a
// folder; failures are ignored (the files themselves are complete).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// title is the report's title, else the job's, on one line.
func title(j job.Job, rep store.Report) string {
	t := strings.Join(strings.Fields(rep.Title), " ")
	if t == "" {
		t = j.Title()
	}
	if t == "" {
		t = "Research report"
	}
	return t
}

// markdown is report.md: a short header, the report, then its sources.
func markdown(j job.Job, rep store.Report) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", title(j, rep))
	fmt.Fprintf(&b, "- Job: %s (%s)\n", j.ID, j.Status)
	if j.Model != "" {
		fmt.Fprintf(&b, "- Model: %s\n", j.Model)
	}
	fmt.Fprintf(&b, "- Created: %s\n", stamp(j.CreatedAt))
	if j.FinishedAt != nil {
		fmt.Fprintf(&b, "- Finished: %s\n", stamp(*j.FinishedAt))
	}
	b.WriteString("\n---\n\n")
	b.WriteString(render.Markdown(rep.Markdown, rep.Citations))
	if len(rep.Questions) > 0 {
		b.WriteString("\n\n## Questions about this report\n")
		for _, q := range rep.Questions {
			fmt.Fprintf(&b, "\n### %s\n\n%s\n\n_%s, %s_\n", strings.Join(strings.Fields(q.Question), " "), strings.TrimSpace(q.Answer), q.Model, stamp(q.CreatedAt))
		}
	}
	return []byte(b.String())
}

// SourcesMarkdown is the "Sources" section for a report's citations, as
// render.Markdown numbers them ("" when there are none).
//
// Deprecated: use render.Markdown, which numbers the markers in the text
// and this list together and keeps a report to one list.
func SourcesMarkdown(cs []job.Citation) string {
	if len(cs) == 0 {
		return ""
	}
	return "\n" + render.Markdown("", cs)
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// metadata is metadata.json: the job object plus title and citations.
func metadata(j job.Job, rep store.Report) ([]byte, error) {
	cs := rep.Citations
	if cs == nil {
		cs = []job.Citation{}
	}
	b, err := json.MarshalIndent(struct {
		job.Job
		Title     string         `json:"title"`
		Citations []job.Citation `json:"citations"`
		// ReportMarkdown is the report text exactly as stored, which the
		// citation offsets point into (report.md shows it numbered, with
		// one Sources list): what an import takes back.
		ReportMarkdown string `json:"report_markdown"`
		// Questions asked about the report, with their answers.
		Questions []store.Question `json:"questions,omitempty"`
	}{j, title(j, rep), cs, rep.Markdown, rep.Questions}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
