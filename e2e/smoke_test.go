//go:build e2e

package e2e

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// TestWindowSmoke starts the production binary under Xvfb, waits for its
// window, takes a screenshot (artifacts/smoke-window.png) that must not be
// blank, and checks the process exits cleanly on SIGTERM.
func TestWindowSmoke(t *testing.T) {
	requireDisplay(t)
	fake := fakeopenai.New(fakeopenai.Options{APIKey: "sk-test-smoke-key-123456"})
	defer fake.Close()
	data := t.TempDir()
	p := start(t, binary(t, "deepr"), []string{
		"DEEPR_DATA_DIR=" + data,
		"DEEPR_CONFIG_DIR=" + filepath.Join(data, "config"),
		"OPENAI_API_KEY=sk-test-smoke-key-123456",
		"OPENAI_BASE_URL=" + fake.URL(),
		"DEEPR_NOTIFICATIONS=false",
	})

	var win string
	waitFor(t, 30*time.Second, "a window named Deepr", func() bool {
		out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^Deepr$").Output()
		if err != nil {
			return false
		}
		win = strings.Fields(string(out))[0]
		return true
	})
	// Give the webview time to load and paint the shell.
	shot := filepath.Join(artifacts(t), "smoke-window.png")
	waitFor(t, 20*time.Second, "a painted window (more than 20 colours)", func() bool {
		if exec.Command("import", "-window", "root", shot).Run() != nil {
			return false
		}
		n, err := strconv.Atoi(run(t, "convert", shot, "-format", "%k", "info:"))
		return err == nil && n > 20
	})
	t.Logf("window %s, screenshot %s", win, shot)

	if err := p.stop(t, 15*time.Second); err != nil {
		t.Fatalf("after SIGTERM: %v, want a clean exit 0", err)
	}
}
