package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// These tests build the real binary and drive its CLI against the in-repo
// fake Responses API, with a real database on disk, as a user would.

const testKey = "sk-test-cli-integration-0001"

var builtBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "deepr-cli-test")
	if err != nil {
		panic(err)
	}
	builtBinary = filepath.Join(dir, "deepr")
	build := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", builtBinary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building the deepr binary for CLI tests: " + err.Error())
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

type cliEnv struct {
	t    *testing.T
	data string
	env  []string
}

func newCLIEnv(t *testing.T, fake *fakeopenai.Server, extra ...string) *cliEnv {
	data := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"DEEPR_DATA_DIR=" + data,
		"DEEPR_CONFIG_DIR=" + filepath.Join(data, "config"),
		"OPENAI_API_KEY=" + testKey,
		"OPENAI_BASE_URL=" + fake.URL(),
		"DEEPR_POLL_INTERVAL=1",
		"DBUS_SESSION_BUS_ADDRESS=disabled:", // no keychain lookups in tests
	}
	return &cliEnv{t: t, data: data, env: append(env, extra...)}
}

func (c *cliEnv) cmd(stdin string, args ...string) *exec.Cmd {
	cmd := exec.Command(builtBinary, args...)
	cmd.Env = c.env
	cmd.Dir = c.data
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	return cmd
}

