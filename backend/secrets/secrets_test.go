package secrets

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	gokeyring "github.com/zalando/go-keyring"
)

const testKey = "sk-test-0123456789abcdefghijklmnop"

// setup returns a Store on a fresh config dir with the given backend, a
// short timeout and a debug logger writing to the returned buffer.
func setup(t *testing.T, kr Keyring) (*Store, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	l := logrus.New()
	l.SetOutput(&buf)
	l.SetLevel(logrus.DebugLevel)
	dir := filepath.Join(t.TempDir(), "config")
	return NewWithOptions(dir, Options{Keyring: kr, Timeout: 50 * time.Millisecond, Log: l}), &buf
}

// mapKeyring is an in-memory keychain that counts calls.
type mapKeyring struct {
	mu    sync.Mutex
	m     map[string]string
	calls int
}

func (k *mapKeyring) Get(svc, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls++
	v, ok := k.m[svc+"/"+user]
	if !ok {
		return "", gokeyring.ErrNotFound
	}
	return v, nil
}

func (k *mapKeyring) Set(svc, user, pw string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls++
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[svc+"/"+user] = pw
	return nil
}

func (k *mapKeyring) Delete(svc, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls++
	if _, ok := k.m[svc+"/"+user]; !ok {
		return gokeyring.ErrNotFound
	}
	delete(k.m, svc+"/"+user)
	return nil
}

// blockingKeyring never answers until the test ends.
type blockingKeyring struct {
	release chan struct{}
	mu      sync.Mutex
	calls   int
}

func newBlocking(t *testing.T) *blockingKeyring {
	k := &blockingKeyring{release: make(chan struct{})}
	t.Cleanup(func() { close(k.release) })
	return k
}

func (k *blockingKeyring) wait() {
	k.mu.Lock()
	k.calls++
	k.mu.Unlock()
	<-k.release
}
func (k *blockingKeyring) Get(string, string) (string, error) { k.wait(); return "", nil }
func (k *blockingKeyring) Set(string, string, string) error   { k.wait(); return nil }
func (k *blockingKeyring) Delete(string, string) error        { k.wait(); return nil }

func (k *blockingKeyring) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.calls
}

// errKeyring fails every call like a locked Secret Service.
type errKeyring struct{ calls int }

var errLocked = errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")

func (k *errKeyring) Get(string, string) (string, error) { k.calls++; return "", errLocked }
func (k *errKeyring) Set(string, string, string) error   { k.calls++; return errLocked }
func (k *errKeyring) Delete(string, string) error        { k.calls++; return errLocked }

// panicKeyring panics, like a backend with a nil D-Bus connection might.
type panicKeyring struct{}

func (panicKeyring) Get(string, string) (string, error) { panic("boom") }
func (panicKeyring) Set(string, string, string) error   { panic("boom") }
func (panicKeyring) Delete(string, string) error        { panic("boom") }

// wantMode fails unless p has the permission bits want, where the OS has
// such modes. Windows has ACLs instead (Go reports 0666 or 0777): there the
// file is private because the user's profile folder it lives in is.
func wantMode(t *testing.T, p string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatalf("stat %s: %v", p, err)
	}
	if m := fi.Mode().Perm(); runtime.GOOS != "windows" && m != want {
		t.Fatalf("mode of %s = %04o, want %04o", p, m, want)
	}
}

func wantGet(t *testing.T, s *Store, name, wantV, wantStorage string) {
	t.Helper()
	v, st, err := s.Get(name)
	if err != nil {
		t.Fatalf("Get(%q) error: %v", name, err)
	}
	if v != wantV || st != wantStorage {
		t.Fatalf("Get(%q) = (%q, %q), want (%q, %q)", name, v, st, wantV, wantStorage)
	}
}

