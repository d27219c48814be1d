package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestVersionOneSource checks that wails.json and the fallback version in
// main.go follow the VERSION file (the Makefile injects VERSION with
// -ldflags; tools/sync-version.sh writes it into wails.json).
func TestVersionOneSource(t *testing.T) {
	raw, err := os.ReadFile("VERSION")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(string(raw))
	var cfg struct {
		Info struct {
			ProductVersion string `json:"productVersion"`
		} `json:"info"`
	}
	data, err := os.ReadFile("wails.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("wails.json: %v", err)
	}
	if cfg.Info.ProductVersion != want {
		t.Errorf("wails.json productVersion is %q, VERSION says %q: run tools/sync-version.sh", cfg.Info.ProductVersion, want)
	}
	if !strings.HasPrefix(version, want) {
		t.Errorf("main.version defaults to %q, which does not start with VERSION %q", version, want)
	}
}
