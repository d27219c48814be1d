package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
)

// hostile is what an earlier version's import could have written into the
// database: an OSC 52 clipboard write, a screen clear, a C1 CSI and a
// right-to-left override.
const (
	hostileID    = "old\x1b]52;c;ZXZpbA==\x07\u009b31m\u202etxt.exe\r\nforged"
	hostileTitle = "Tea \x1b[2J\x1b]52;c;ZXZpbA==\x07 \u202egnp.exe \u2066hidden\u2069\u200b"
)

// runCLI is `deepr` as a new process over empty folders under root.
type runCLI func(args ...string) (code int, stdout, stderr string)

func newHome(root string) runCLI {
	env := map[string]string{"DEEPR_DATA_DIR": filepath.Join(root, "data"), "DEEPR_CONFIG_DIR": filepath.Join(root, "config")}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	return func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Main(context.Background(), args, Env{Stdout: &out, Stderr: &errb, Getenv: getenv, WorkDir: root, Version: "test"})
		return code, out.String(), errb.String()
	}
}

// oldHome is a data folder whose database holds jobs an earlier version
// imported as they were: odd ids, control characters in every field.
func oldHome(t *testing.T) runCLI {
	t.Helper()
	root := t.TempDir()
	path := filepath.Join(root, "data", "deepr.db")
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	at := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	errs, err := st.InsertFinished(ctx, []store.Finished{
		{Job: job.Job{ID: "placeholder", Status: job.Completed, Provider: "openai\u0085", Model: "o3\x1b[31m", Prompt: hostileTitle,
			ProviderJobID: "resp\x1b[8m", ProviderStatus: "completed\x1b[0m", CreatedAt: at, FinishedAt: &at},
			Report: store.Report{Title: hostileTitle, Markdown: "Tea \x1b[31mred\x1b[0m text.\r\x1b[1Aover"}},
		{Job: job.Job{ID: "child00001", Status: job.Incomplete, Provider: "openai", Model: "o3-deep-research", Prompt: "More tea \x1b[5m",
			Error: "stopped\x1b[31m early\u2028", ParentID: "placeholder", CreatedAt: at.Add(time.Hour)},
			Report: store.Report{Markdown: "More tea."}},
	})
	if err != nil || errs[0] != nil || errs[1] != nil {
		t.Fatalf("InsertFinished = %v, %v", errs, err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE jobs SET id = ? WHERE id = 'placeholder'`, `UPDATE jobs SET parent_id = ? WHERE parent_id = 'placeholder'`,
		`UPDATE reports SET job_id = ? WHERE job_id = 'placeholder'`} {
		if _, err := db.Exec(q, hostileID); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return newHome(root)
}

// rawControl returns the first character in s that a terminal would act
// on or that hides or reorders text (see unsafeRune), other than a new
// line or a tab; ok is false when there is none.
func rawControl(s string) (r rune, ok bool) {
	for i, c := range s {
		if c == utf8.RuneError && strings.HasPrefix(s[i:], "\ufffd") {
			continue
		}
		switch {
		case c == '\n' || c == '\t':
		case c < 0x20, c >= 0x7f && c < 0xa0, c == utf8.RuneError,
			c >= 0x202a && c <= 0x202e, c >= 0x2066 && c <= 0x2069, c == 0x200b, c == 0x2028:
			return c, true
		}
	}
	return 0, false
}

// TestNothingRawReachesTheTerminal: every command that prints what the
// database holds prints control characters, escape sequences and
// bidirectional overrides neutralised, as text or JSON, for a job whose
// id, title, model and error carry them.
func TestNothingRawReachesTheTerminal(t *testing.T) {
	deepr := oldHome(t)
	runs := [][]string{
		{"list"}, {"list", "--json"},
		{"status", "old"}, {"status", "--json", "old"}, {"status", "child00001"},
		{"show", "old"}, {"show", "child00001"}, {"show", "--format", "json", "old"}, {"show", "--format", "html", "old"},
		{"search", "tea"}, {"search", "--json", "tea"},
		{"status", "nope\x1b]52;c;ZXZpbA==\x07"}, {"ask", "old\x1b[2J", "why?"},
		{"costs"},
	}
	for _, args := range runs {
		code, stdout, stderr := deepr(args...)
		for name, s := range map[string]string{"stdout": stdout, "stderr": stderr} {
			if c, bad := rawControl(s); bad {
				t.Errorf("deepr %q: %s holds %U raw (exit %d):\n%q", args, name, c, code, s)
			}
		}
		if code == exitUsage {
			t.Errorf("deepr %q: usage error: %s", args, stderr)
		}
		if strings.Contains(stdout, "\nforged") || strings.Contains(stderr, "\nforged") {
			t.Errorf("deepr %q: a value from the database started a line of its own:\n%s%s", args, stdout, stderr)
		}
	}
	// JSON keeps the text exactly, escaped.
	_, stdout, _ := deepr("status", "--json", "old")
	var j job.Job
	if err := json.Unmarshal([]byte(stdout), &j); err != nil || j.ID != hostileID || j.Prompt != hostileTitle {
		t.Errorf("status --json: id %q prompt %q, %v; want both as stored", j.ID, j.Prompt, err)
	}
	// The old job still opens, lists and deletes.
	if code, stdout, stderr := deepr("delete", "old"); code != 0 || !strings.Contains(stdout, "deleted") {
		t.Errorf("deepr delete old: exit %d %q %q", code, stdout, stderr)
	} else if c, bad := rawControl(stdout); bad {
		t.Errorf("deepr delete: %U raw in %q", c, stdout)
	}
	if _, stdout, _ := deepr("list"); strings.Contains(stdout, "old") {
		t.Errorf("the deleted job is still listed:\n%s", stdout)
	}
}

// TestImportHostileFolder: `deepr import` of a folder whose metadata.json
// carries an OSC 52 id and title gives the job a new id, says so, and
// `deepr list` and `deepr status` show the old id only made safe.
func TestImportHostileFolder(t *testing.T) {
	root := t.TempDir()
	deepr := newHome(root)
	dir := filepath.Join(root, "in", "reports", "2025-05-01_tea_x")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	meta, _ := json.Marshal(map[string]any{"id": "Report-A" + hostileID, "status": "completed", "provider": "openai", "model": "o3\x1b[31m",
		"prompt": hostileTitle, "title": hostileTitle, "created_at": "2025-05-01T10:00:00Z", "citations": []any{}})
	os.WriteFile(filepath.Join(dir, "metadata.json"), meta, 0o600)
	os.WriteFile(filepath.Join(dir, "report.md"), []byte("Tea \x1b[31mred"), 0o600)

	code, stdout, stderr := deepr("import", filepath.Join(root, "in"))
	if code != 0 || !strings.Contains(stdout, "1 imported") || !strings.Contains(stderr, "new ones") {
		t.Fatalf("deepr import: exit %d\n%s%s", code, stdout, stderr)
	}
	_, stdout, _ = deepr("list", "--json")
	var jobs []job.Job
	if err := json.Unmarshal([]byte(stdout), &jobs); err != nil || len(jobs) != 1 || !job.ValidID(jobs[0].ID) || !strings.HasPrefix(jobs[0].OriginID, "Report-Aold]52;c;") {
		t.Fatalf("list --json = %s, %v; want one job with a new id and its origin", stdout, err)
	}
	for _, args := range [][]string{{"list"}, {"status", jobs[0].ID}, {"show", jobs[0].ID}} {
		code, stdout, stderr := deepr(args...)
		if c, bad := rawControl(stdout + stderr); bad || code != 0 {
			t.Errorf("deepr %q: exit %d, %U raw:\n%q", args, code, c, stdout+stderr)
		}
		if args[0] == "status" && !strings.Contains(stdout, "Imported  with the id Report-Aold") {
			t.Errorf("deepr status does not show the old id:\n%s", stdout)
		}
	}
}

// TestJSONSafe: what encoding/json leaves raw (DEL, C1, format
// characters) is escaped, and the JSON still decodes to the same text.
func TestJSONSafe(t *testing.T) {
	in := "esc\x1b del\x7f csi\u009b rlo\u202e tag\U000E0041 zwj\u200d ls\u2028 é中😀"
	b, _ := json.Marshal(map[string]string{"s": in})
	got := jsonSafe(b)
	if c, bad := rawControl(string(got)); bad {
		t.Errorf("jsonSafe left %U raw: %s", c, got)
	}
	var back map[string]string
	if err := json.Unmarshal(got, &back); err != nil || back["s"] != in {
		t.Errorf("jsonSafe(%s) = %s, decodes to %q, %v", b, got, back["s"], err)
	}
	if !strings.Contains(string(got), `\u007f`) || !strings.Contains(string(got), `\udb40\udc41`) || !strings.Contains(string(got), "é中😀") {
		t.Errorf("jsonSafe = %s", got)
	}
}

// TestTermWriter: the guard on stdout and stderr cleans what a printer
// forgot, and a character cut between two writes is kept whole.
func TestTermWriter(t *testing.T) {
	var out bytes.Buffer
	w := &termWriter{w: &out}
	whole := "a\x1b[2J b\u009b c\u202e 中😀\r\nend\t."
	for i := 0; i < len(whole); i++ { // one byte a write
		if n, err := w.Write([]byte{whole[i]}); n != 1 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	w.flush()
	if want := "a\uFFFD[2J b\uFFFD c\uFFFD 中😀\nend\t."; out.String() != want {
		t.Errorf("termWriter wrote %q, want %q", out.String(), want)
	}
	out.Reset()
	w.Write([]byte("cut \xe4\xb8"))
	w.flush()
	if out.String() != "cut \uFFFD\uFFFD" {
		t.Errorf("an unfinished character at the end became %q", out.String())
	}
}
