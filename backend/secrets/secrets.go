// Package secrets keeps Deepr's secrets (the OpenAI API key, the webhook
// secret) in the OS keychain, falling back to a 0600 JSON file in the config
// dir when no keychain works.
//
// Every keychain call runs with a timeout: on headless Linux the Secret
// Service can be missing, locked ("failed to unlock correct collection") or
// hang. A keychain that fails or times out once is not asked again by the
// same Store, so only the first call waits. Values are never logged.
package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sirupsen/logrus"
	gokeyring "github.com/zalando/go-keyring"
)

// Names of the secrets Deepr stores.
const (
	OpenAIAPIKey        = "openai_api_key"
	OpenAIWebhookSecret = "openai_webhook_secret"
)

// Where a secret is kept, as returned by Get, Set and Storage.
const (
	StorageKeychain = "keychain"
	StorageFile     = "file"
)

// FileName is the fallback file's name inside the config dir.
const FileName = "secrets.json"

// DefaultService is the keychain service name secrets are stored under.
const DefaultService = "deepr"

// DefaultTimeout bounds every keychain call.
const DefaultTimeout = 3 * time.Second

// probeUser is the account name Storage looks up to see whether the
// keychain answers at all. It is never written.
const probeUser = "deepr-keychain-probe"

// Keyring is the keychain backend. Get returns an error wrapping
// go-keyring's ErrNotFound when nothing is stored.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// osKeyring is the real OS keychain through go-keyring (or its mock after
// keyring.MockInit()). When reachable is set and fails, the call is not
// made.
type osKeyring struct{ reachable func() error }

func (k osKeyring) Get(service, user string) (string, error) {
	if err := k.check(); err != nil {
		return "", err
	}
	return gokeyring.Get(service, user)
}

func (k osKeyring) Set(service, user, pw string) error {
	if err := k.check(); err != nil {
		return err
	}
	return gokeyring.Set(service, user, pw)
}

func (k osKeyring) Delete(service, user string) error {
	if err := k.check(); err != nil {
		return err
	}
	return gokeyring.Delete(service, user)
}

func (k osKeyring) check() error {
	if k.reachable == nil {
		return nil
	}
	return k.reachable()
}

// Options tune a Store. Zero values mean the defaults.
type Options struct {
	Service string             // keychain service name; "" => DefaultService
	Timeout time.Duration      // per keychain call; 0 => DefaultTimeout
	Keyring Keyring            // nil => the OS keychain via go-keyring (on Linux only when a session bus runs)
	Log     logrus.FieldLogger // nil => discard
}

// keychain states.
const (
	kcUnknown = iota // not asked yet
	kcWorks          // answered at least once
	kcBroken         // failed or timed out: not asked again
)

// Store reads and writes secrets. Its methods are safe for concurrent use
// and serialized, so while one call waits for a dead keychain the others
// wait for it and then skip the keychain. Keep one Store per process: the
// memory of a failed keychain lives in the Store.
type Store struct {
	dir     string
	service string
	timeout time.Duration
	kr      Keyring
	log     logrus.FieldLogger

	mu    sync.Mutex
	state int
}

// New returns a Store using the OS keychain and <configDir>/secrets.json.
func New(configDir string) *Store {
	return NewWithOptions(configDir, Options{})
}

// NewWithOptions returns a Store with the given backend, timeout and logger.
func NewWithOptions(configDir string, o Options) *Store {
	s := &Store{dir: configDir, service: o.Service, timeout: o.Timeout, kr: o.Keyring, log: o.Log}
	if s.service == "" {
		s.service = DefaultService
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.kr == nil {
		s.kr = osKeyring{reachable: osKeychainReachable}
	}
	if s.log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		s.log = l
	}
	return s
}

// Path is the fallback file's path.
func (s *Store) Path() string { return filepath.Join(s.dir, FileName) }

