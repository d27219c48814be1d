//go:build e2e

// Package mcpe2e drives the built `deepr mcp` over stdio with the
// official TypeScript MCP client (@modelcontextprotocol/sdk, installed in
// this folder by make test-mcp), as an AI assistant would, against the
// in-repo fake of OpenAI.
package mcpe2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

const testKey = "sk-test-mcp-e2e-0001"

func TestTypeScriptClient(t *testing.T) {
	if _, err := os.Stat(filepath.Join("node_modules", "@modelcontextprotocol", "sdk")); err != nil {
		t.Fatal("the TypeScript MCP client is not installed: run make test-mcp (npm ci in e2e/mcp)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "deepr")
	build := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", bin, "../..")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("building deepr: %v", err)
	}
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 2})
	t.Cleanup(fake.Close)
	data := filepath.Join(dir, "data")
	cmd := exec.Command("node", "mcp.e2e.mjs")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"DEEPR_BIN=" + bin,
		"DEEPR_DATA_DIR=" + data,
		"DEEPR_CONFIG_DIR=" + filepath.Join(data, "config"),
		"OPENAI_API_KEY=" + testKey,
		"OPENAI_BASE_URL=" + fake.URL(),
		"DEEPR_POLL_INTERVAL=1",
		"DBUS_SESSION_BUS_ADDRESS=disabled:", // no keychain lookups
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("the TypeScript client's run failed: %v", err)
	}
	t.Logf("the TypeScript client's run took %s", time.Since(start).Round(time.Millisecond))
}
