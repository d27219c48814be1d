package notify

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestIconFile: the app's icon is written once into the folder and its
// path returned, so notifications can carry it; a failure returns "".
func TestIconFile(t *testing.T) {
	dir := t.TempDir()
	png := []byte("\x89PNG fake icon")
	p := IconFile(dir, png)
	if p != filepath.Join(dir, iconName) {
		t.Fatalf("IconFile = %q, want %q", p, filepath.Join(dir, iconName))
	}
	if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, png) {
		t.Fatalf("icon file = %q, %v; want the embedded icon", got, err)
	}
	if p2 := IconFile(dir, []byte("new icon")); p2 != p {
		t.Fatalf("second IconFile = %q, want %q", p2, p)
	}
	if got, _ := os.ReadFile(p); string(got) != "new icon" {
		t.Fatalf("icon file = %q, want it replaced by a changed icon", got)
	}
	if p := IconFile(filepath.Join(dir, "missing", "deeper"), png); p != "" {
		t.Fatalf("IconFile into a missing folder = %q, want \"\"", p)
	}
	if p := IconFile(dir, nil); p != "" {
		t.Fatalf("IconFile without an icon = %q, want \"\"", p)
	}
}
