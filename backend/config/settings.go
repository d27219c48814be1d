package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// SettingsPath is where the app saves settings: settings.json in configDir.
func SettingsPath(configDir string) string {
	return filepath.Join(configDir, SettingsFile)
}

// ErrDamaged is the error of a settings file that is not a JSON object
// (truncated, emptied, or edited into something else).
var ErrDamaged = errors.New("the settings file is damaged")

// LoadSettings reads the settings the app saved: a flat JSON object of
// variable name to value. Values are strings; a number, true/false or any
// other JSON value written by hand is taken as its JSON text, and null as
// not set. A missing file is an empty map; a file that is not a JSON
// object is ErrDamaged (with an empty map).
func LoadSettings(configDir string) (map[string]string, error) {
	path := SettingsPath(configDir)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return map[string]string{}, fmt.Errorf("cannot read the settings file %s (%v): every saved setting uses its default; check the file's permissions", path, err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return map[string]string{}, fmt.Errorf("%w: %s (%v); every saved setting uses its default until the settings are saved again, which keeps this file as %s", ErrDamaged, path, err, SettingsFile+".damaged")
	}
	m := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		switch {
		case bytes.Equal(v, []byte("null")):
		case json.Unmarshal(v, &s) == nil:
			m[k] = s
		default:
			var c bytes.Buffer
			_ = json.Compact(&c, v)
			m[k] = c.String()
		}
	}
	return m, nil
}

// SaveSettings checks m and writes it as configDir's settings.json,
// atomically (a temporary file in the same folder, synced, renamed over the
// old one), with mode 0600 in a folder created with mode 0700. Each name
// and value is checked as Load takes it from settings.json; names that
// cannot be saved there (unknown ones, secrets, DEEPR_CONFIG_DIR) and
// invalid values are refused, all reported together, and nothing is
// written. DEEPR_MODEL is only checked against the providers by Load
// (LoadOptions.CheckModel): check the whole result with Load and
// LoadOptions.Saved before saving it. Empty values are dropped: they mean
// "use the default". A damaged file is kept as settings.json.damaged.
func SaveSettings(configDir string, m map[string]string) error {
	clean := make(map[string]string, len(m))
	var errs []error
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := strings.TrimSpace(m[k])
		if why := unsavable(k); why != "" {
			errs = append(errs, fmt.Errorf("%s cannot be saved in %s: %s", k, SettingsFile, why))
			continue
		}
		if v == "" {
			continue
		}
		s, _ := lookup(k)
		var c Config
		err := s.set(&c, v, LoadOptions{})
		if err == nil {
			err = savedRule(k, v)
		}
		if err != nil {
			errs = append(errs, Problem{Setting: k, Value: v, Reason: err.Error()}.error())
			continue
		}
		clean[k] = v
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}

	b, err := json.MarshalIndent(clean, "", "  ")
	if err != nil {
		return fmt.Errorf("cannot encode the settings: %v", err)
	}
	b = append(b, '\n')
	if err := os.MkdirAll(configDir, 0o700); err != nil {
		return fmt.Errorf("cannot create the config folder %s: %v (set DEEPR_CONFIG_DIR to a writable folder)", configDir, err)
	}
	path := SettingsPath(configDir)
	if _, err := LoadSettings(configDir); errors.Is(err, ErrDamaged) {
		if err := os.Rename(path, path+".damaged"); err != nil {
			return fmt.Errorf("cannot keep the damaged settings file as %s.damaged: %v", path, err)
		}
	}
	if err := writeAtomic(path, b); err != nil {
		return fmt.Errorf("cannot save the settings to %s: %v", path, err)
	}
	return nil
}

// writeAtomic writes b to a temporary file next to path, syncs it and
// renames it over path, so readers see the old file or the new one, then
// syncs the folder so the rename survives a crash.
func writeAtomic(path string, b []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".settings-*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(b); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, derr := os.Open(filepath.Dir(path)); derr == nil { // not every system syncs a folder (Windows)
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
