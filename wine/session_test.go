//go:build wine

package wine

import (
	"archive/zip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

type jobJSON struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	ReportPath string `json:"report_path"`
	Report     string `json:"report"`
	Citations  []struct {
		URL string `json:"url"`
	} `json:"citations"`
}

func (s *session) status(id string) jobJSON {
	s.t.Helper()
	var j jobJSON
	if err := json.Unmarshal([]byte(s.ok("status", id, "--json")), &j); err != nil {
		s.t.Fatalf("status --json: %v", err)
	}
	return j
}

// TestConsole: typed in a console, the GUI-subsystem deepr.exe prints there,
// errors included, and its exit codes and --json output are the CLI's.
func TestConsole(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1})
	defer fake.Close()
	s := newSession(t, fake)
	version, err := os.ReadFile("../VERSION")
	if err != nil {
		t.Fatal(err)
	}
	if out, code := s.inConsole("version"); code != 0 || strings.TrimSpace(out) != "deepr "+strings.TrimSpace(string(version)) {
		t.Fatalf("deepr version in a console: exit %d, console %q; want exit 0 and %q", code, out, "deepr "+strings.TrimSpace(string(version)))
	}
	if out, code := s.inConsole("frobnicate"); code != 2 || !strings.Contains(out, `unknown command "frobnicate"`) {
		t.Errorf("deepr frobnicate in a console: exit %d, console %q; want exit 2 and the usage error", code, out)
	}
	if out, code := s.inConsole("list", "--json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("deepr list --json in a console (no jobs): exit %d, console %q; want exit 0 and []", code, out)
	}
	out, code := s.inConsole("submit", "console question")
	id := strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
	if code != 0 || id == "" || strings.Contains(id, " ") {
		t.Fatalf("deepr submit in a console: exit %d, console %q; want exit 0 and the job id first", code, out)
	}
	out, code = s.inConsole("status", id, "--json")
	var j jobJSON
	if err := json.Unmarshal([]byte(out), &j); code != 0 || err != nil || j.ID != id || j.Status != "queued" {
		t.Errorf("deepr status --json in a console: exit %d, %v, console %q; want the queued job %s", code, err, out, id)
	}
	if out, code := s.inConsole("wait", "nosuchjob"); code != 1 || !strings.Contains(out, "nosuchjob") {
		t.Errorf("deepr wait nosuchjob in a console: exit %d, console %q; want exit 1 naming the id", code, out)
	}
}