// run runs deepr and returns stdout, stderr and the exit code.
func (c *cliEnv) run(stdin string, args ...string) (string, string, int) {
	c.t.Helper()
	cmd := c.cmd(stdin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("deepr %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

func (c *cliEnv) ok(args ...string) string {
	c.t.Helper()
	out, errOut, code := c.run("", args...)
	if code != 0 {
		c.t.Fatalf("deepr %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

type jobJSON struct {
	ID             string  `json:"id"`
	Status         string  `json:"status"`
	Model          string  `json:"model"`
	Prompt         string  `json:"prompt"`
	ProviderJobID  string  `json:"provider_job_id"`
	ProviderStatus string  `json:"provider_status"`
	Error          string  `json:"error"`
	CostUSD        float64 `json:"cost_usd"`
	ReportPath     string  `json:"report_path"`
	FinishedAt     *string `json:"finished_at"`
	Usage          struct {
		InputTokens    int64 `json:"input_tokens"`
		OutputTokens   int64 `json:"output_tokens"`
		WebSearchCalls int64 `json:"web_search_calls"`
	} `json:"usage"`
	Report    string `json:"report"`
	Citations []struct {
		Index int    `json:"index"`
		URL   string `json:"url"`
		Start int    `json:"start"`
		End   int    `json:"end"`
	} `json:"citations"`
}

func (c *cliEnv) status(id string) jobJSON {
	c.t.Helper()
	var j jobJSON
	if err := json.Unmarshal([]byte(c.ok("status", id, "--json")), &j); err != nil {
		c.t.Fatal(err)
	}
	return j
}

func TestCLIUsageAndVersion(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	if out := c.ok("version"); !strings.HasPrefix(out, "deepr ") {
		t.Errorf("version printed %q", out)
	}
	if out := c.ok("help"); !strings.Contains(out, "deepr submit") {
		t.Errorf("help does not list submit: %q", out)
	}
	_, errOut, code := c.run("", "frobnicate")
	if code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: exit %d stderr %q, want exit 2 with usage", code, errOut)
	}
	for _, args := range [][]string{{"submit"}, {"status"}, {"show", "x", "--format", "pdf"}, {"list", "--status", "done"}} {
		if _, _, code := c.run("", args...); code != 2 {
			t.Errorf("deepr %v: exit %d, want 2 (usage)", args, code)
		}
	}
}

func TestCLISubmitValidation(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	cases := []struct {
		name, stdin string
		args        []string
		wantErr     string
	}{
		{"empty", "", []string{"submit", "   "}, "empty"},
		{"empty stdin", "\n", []string{"submit", "-"}, "empty"},
		{"unknown model", "", []string{"submit", "--model", "gpt-2", "hello"}, "unknown model"},
		{"too big", strings.Repeat("a", 101*1024), []string{"submit", "-"}, "limit"},
		{"bad tool calls", "", []string{"submit", "--max-tool-calls", "-3", "hi"}, "Max tool calls"},
	}
	for _, tc := range cases {
		_, errOut, code := c.run(tc.stdin, tc.args...)
		if code != 1 || !strings.Contains(errOut, tc.wantErr) {
			t.Errorf("%s: exit %d stderr %q, want exit 1 mentioning %q", tc.name, code, errOut, tc.wantErr)
		}
	}
	if out := c.ok("list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("rejected submissions left jobs behind: %s", out)
	}
}

func TestCLIFullRunWithWait(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 2})
	defer fake.Close()
	c := newCLIEnv(t, fake)

	out, errOut, code := c.run("Compare solar and wind capacity growth\nin 2025", "submit", "--model", "o4-mini-deep-research", "-")
	if code != 0 {
		t.Fatalf("submit: exit %d: %s", code, errOut)
	}
	id := strings.TrimSpace(out)
	if id == "" || strings.ContainsAny(id, " \n") {
		t.Fatalf("submit printed %q, want the job id alone", out)
	}
	if !strings.Contains(errOut, "no poller") {
		t.Errorf("submit with no poller running should hint at `deepr worker`, stderr: %q", errOut)
	}
	if j := c.status(id[:4]); j.Status != "queued" || j.Model != "o4-mini-deep-research" {
		t.Fatalf("after submit (by prefix): %+v", j)
	}

	if out, errOut, code := c.run("", "wait", id, "--timeout", "60s"); code != 0 {
		t.Fatalf("wait: exit %d\n%s\n%s", code, out, errOut)
	}
	j := c.status(id)
	if j.Status != "completed" || j.ProviderJobID == "" || j.FinishedAt == nil || j.Usage.OutputTokens == 0 || j.CostUSD <= 0 {
		t.Fatalf("completed job: %+v", j)
	}
	if _, err := os.Stat(filepath.Join(j.ReportPath, "report.md")); err != nil {
		t.Errorf("report mirror missing: %v", err)
	}
	var full jobJSON
	if err := json.Unmarshal([]byte(c.ok("show", id, "--format", "json")), &full); err != nil {
		t.Fatal(err)
	}
	if full.Report == "" || len(full.Citations) == 0 || full.Citations[0].Index != 1 || !strings.HasPrefix(full.Citations[0].URL, "https://") {
		t.Fatalf("show --format json: report %d bytes, citations %+v", len(full.Report), full.Citations)
	}
	if md := c.ok("show", id); !strings.Contains(md, full.Report[:20]) {
		t.Errorf("show (md) does not print the report")
	}
	if html := c.ok("show", id, "--format", "html"); !strings.Contains(html, "Sources") || strings.Contains(html, "<script") {
		t.Errorf("show --format html: %q", html)
	}
	word := strings.Fields(full.Report)[3]
	word = strings.Trim(word, "#*.,:;()[]")
	if out := c.ok("search", word, "--json"); !strings.Contains(out, id) {
		t.Errorf("search %q did not find the report: %s", word, out)
	}
	if out := c.ok("list", "--status", "completed", "--json"); !strings.Contains(out, id) {
		t.Errorf("list --status completed: %s", out)
	}
	if n := fake.CreatesFor(id); n != 1 {
		t.Errorf("creates at the provider for %s = %d, want exactly 1", id, n)
	}
	if _, _, code := c.run("", "wait", "nosuchjob"); code != 1 {
		t.Errorf("wait on an unknown id: exit %d, want 1", code)
	}
}

func TestCLIUnconfirmedThenResubmit(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	id := strings.TrimSpace(c.ok("submit", "[[fake:create500]] what happened?"))
	out, errOut, code := c.run("", "wait", id, "--timeout", "60s")
	if code != 1 || !strings.Contains(out, "unconfirmed") {
		t.Fatalf("wait on a create that answered 500: exit %d out %q err %q, want exit 1 and unconfirmed", code, out, errOut)
	}
	j := c.status(id)
	if j.Status != "unconfirmed" || !strings.Contains(strings.ToLower(j.Error), "resubmit") {
		t.Fatalf("job after create500: %+v", j)
	}
	if n := fake.CreatesFor(id); n != 1 {
		t.Fatalf("an ambiguous create was retried: %d creates, want 1", n)
	}
	// Dismiss, then resubmit: a new attempt.
	c.ok("cancel", id)
	if j := c.status(id); j.Status != "cancelled" {
		t.Fatalf("after dismiss: %s", j.Status)
	}
	c.ok("resubmit", id)
	if j := c.status(id); j.Status != "queued" || j.Error != "" {
		t.Fatalf("after resubmit: %+v", j)
	}
}

func TestCLIWorkerKilledMidRunLosesNothing(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 6})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	var ids []string
	for _, p := range []string{"first question", "second question", "third question"} {
		ids = append(ids, strings.TrimSpace(c.ok("submit", p)))
	}
	w := c.cmd("", "worker")
	var wout bytes.Buffer
	w.Stdout, w.Stderr = &wout, &wout
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until every job is running at the provider, then kill -9.
	deadline := time.Now().Add(30 * time.Second)
	for {
		running := 0
		for _, id := range ids {
			if c.status(id).Status == "running" {
				running++
			}
		}
		if running == len(ids) {
			break
		}
		if time.Now().After(deadline) {
			_ = w.Process.Kill()
			t.Fatalf("jobs never all running; worker output:\n%s", wout.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = w.Process.Signal(syscall.SIGKILL)
	_ = w.Wait()

	// A new process takes over (the lease is stale after 3 heartbeats; `wait`
	// runs the poller itself) and finishes every job without creating any twice.
	for _, id := range ids {
		if out, errOut, code := c.run("", "wait", id, "--timeout", "90s"); code != 0 {
			t.Fatalf("wait %s after kill -9: exit %d\n%s\n%s", id, code, out, errOut)
		}
	}
	for _, id := range ids {
		if n := fake.CreatesFor(id); n != 1 {
			t.Errorf("job %s created %d times at the provider, want 1", id, n)
		}
		if j := c.status(id); j.Status != "completed" {
			t.Errorf("job %s: %s", id, j.Status)
		}
	}
}

func TestCLIWorkerStopsCleanlyOnSIGTERM(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	w := c.cmd("", "worker")
	var wout bytes.Buffer
	w.Stdout, w.Stderr = &wout, &wout
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	_ = w.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- w.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("worker exit after SIGTERM: %v\n%s", err, wout.String())
		}
	case <-time.After(15 * time.Second):
		_ = w.Process.Kill()
		t.Fatalf("worker did not stop within 15s of SIGTERM\n%s", wout.String())
	}
}

func TestCLIDoctor(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	out := c.ok("doctor")
	for _, want := range []string{"configuration", "database", "API key", "accepted", "poller"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, testKey) {
		t.Fatalf("doctor printed the API key")
	}
	bad := newCLIEnv(t, fake, "OPENAI_API_KEY=sk-wrong-key-000000000000")
	out, _, code := bad.run("", "doctor")
	if code != 1 || !strings.Contains(out, "FAIL") {
		t.Errorf("doctor with a rejected key: exit %d\n%s", code, out)
	}
	badCfg := newCLIEnv(t, fake, "DEEPR_POLL_INTERVAL=abc")
	_, errOut, code := badCfg.run("", "list")
	if code != 1 || !strings.Contains(errOut, "DEEPR_POLL_INTERVAL") {
		t.Errorf("invalid DEEPR_POLL_INTERVAL: exit %d stderr %q, want exit 1 naming the variable", code, errOut)
	}
}