// TestGoKeyringMock exercises the go-keyring backend with its in-memory
// mock: the keychain is used and no file is written. (The session-bus
// guard New adds on Linux is left out: tests run without a bus.)
func TestGoKeyringMock(t *testing.T) {
	gokeyring.MockInit()
	dir := t.TempDir()
	s := NewWithOptions(dir, Options{Keyring: osKeyring{}})

	if got := s.Storage(); got != StorageKeychain {
		t.Fatalf("Storage() = %q, want %q", got, StorageKeychain)
	}
	wantGet(t, s, OpenAIAPIKey, "", "")
	st, err := s.Set(OpenAIAPIKey, testKey)
	if err != nil || st != StorageKeychain {
		t.Fatalf("Set = (%q, %v), want (%q, nil)", st, err, StorageKeychain)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("secrets file exists after a keychain save (stat err %v), want none", err)
	}
	if got, _ := gokeyring.Get(DefaultService, OpenAIAPIKey); got != testKey {
		t.Fatalf("go-keyring holds %q, want the key", got)
	}
	wantGet(t, s, OpenAIAPIKey, testKey, StorageKeychain)
	if err := s.Delete(OpenAIAPIKey); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantGet(t, s, OpenAIAPIKey, "", "")
	if err := s.Delete(OpenAIAPIKey); err != nil {
		t.Fatalf("second Delete: %v, want nil", err)
	}
}

// TestUnreachableKeychainNotCalled: when the guard says there is no
// keychain (no session bus), go-keyring is never called.
func TestUnreachableKeychainNotCalled(t *testing.T) {
	gokeyring.MockInit()
	noBus := func() error { return errNoBusForTest }
	s := NewWithOptions(t.TempDir(), Options{Keyring: osKeyring{reachable: noBus}})
	if st, err := s.Set(OpenAIAPIKey, testKey); err != nil || st != StorageFile {
		t.Fatalf("Set = (%q, %v), want (%q, nil)", st, err, StorageFile)
	}
	if v, err := gokeyring.Get(DefaultService, OpenAIAPIKey); !errors.Is(err, gokeyring.ErrNotFound) {
		t.Fatalf("go-keyring holds %q (err %v), want nothing: it must not be called", v, err)
	}
	wantGet(t, s, OpenAIAPIKey, testKey, StorageFile)
}

var errNoBusForTest = errors.New("no session bus")

func TestBlockingKeychainFallsBackToFile(t *testing.T) {
	kr := newBlocking(t)
	s, _ := setup(t, kr)

	done := make(chan struct{})
	var st string
	var err error
	go func() {
		defer close(done)
		st, err = s.Set(OpenAIAPIKey, testKey)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second): // a safety net only; the timeout is 50ms
		t.Fatal("Set still blocked after 5s with a 50ms keychain timeout")
	}
	if err != nil || st != StorageFile {
		t.Fatalf("Set = (%q, %v), want (%q, nil)", st, err, StorageFile)
	}
	wantMode(t, s.Path(), 0o600)
	wantMode(t, s.dir, 0o700)
	// The dead keychain is remembered: no more calls, no more waiting.
	before := kr.count()
	wantGet(t, s, OpenAIAPIKey, testKey, StorageFile)
	wantGet(t, s, OpenAIWebhookSecret, "", "")
	if got := s.Storage(); got != StorageFile {
		t.Fatalf("Storage() = %q, want %q", got, StorageFile)
	}
	if err := s.Delete(OpenAIAPIKey); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if after := kr.count(); after != before {
		t.Fatalf("keychain called %d more times after it timed out, want 0", after-before)
	}
	wantGet(t, s, OpenAIAPIKey, "", "")
}

func TestStorageProbeTimesOut(t *testing.T) {
	kr := newBlocking(t)
	s, _ := setup(t, kr)
	if got := s.Storage(); got != StorageFile {
		t.Fatalf("Storage() = %q, want %q", got, StorageFile)
	}
	if got := s.Storage(); got != StorageFile || kr.count() != 1 {
		t.Fatalf("second Storage() = %q after %d keychain calls, want %q after 1", got, kr.count(), StorageFile)
	}
}

func TestFailingKeychainFallsBackToFile(t *testing.T) {
	for _, tc := range []struct {
		name string
		kr   Keyring
	}{
		{"error", &errKeyring{}},
		{"panic", panicKeyring{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := setup(t, tc.kr)
			st, err := s.Set(OpenAIAPIKey, testKey)
			if err != nil || st != StorageFile {
				t.Fatalf("Set = (%q, %v), want (%q, nil)", st, err, StorageFile)
			}
			wantMode(t, s.Path(), 0o600)
			if _, err := s.Set(OpenAIWebhookSecret, "whsec_abcdefabcdef"); err != nil {
				t.Fatalf("Set webhook secret: %v", err)
			}
			wantGet(t, s, OpenAIAPIKey, testKey, StorageFile)
			wantGet(t, s, OpenAIWebhookSecret, "whsec_abcdefabcdef", StorageFile)
			if got := s.Storage(); got != StorageFile {
				t.Fatalf("Storage() = %q, want %q", got, StorageFile)
			}
		})
	}
	kr := &errKeyring{}
	s, _ := setup(t, kr)
	_, _ = s.Set(OpenAIAPIKey, testKey)
	_, _, _ = s.Get(OpenAIAPIKey)
	_ = s.Delete(OpenAIAPIKey)
	if kr.calls != 1 {
		t.Fatalf("failing keychain called %d times, want 1 (remembered as broken)", kr.calls)
	}
}