// TestSession: a day's CLI use on Windows: submit, a worker finishes the job,
// wait, show, export in every document format, search, the library exported
// and imported into another data folder, doctor.
func TestSession(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 2})
	defer fake.Close()
	s := newSession(t, fake)

	id := strings.TrimSpace(s.ok("submit", "[[fake:unicode]] heat pumps in cold climates"))
	if j := s.status(id); j.Status != "queued" {
		t.Fatalf("after submit: %+v, want queued", j)
	}
	worker := s.command("worker")
	var wout strings.Builder
	worker.Stdout, worker.Stderr = &wout, &wout
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	finished := until(90*time.Second, func() bool { return s.status(id).Status == "completed" })
	_ = worker.Process.Kill() // taskkill /F: the lease is left to go stale
	_ = worker.Wait()
	if !finished {
		t.Fatalf("the worker did not finish %s in 90 s: %+v\nworker output:\n%s", id, s.status(id), wout.String())
	}
	if out, errOut, code := s.run("", "wait", id, "--timeout", "60s"); code != 0 {
		t.Fatalf("wait on a completed job: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := fake.CreatesFor(id); n != 1 {
		t.Errorf("creates at the provider for %s = %d, want 1", id, n)
	}

	var full jobJSON
	if err := json.Unmarshal([]byte(s.ok("show", id, "--format", "json")), &full); err != nil {
		t.Fatal(err)
	}
	if full.Report == "" || len(full.Citations) == 0 || !strings.HasPrefix(full.Citations[0].URL, "https://") {
		t.Fatalf("show --format json: report %d bytes, citations %+v", len(full.Report), full.Citations)
	}
	if !strings.HasPrefix(full.ReportPath, winPath(t, s.data)+`\reports\`) {
		t.Errorf("report_path = %q, want a Windows path under %s", full.ReportPath, winPath(t, s.data))
	}
	if md := s.ok("show", id); !strings.Contains(md, "中文") {
		t.Errorf("show (markdown) lost the multi-byte text: %q", md)
	}

	out := t.TempDir()
	for _, f := range []string{"md", "docx", "pdf"} {
		file := filepath.Join(out, "report."+f)
		s.ok("export", id, "--format", f, "--output", winPath(t, file))
		checkExport(t, f, file)
	}
	if got := s.ok("search", "heat", "--json"); !strings.Contains(got, id) {
		t.Errorf("search heat did not find %s: %s", id, got)
	}

	lib := filepath.Join(out, "library")
	s.ok("export", "--all", "--output", winPath(t, lib))
	if _, err := os.Stat(filepath.Join(lib, "index.json")); err != nil {
		t.Fatalf("export --all wrote no index.json: %v", err)
	}
	fresh := newSession(t, fake)
	var res struct {
		Imported []struct {
			JobID string `json:"job_id"`
		} `json:"imported"`
	}
	if err := json.Unmarshal([]byte(fresh.ok("import", winPath(t, lib), "--json")), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Imported) != 1 || res.Imported[0].JobID != id {
		t.Fatalf("import of the exported library: %+v, want %s", res, id)
	}
	var again jobJSON
	_ = json.Unmarshal([]byte(fresh.ok("show", id, "--format", "json")), &again)
	if again.Report != full.Report || len(again.Citations) != len(full.Citations) {
		t.Errorf("the imported report differs: %d/%d bytes, %d/%d citations", len(again.Report), len(full.Report), len(again.Citations), len(full.Citations))
	}
	if got := fresh.ok("search", "heat", "--json"); !strings.Contains(got, id) {
		t.Errorf("the imported report is not searchable: %s", got)
	}

	doc, errOut, code := s.run("", "doctor")
	if code != 0 || strings.Contains(doc, "[FAIL]") || !strings.Contains(doc, winPath(t, s.data)) {
		t.Errorf("doctor: exit %d\n%s\n%s", code, doc, errOut)
	}
}

func checkExport(t *testing.T, format, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil || len(b) < 200 {
		t.Fatalf("export %s: %d bytes, %v", format, len(b), err)
	}
	switch format {
	case "md":
		if !strings.Contains(string(b), "Sources") || !strings.Contains(string(b), "中文") {
			t.Errorf("md export lacks the sources or the multi-byte text")
		}
	case "pdf":
		if !strings.HasPrefix(string(b), "%PDF-") {
			t.Errorf("pdf export does not start with %%PDF-")
		}
	case "docx":
		z, err := zip.OpenReader(file)
		if err != nil {
			t.Fatalf("docx export is not a zip: %v", err)
		}
		defer z.Close()
		for _, zf := range z.File {
			if zf.Name == "word/document.xml" {
				return
			}
		}
		t.Errorf("docx export has no word/document.xml")
	}
}

// TestKeySetFileFallback: with the Credential Manager failing, `deepr key set`
// keeps the key in the private file, and the key is used from there.
func TestKeySetFileFallback(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer fake.Close()
	s := newSession(t, fake)
	s.without("OPENAI_API_KEY")
	breakCredentialManager(t, s)

	out, errOut, code := s.run(testKey+"\n", "key", "set")
	if code != 0 || !strings.Contains(out, "in the file") || strings.Contains(out+errOut, testKey) {
		t.Fatalf("key set with a failing Credential Manager: exit %d\nstdout %q\nstderr %q\nwant exit 0, saved in the file, the key never printed", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(s.cfg, "secrets.json")); err != nil {
		t.Fatalf("no secrets file in the config folder: %v", err)
	}
	if got := s.ok("key", "test"); !strings.Contains(got, "accepted") {
		t.Errorf("key test with the key from the file: %q", got)
	}
	if out, code := s.inConsole("key", "test"); code != 0 || !strings.Contains(out, "accepted") {
		t.Errorf("key test in a console: exit %d, console %q", code, out)
	}
}

// breakCredentialManager makes Wine's Credential Manager fail every call
// until the test ends: Wine keeps its encryption key in the registry and
// refuses a key of the wrong type (ERROR_REGISTRY_CORRUPT), as Windows
// refuses when credential storage is turned off by policy.
func breakCredentialManager(t *testing.T, s *session) {
	t.Helper()
	const key = `HKCU\Software\Wine\Credential Manager`
	reg := func(args ...string) {
		cmd := exec.Command(s.wine, append([]string{"reg"}, args...)...)
		cmd.Env = s.env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("wine reg %v: %v\n%s", args, err, out)
		}
	}
	reg("add", key, "/v", "EncryptionKey", "/t", "REG_SZ", "/d", "broken-by-the-wine-tests", "/f")
	t.Cleanup(func() { reg("delete", key, "/v", "EncryptionKey", "/f") })
}
