package notify

import (
	"bytes"
	"os"
	"path/filepath"
)

// iconName is the file IconFile writes.
const iconName = "deepr-notification-icon.png"

// IconFile writes png (the app's icon, embedded in the binary) into dir,
// unless the same icon is already there, and returns its path for
// Options.Icon. It returns "" when there is no icon or it cannot be
// written: notifications then go without one.
func IconFile(dir string, png []byte) string {
	if len(png) == 0 {
		return ""
	}
	p := filepath.Join(dir, iconName)
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, png) {
		return p
	}
	if err := os.WriteFile(p, png, 0o644); err != nil {
		return ""
	}
	return p
}