// TestGetFromFileWrittenEarlier reads a file written by another process
// (a new Store) while the keychain has nothing.
func TestGetFromFileWrittenEarlier(t *testing.T) {
	s, _ := setup(t, &errKeyring{})
	if _, err := s.Set(OpenAIAPIKey, testKey); err != nil {
		t.Fatal(err)
	}
	s2 := NewWithOptions(s.dir, Options{Keyring: &mapKeyring{}, Timeout: 50 * time.Millisecond})
	wantGet(t, s2, OpenAIAPIKey, testKey, StorageFile)
}

// TestKeychainSaveRemovesFileCopy: once the keychain works again, a save
// there removes the stale file copy but keeps the other secrets.
func TestKeychainSaveRemovesFileCopy(t *testing.T) {
	s, _ := setup(t, &errKeyring{})
	if _, err := s.Set(OpenAIAPIKey, "old-key-0123456789abcdef"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Set(OpenAIWebhookSecret, "whsec_abcdefabcdef"); err != nil {
		t.Fatal(err)
	}
	kr := &mapKeyring{}
	s2 := NewWithOptions(s.dir, Options{Keyring: kr, Timeout: 50 * time.Millisecond})
	if st, err := s2.Set(OpenAIAPIKey, testKey); err != nil || st != StorageKeychain {
		t.Fatalf("Set = (%q, %v), want (%q, nil)", st, err, StorageKeychain)
	}
	wantGet(t, s2, OpenAIAPIKey, testKey, StorageKeychain)
	wantGet(t, s2, OpenAIWebhookSecret, "whsec_abcdefabcdef", StorageFile)
	b, err := os.ReadFile(s2.Path())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "old-key") {
		t.Fatalf("file still holds the old key after a keychain save:\n%s", b)
	}
}

func TestDeleteRemovesBoth(t *testing.T) {
	kr := &mapKeyring{}
	s, _ := setup(t, kr)
	// One copy in each place, as after a fallback followed by a recovery.
	if err := kr.Set(DefaultService, OpenAIAPIKey, "keychain-copy-0123456789"); err != nil {
		t.Fatal(err)
	}
	if err := s.writeFile(map[string]string{OpenAIAPIKey: "file-copy-0123456789"}); err != nil {
		t.Fatal(err)
	}
	wantGet(t, s, OpenAIAPIKey, "file-copy-0123456789", StorageFile)
	if err := s.Delete(OpenAIAPIKey); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := kr.Get(DefaultService, OpenAIAPIKey); !errors.Is(err, gokeyring.ErrNotFound) {
		t.Fatalf("keychain Get after Delete: err = %v, want ErrNotFound", err)
	}
	if _, err := os.Stat(s.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("secrets file after deleting its only secret: stat err = %v, want not exist", err)
	}
	wantGet(t, s, OpenAIAPIKey, "", "")
}

func TestWideFileModeIsFixed(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no permission bits to widen (TestNoModeWarningWithoutModes)")
	}
	s, buf := setup(t, &errKeyring{})
	if _, err := s.Set(OpenAIAPIKey, testKey); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(s.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	wantGet(t, s, OpenAIAPIKey, testKey, StorageFile)
	wantMode(t, s.Path(), 0o600)
	if !strings.Contains(buf.String(), "mode is now 0600") {
		t.Fatalf("log does not mention the fixed mode:\n%s", buf.String())
	}
}

