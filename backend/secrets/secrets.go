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
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sirupsen/logrus"
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

func checkName(name string) error {
	if name == "" || strings.ContainsAny(name, "\x00/\\") {
		return fmt.Errorf("invalid secret name %q", name)
	}
	return nil
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
