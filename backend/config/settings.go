package config

import (
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
	return filepath.Join(configDir, "settings.json")
}

// LoadSettings reads the settings the app saved: a flat JSON object of
// variable name to string value. A missing file is an empty map.
func LoadSettings(configDir string) (map[string]string, error) {
	path := SettingsPath(configDir)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return map[string]string{}, fmt.Errorf("cannot read the settings file %s: %v", path, err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return map[string]string{}, fmt.Errorf("the settings file %s is damaged (%v): fix it or delete it to start from the defaults", path, err)
	}
	if m == nil { // the file said null
		m = map[string]string{}
	}
	return m, nil
}

// SaveSettings validates m and writes it as configDir's settings.json,
// atomically (a temporary file renamed over the old one), with mode 0600 in
// a folder created with mode 0700. Unknown names, names that cannot be saved
// (secrets, which belong in the OS keychain, and DEEPR_CONFIG_DIR) and
// invalid values are refused, all reported together, and nothing is
// written. Empty values are dropped: they mean "use the default".
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
		s, ok := lookup(k)
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s is not a Deepr setting: use one of the names listed in docs/configuration.md", k))
			continue
		case s.Secret:
			errs = append(errs, fmt.Errorf("%s cannot be saved in settings.json: save the key in the app (it goes to the OS keychain) or set it in the environment", k))
			continue
		case k == "DEEPR_CONFIG_DIR":
			errs = append(errs, fmt.Errorf("DEEPR_CONFIG_DIR cannot be saved in settings.json (it says where that file is): set it in the environment or in .env"))
			continue
		case v == "":
			continue
		}
		if k == "DEEPR_DATA_DIR" && !filepath.IsAbs(v) {
			errs = append(errs, invalid(s.Variable, v, "", errors.New("use an absolute folder path")))
			continue
		}
		var c Config
		if err := s.set(&c, v, LoadOptions{}); err != nil {
			errs = append(errs, invalid(s.Variable, v, "", err))
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
	if err := writeAtomic(path, b); err != nil {
		return fmt.Errorf("cannot save the settings to %s: %v", path, err)
	}
	return nil
}

// writeAtomic writes b to a temporary file next to path, syncs it and
// renames it over path, so readers see the old file or the new one.
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
	return os.Rename(f.Name(), path)
}