func TestCorruptFile(t *testing.T) {
	s, _ := setup(t, &errKeyring{})
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Path(), []byte(`{"openai_api_key": "sk-secret-value-`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Get(OpenAIAPIKey)
	if err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Fatalf("Get on a corrupt file: err = %v, want one saying 'not valid JSON'", err)
	}
	if strings.Contains(err.Error(), "sk-secret") {
		t.Fatalf("error quotes the file's contents: %v", err)
	}
	if _, err := s.Set(OpenAIAPIKey, testKey); err == nil {
		t.Fatal("Set over a corrupt file succeeded, want an error (it would drop other secrets)")
	}
}

func TestInvalidArguments(t *testing.T) {
	s, _ := setup(t, &mapKeyring{})
	if _, err := s.Set("", testKey); err == nil {
		t.Error("Set with an empty name: want error, got nil")
	}
	if _, err := s.Set(OpenAIAPIKey, ""); err == nil {
		t.Error("Set with an empty value: want error, got nil")
	}
	if _, _, err := s.Get("../x"); err == nil {
		t.Error("Get with a path-like name: want error, got nil")
	}
}

// TestValuesNeverLogged runs every path, fallbacks included, at debug
// level and checks that no value reaches the log.
func TestValuesNeverLogged(t *testing.T) {
	for _, tc := range []struct {
		name string
		kr   Keyring
	}{
		{"keychain", &mapKeyring{}},
		{"error", &errKeyring{}},
		{"blocking", newBlocking(t)},
		{"panic", panicKeyring{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, buf := setup(t, tc.kr)
			_ = s.Storage()
			if _, err := s.Set(OpenAIAPIKey, testKey); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(s.Path()); err == nil {
				_ = os.Chmod(s.Path(), 0o666)
			}
			_, _, _ = s.Get(OpenAIAPIKey)
			_ = s.Delete(OpenAIAPIKey)
			if strings.Contains(buf.String(), testKey) || strings.Contains(buf.String(), "0123456789abcdef") {
				t.Fatalf("the secret value appears in the log:\n%s", buf.String())
			}
		})
	}
	// The fallback must have been logged somewhere, or the test above
	// proves nothing about the logging paths.
	s, buf := setup(t, &errKeyring{})
	_, _ = s.Set(OpenAIAPIKey, testKey)
	if !strings.Contains(buf.String(), "keychain unavailable") {
		t.Fatalf("fallback not logged at debug:\n%s", buf.String())
	}
}

func TestValidateAPIKey(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want string // substring of the error; "" => valid
	}{
		{testKey, ""},
		{"  " + testKey + "\n", ""},
		{"azure0123456789abcdef0123", ""}, // no sk- prefix needed
		{strings.Repeat("a", 20), ""},
		{strings.Repeat("a", 300), ""},
		{"", "empty"},
		{"   \n\t", "empty"},
		{"sk-abc 0123456789abcdefghij", "spaces or line breaks"},
		{"sk-abc\n0123456789abcdefghij", "spaces or line breaks"},
		{"sk-abc\x000123456789abcdefghij", "invisible"},
		{"sk-abc\u200b0123456789abcdefghij", "invisible"},
		{strings.Repeat("a", 19), "too short (19 characters"},
		{strings.Repeat("a", 301), "too long (301 characters"},
		{"sk-\xff0123456789abcdefghij", "invalid characters"},
	} {
		err := ValidateAPIKey(tc.key)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ValidateAPIKey(%q) = %v, want nil", tc.key, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("ValidateAPIKey(%q) = %v, want an error containing %q", tc.key, err, tc.want)
		case err != nil && len(strings.TrimSpace(tc.key)) > 5 && strings.Contains(err.Error(), strings.TrimSpace(tc.key)):
			t.Errorf("ValidateAPIKey(%q) error quotes the key: %v", tc.key, err)
		}
	}
}

// TestNoModeWarningWithoutModes: a file the store wrote itself is read
// without a warning on every OS; on Windows, where Go reports every file as
// 0666, the mode check must not claim to narrow it on each read.
func TestNoModeWarningWithoutModes(t *testing.T) {
	s, buf := setup(t, &errKeyring{})
	if _, err := s.Set(OpenAIAPIKey, testKey); err != nil {
		t.Fatal(err)
	}
	wantGet(t, s, OpenAIAPIKey, testKey, StorageFile)
	wantGet(t, s, OpenAIAPIKey, testKey, StorageFile)
	if strings.Contains(buf.String(), "readable by other users") {
		t.Fatalf("reading a file the store wrote warned about its mode:\n%s", buf.String())
	}
}
