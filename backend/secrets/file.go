package secrets

// The fallback file (secrets.json, 0600) for when no keychain works:
// reading it, removing one secret and writing it atomically.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"

	"github.com/sirupsen/logrus"
)

// readFile returns the fallback file's contents; a missing file is empty.
// A file readable by others is narrowed to 0600 (and logged) where the OS
// has permission bits.
func (s *Store) readFile() (map[string]string, error) {
	p := s.Path()
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the secrets file %s: %w", p, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("the secrets file %s is a folder: remove it and save the key again", p)
	}
	// Windows has ACLs, not permission bits (Go reports 0666): there the
	// file is as private as the profile folder it lives in.
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&^0o600 != 0 {
		if err := os.Chmod(p, 0o600); err != nil {
			return nil, fmt.Errorf("the secrets file %s is readable by other users (mode %04o) and could not be fixed: %w; run chmod 600 on it", p, perm, err)
		}
		s.log.WithFields(logrus.Fields{"path": p, "was": fmt.Sprintf("%04o", perm)}).
			Warn("secrets file was readable by other users; its mode is now 0600")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read the secrets file %s: %w", p, err)
	}
	m := map[string]string{}
	if len(strings.TrimSpace(string(b))) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(b, &m); err != nil {
		// Never wrap the JSON error: its text can quote the file's bytes.
		return nil, fmt.Errorf("the secrets file %s is not valid JSON: delete it and save the key again", p)
	}
	return m, nil
}

// removeFromFile deletes name from the file, removing the file when it
// becomes empty. A missing file or name is not an error.
func (s *Store) removeFromFile(name string) error {
	m, err := s.readFile()
	if err != nil {
		return err
	}
	if _, ok := m[name]; !ok {
		return nil
	}
	delete(m, name)
	if len(m) == 0 {
		if err := os.Remove(s.Path()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot remove the secrets file %s: %w", s.Path(), err)
		}
		return nil
	}
	return s.writeFile(m)
}

// writeFile replaces the fallback file atomically (temp file + rename),
// creating the config dir with mode 0700 if needed.
func (s *Store) writeFile(m map[string]string) (err error) {
	p := s.Path()
	defer func() {
		if err != nil {
			err = fmt.Errorf("cannot write the secrets file %s: %w (check that the folder is writable)", p, err)
		}
	}()
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(s.dir, ".secrets-*.tmp") // created 0600
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}
