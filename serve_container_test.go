package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// image is what the Dockerfile's last stage runs: its ENV, USER and the
// command line (ENTRYPOINT + CMD without the program name).
type image struct {
	env  map[string]string
	user string
	args []string
}

// readImage reads the last stage of the Dockerfile.
func readImage(t *testing.T) image {
	t.Helper()
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	stages := regexp.MustCompile(`(?m)^FROM `).Split(text, -1)
	last := stages[len(stages)-1]
	img := image{env: map[string]string{}}
	var entry, cmd []string
	for _, line := range strings.Split(last, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		rest := strings.TrimSpace(strings.TrimPrefix(line, f[0]))
		switch f[0] {
		case "ENV":
			for _, kv := range f[1:] {
				k, v, _ := strings.Cut(kv, "=")
				img.env[k] = v
			}
		case "USER":
			img.user = f[1]
		case "ENTRYPOINT":
			if err := json.Unmarshal([]byte(rest), &entry); err != nil {
				t.Fatalf("ENTRYPOINT must be a JSON array: %v", err)
			}
		case "CMD":
			if err := json.Unmarshal([]byte(rest), &cmd); err != nil {
				t.Fatalf("CMD must be a JSON array: %v", err)
			}
		}
	}
	if len(entry) != 1 || entry[0] != "deepr" {
		t.Fatalf("ENTRYPOINT = %v, want [deepr]", entry)
	}
	img.args = cmd
	return img
}

// TestServeAsTheContainerDoes runs the binary with the image's flags,
// environment (its /data a temporary folder) and user (when this test
// may switch users), the token from the environment, then signs in and
// runs a job through the API.
func TestServeAsTheContainerDoes(t *testing.T) {
	img := readImage(t)
	if len(img.args) < 3 || img.args[0] != "serve" || !strings.Contains(strings.Join(img.args, " "), "--listen 0.0.0.0:8710") {
		t.Fatalf("the image runs %v, want serve --listen 0.0.0.0:8710 ...", img.args)
	}
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 2})
	defer fake.Close()

	root, err := os.MkdirTemp("", "deepr-container-") // t.TempDir's parent is 0700: the image's user could not reach it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(root) })
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(root, "data")
	bin := filepath.Join(root, "deepr")
	copyFile(t, builtBinary, bin)
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	args := append([]string(nil), img.args...)
	for i, a := range args {
		if a == "0.0.0.0:8710" {
			args[i] = "0.0.0.0:0" // any free port
		}
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = root
	cmd.Env = []string{"PATH=/usr/bin:/bin", "DEEPR_SERVE_TOKEN=container-token-1f2e3d4c5b6a", "OPENAI_API_KEY=" + testKey,
		"OPENAI_BASE_URL=" + fake.URL(), "DEEPR_POLL_INTERVAL=1"}
	for k, v := range img.env {
		cmd.Env = append(cmd.Env, k+"="+strings.ReplaceAll(v, "/data", data))
	}
	if os.Geteuid() == 0 {
		uid, err := strconv.Atoi(img.user)
		if err != nil {
			t.Fatalf("USER %q: use a numeric uid so the image never runs as root", img.user)
		}
		if err := os.Chown(data, uid, uid); err != nil {
			t.Fatal(err)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
	} else {
		t.Logf("not root: running as uid %d, not the image's %s", os.Geteuid(), img.user)
	}
	s := startServe(t, cmd)
	if !s.stderr.waitFor("warning: listening on 0.0.0.0") {
		t.Errorf("no warning for a non-loopback address; stderr:\n%s", s.stderr)
	}
	if strings.Contains(s.login, "container-token") {
		t.Errorf("deepr serve printed the token from the environment: %s", s.login)
	}
	s.signIn("container-token-1f2e3d4c5b6a")
	var sub struct {
		Job struct{ ID string } `json:"job"`
	}
	s.must(&sub, "Submit", map[string]any{"prompt": "Heat pumps in a container"})
	ws := s.events("")
	defer ws.CloseNow()
	s.waitJob(sub.Job.ID, "completed")
	if code, _ := s.call("GetReport", sub.Job.ID); code != http.StatusOK {
		t.Errorf("GetReport: %d", code)
	}
	if fi, err := os.Stat(filepath.Join(data, "serve-sessions.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the sessions file in the data volume: %v %v, want 0600", fi, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}