// Get returns the secret called name and where it was found ("keychain" or
// "file"). A secret that is not set gives ("", "", nil). The file is read
// first: it only holds a name when the latest Set could not use the
// keychain, so it is the newest value.
func (s *Store) Get(name string) (value, storage string, err error) {
	if err := checkName(name); err != nil {
		return "", "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	m, err := s.readFile()
	if err != nil {
		return "", "", err
	}
	if v, ok := m[name]; ok && v != "" {
		return v, StorageFile, nil
	}
	var v string
	err = s.keychain("get", name, func() error {
		var e error
		v, e = s.kr.Get(s.service, name)
		return e
	})
	if err != nil || v == "" {
		return "", "", nil
	}
	return v, StorageKeychain, nil
}

// Set saves a secret, in the keychain when it works and otherwise in the
// fallback file, and returns where it went. After a keychain save any
// older copy in the file is removed.
func (s *Store) Set(name, value string) (storage string, err error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	if value == "" {
		return "", fmt.Errorf("cannot save an empty %s: use Delete to remove it", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	err = s.keychain("set", name, func() error { return s.kr.Set(s.service, name, value) })
	if err == nil {
		if err := s.removeFromFile(name); err != nil {
			return "", fmt.Errorf("saved %s in the keychain, but an older copy is still in %s: %w", name, s.Path(), err)
		}
		return StorageKeychain, nil
	}
	m, err := s.readFile()
	if err != nil {
		return "", err
	}
	m[name] = value
	if err := s.writeFile(m); err != nil {
		return "", err
	}
	return StorageFile, nil
}

// Delete removes a secret from the keychain (when it works) and from the
// file. Deleting a secret that is not set is not an error.
func (s *Store) Delete(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	_ = s.keychain("delete", name, func() error { return s.kr.Delete(s.service, name) })
	return s.removeFromFile(name)
}

// Storage reports where Set would save a secret now: "keychain" or "file".
// The first call asks the keychain once (with the timeout); the answer is
// kept, and a keychain that fails later turns it into "file".
func (s *Store) Storage() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == kcUnknown {
		_ = s.keychain("probe", probeUser, func() error {
			_, err := s.kr.Get(s.service, probeUser)
			return err
		})
	}
	if s.state == kcWorks {
		return StorageKeychain
	}
	return StorageFile
}

// keychain runs one keychain call with the timeout and records whether the
// keychain works. It returns nil on success, and an error when the call
// failed, timed out, found nothing, or the keychain is known to be broken.
// "Not found" proves the keychain answers, so it does not mark it broken.
// s.mu must be held.
func (s *Store) keychain(op, name string, call func() error) error {
	if s.state == kcBroken {
		return errKeychainBroken
	}
	done := make(chan error, 1) // buffered: a late answer never blocks the goroutine
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("keychain %s panicked: %v", op, r)
			}
		}()
		done <- call()
	}()
	t := time.NewTimer(s.timeout)
	defer t.Stop()
	var err error
	select {
	case err = <-done:
	case <-t.C:
		err = fmt.Errorf("keychain did not answer within %s", s.timeout)
	}
	if err == nil || errors.Is(err, gokeyring.ErrNotFound) {
		s.state = kcWorks
		return err
	}
	s.state = kcBroken
	// Only the error: go-keyring errors never carry the value, and the
	// value is not passed here at all.
	s.log.WithFields(logrus.Fields{"op": op, "name": name}).WithError(err).
		Debug("OS keychain unavailable; using the secrets file for the rest of this run")
	return err
}

var errKeychainBroken = errors.New("keychain unavailable earlier in this run")

func checkName(name string) error {
	if name == "" || strings.ContainsAny(name, "\x00/\\") {
		return fmt.Errorf("invalid secret name %q", name)
	}
	return nil
}

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

// ValidateAPIKey checks an OpenAI API key lightly, after trimming spaces
// at both ends (callers should save strings.TrimSpace(k)): it must be
// non-empty, have no whitespace or control characters inside and be 20 to
// 300 characters long. The "sk-" prefix is not required (proxies and Azure
// keys differ). The message never quotes the key.
func ValidateAPIKey(k string) error {
	k = strings.TrimSpace(k)
	n := utf8.RuneCountInString(k)
	switch {
	case n == 0:
		return errors.New("the API key is empty: paste the key from platform.openai.com/api-keys")
	case !utf8.ValidString(k):
		return errors.New("the API key contains invalid characters: copy it again from platform.openai.com/api-keys")
	case strings.IndexFunc(k, unicode.IsSpace) >= 0:
		return errors.New("the API key contains spaces or line breaks: paste it again as one piece")
	case strings.IndexFunc(k, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		return errors.New("the API key contains invisible characters: copy it again from platform.openai.com/api-keys")
	case n < 20:
		return fmt.Errorf("the API key is too short (%d characters, at least 20): check that you copied all of it", n)
	case n > 300:
		return fmt.Errorf("the API key is too long (%d characters, at most 300): check that you copied only the key", n)
	}
	return nil
}
