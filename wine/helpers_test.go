//go:build wine

// Package wine runs the cross-built Windows deepr.exe under Wine, as a user
// would in cmd.exe, against the in-repo fake OpenAI server on this machine.
// Run it with `make test-windows` (tools/test-windows.sh), which builds
// deepr.exe, prepares the private Wine prefix and sets DEEPR_WINE_EXE, WINE,
// CONRUN and the WINE* variables. Without them the tests fail: they never
// skip. Known Wine artifacts and their workarounds: docs/windows.md.
package wine

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

const testKey = "sk-test-wine-session-000001"

// setting returns an environment variable the Makefile sets, or fails.
func setting(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run these tests with make test-windows (tools/test-windows.sh)", name)
	}
	return v
}

// winPath is a Linux path as Windows programs under Wine see it (drive Z:).
func winPath(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return "Z:" + strings.ReplaceAll(abs, "/", `\`)
}

// session is one user's deepr.exe: its own data and config folders.
type session struct {
	t         *testing.T
	wine, exe string // Linux paths
	data, cfg string // Linux paths of DEEPR_DATA_DIR and DEEPR_CONFIG_DIR
	env       []string
}

func newSession(t *testing.T, fake *fakeopenai.Server, extra ...string) *session {
	t.Helper()
	root := t.TempDir()
	s := &session{
		t:    t,
		wine: setting(t, "WINE"),
		exe:  setting(t, "DEEPR_WINE_EXE"),
		data: filepath.Join(root, "data"),
		cfg:  filepath.Join(root, "config"),
	}
	s.env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"WINEPREFIX=" + setting(t, "WINEPREFIX"),
		"WINEDEBUG=-all",
		"WINEDLLOVERRIDES=" + os.Getenv("WINEDLLOVERRIDES"),
		"DEEPR_DATA_DIR=" + winPath(t, s.data),
		"DEEPR_CONFIG_DIR=" + winPath(t, s.cfg),
		"OPENAI_API_KEY=" + testKey,
		"OPENAI_BASE_URL=" + fake.URL(),
		"DEEPR_POLL_INTERVAL=1",
	}
	s.env = append(s.env, extra...)
	return s
}

// without returns the session's environment without the variable name.
func (s *session) without(name string) {
	var env []string
	for _, kv := range s.env {
		if !strings.HasPrefix(kv, name+"=") {
			env = append(env, kv)
		}
	}
	s.env = env
}

// command is deepr.exe ARGS under Wine with the session's environment, its
// standard streams redirected (on Windows: `deepr list > out.txt`).
func (s *session) command(args ...string) *exec.Cmd {
	cmd := exec.Command(s.wine, append([]string{s.exe}, args...)...)
	cmd.Env = s.env
	cmd.Dir = filepath.Dir(s.data)
	// A wineserver started by this process inherits its pipes and outlives
	// it: do not wait for them to close once deepr.exe has exited.
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// run runs deepr.exe and returns stdout, stderr and the exit code.
func (s *session) run(stdin string, args ...string) (string, string, int) {
	s.t.Helper()
	cmd := s.command(args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	code := exitCode(s.t, cmd.Run(), args)
	return out.String(), errb.String(), code
}

// ok runs deepr.exe and fails unless it exits 0.
func (s *session) ok(args ...string) string {
	s.t.Helper()
	out, errOut, code := s.run("", args...)
	if code != 0 {
		s.t.Fatalf("deepr.exe %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// inConsole runs deepr.exe the way cmd.exe starts a GUI program typed at its
// prompt: no standard handles of its own, only the console of its parent
// (tools/wine/conrun.c, in a pseudo-terminal so that Wine gives conrun a
// console). It returns what appeared in the console and the exit code.
func (s *session) inConsole(args ...string) (string, int) {
	s.t.Helper()
	var line []string
	for _, a := range append([]string{s.wine, setting(s.t, "CONRUN"), winPath(s.t, s.exe)}, args...) {
		line = append(line, shellQuote(a))
	}
	// A wide terminal, so no line of --json output is wrapped by the console.
	cmd := exec.Command("script", "-qefc", "stty cols 2000 rows 50; exec "+strings.Join(line, " "), "/dev/null")
	cmd.Env = s.env
	cmd.Dir = filepath.Dir(s.data)
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	code := exitCode(s.t, cmd.Run(), args)
	return cleanTerminal(out.String()), code
}

var terminalCodes = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r`)

// cleanTerminal drops what the console adds around the text (cursor and
// title escape sequences, carriage returns).
func cleanTerminal(s string) string { return terminalCodes.ReplaceAllString(s, "") }

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func exitCode(t *testing.T, err error, args []string) int {
	t.Helper()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("deepr.exe %v under Wine: %v", args, err)
	}
	return 0
}

// until polls cond every 200 ms for at most d.
func until(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}
