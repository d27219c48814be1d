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
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
// reports/YYYY-MM-DD_<slug>_<id>, the date being CreatedAt in UTC and the
// slug the job title's ASCII words (accents dropped), lowercase, joined by
// '-', at most 48 characters, "research" when none is left. <id> is the
// whole job id when it is canonical (job.ValidID: lowercase letters, digits
// and '-'), so two jobs never share a folder, also on file systems that do
// not tell case apart; an id from an older import that is not canonical
// becomes its lowercase letters and digits (at most 8) and 8 hex digits of
// its SHA-256, which tells "Report-A" and "report-a" apart. The result never
// contains "..", and no part of it contains a path separator.
func RelDir(j job.Job) string {
	name := j.CreatedAt.UTC().Format("2006-01-02") + "_" + slug(j.Title()) + "_" + folderID(j.ID)
	return filepath.Join("reports", name)
}

// folderID is the id part of a folder name (see RelDir).
func folderID(id string) string {
	if job.ValidID(id) {
		return id
	}
	w := asciiWord(strings.ToLower(id))
	if len(w) > 8 {
		w = w[:8]
	}
	if w == "" {
		w = "job"
	}
	sum := sha256.Sum256([]byte(id))
	return w + "-" + hex.EncodeToString(sum[:4])
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

// Write writes report.md and metadata.json for j into Dir(dataDir, j),
// each atomically (temporary file in the same folder, fsync, rename), so a reader never sees a partial file. Folders are
// created with mode 0700, files with 0600. It returns the absolute folder,
// which metadata.json already names as report_path; the caller records it
// in the database after Write succeeded.
func Write(dataDir string, j job.Job, rep store.Report) (string, error) {
	abs, err := absData(dataDir)
	if err != nil {
		return "", err
	}
	return writeIn(Dir(abs, j), j, rep, false)
}

// writeIn writes j's report copy into dir (see Write), private or, for
// exports, shared (see WriteShared).
func writeIn(dir string, j job.Job, rep store.Report, shared bool) (string, error) {
	j.ReportPath = dir
	dirMode := fs.FileMode(0o700)
	if shared {
		dirMode = sharedDir
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return "", fmt.Errorf("writing the report copy of job %s: %w (check that %s is writable)", j.ID, err, filepath.Dir(dir))
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer, job.Job, store.Report) error
	}{{ReportFile, writeMarkdown}, {MetadataFile, writeMetadata}} {
		if err := writeAtomic(dir, f.name, shared, func(w io.Writer) error { return f.write(w, j, rep) }); err != nil {
			return "", fmt.Errorf("writing the report copy of job %s: %w (check free space and permissions of %s)", j.ID, err, dir)
		}
	}
	syncDir(dir)
	return dir, nil
}

// writeAtomic replaces dir/name with what write writes: a temporary file
// in dir is written (through a buffer, so a big report is never held
// whole), synced and renamed over the target. The file is private (0600)
// unless shared (0666 less the umask).
func writeAtomic(dir, name string, shared bool, write func(io.Writer) error) (err error) {
	if shared {
		f, err := CreateTemp(dir, "."+name+".tmp-*", sharedFile)
		if err != nil {
			return err
		}
		return finishAtomic(f, filepath.Join(dir, name), write)
	}
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	if err = f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	return finishAtomic(f, filepath.Join(dir, name), write)
}

// finishAtomic writes f, syncs it and renames it to target; on error f is
// removed.
func finishAtomic(f *os.File, target string, write func(io.Writer) error) (err error) {
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 64<<10)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, target)
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

// writeMarkdown writes report.md: a short header, the report, then its
// sources. Errors of w are sticky (a bufio.Writer): the caller's Flush
// returns them.
func writeMarkdown(w io.Writer, j job.Job, rep store.Report) error {
	fmt.Fprintf(w, "# %s\n\n", title(j, rep))
	fmt.Fprintf(w, "- Job: %s (%s)\n", j.ID, j.Status)
	if j.Model != "" {
		fmt.Fprintf(w, "- Model: %s\n", j.Model)
	}
	fmt.Fprintf(w, "- Created: %s\n", stamp(j.CreatedAt))
	if j.FinishedAt != nil {
		fmt.Fprintf(w, "- Finished: %s\n", stamp(*j.FinishedAt))
	}
	io.WriteString(w, "\n---\n\n")
	if err := render.WriteMarkdown(w, rep.Markdown, rep.Citations); err != nil {
		return err
	}
	if len(rep.Questions) > 0 {
		io.WriteString(w, "\n\n## Questions about this report\n")
		for _, q := range rep.Questions {
			fmt.Fprintf(w, "\n### %s\n\n%s\n\n_%s, %s_\n", strings.Join(strings.Fields(q.Question), " "), strings.TrimSpace(q.Answer), q.Model, stamp(q.CreatedAt))
		}
	}
	return nil
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

// writeMetadata writes metadata.json (see metadata) with the report text
// escaped a piece at a time, straight into w, instead of whole in memory.
func writeMetadata(w io.Writer, j job.Job, rep store.Report) error {
	text := rep.Markdown
	rep.Markdown = ""
	b, err := metadata(j, rep)
	if err != nil {
		return err
	}
	// The field at the top level (indented once), its value "": the
	// report goes between the quotes.
	const field = "\n  \"report_markdown\": \""
	i := bytes.Index(b, []byte(field))
	if i < 0 {
		return errors.New("metadata.json has no report_markdown field")
	}
	i += len(field)
	if _, err := w.Write(b[:i]); err != nil {
		return err
	}
	if err := writeJSONText(w, text); err != nil {
		return err
	}
	_, err = w.Write(b[i:])
	return err
}

// writeJSONText writes s as encoding/json spells a string, without the
// quotes, a piece at a time. Pieces are cut before a byte that starts a
// character, so each character (or invalid byte) is spelled as in the
// whole string.
func writeJSONText(w io.Writer, s string) error {
	const piece = 32 << 10
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf) // escapes HTML as json.Marshal does
	for len(s) > 0 {
		n := min(piece, len(s))
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n++
		}
		buf.Reset()
		if err := enc.Encode(s[:n]); err != nil {
			return err
		}
		q := buf.Bytes() // "...", then a newline
		if _, err := w.Write(q[1 : len(q)-2]); err != nil {
			return err
		}
		s = s[n:]
	}
	return nil
}

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
