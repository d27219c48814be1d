package webserve

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// MaxSessions is how many browsers can be signed in with one token at
// once; signing in one more signs out the one used least recently.
const MaxSessions = 16

// SessionTTL is how long a session lasts after its sign-in.
const SessionTTL = 30 * 24 * time.Hour

// sessions are the signed-in browsers of one token. A session is a random
// cookie value; only its SHA-256 is kept, in memory and (when file is
// set) in a 0600 file, so a restart with the same token keeps browsers
// signed in and a new token signs every one out.
type sessions struct {
	token []byte
	file  string // "" : memory only
	now   func() time.Time

	mu   sync.Mutex
	live map[string]*session // by hex SHA-256 of the cookie value
	fail []time.Time         // recent wrong tokens (rate limit)
}

type session struct {
	Issued time.Time `json:"issued"`
	Seen   time.Time `json:"seen"`
}

// sessionFile is what the file holds: the sessions of the token whose
// fingerprint it names.
type sessionFile struct {
	Token    string              `json:"token"` // HMAC of a constant under the token: tells tokens apart, reveals nothing
	Sessions map[string]*session `json:"sessions"`
}

func newSessions(token, file string, now func() time.Time) *sessions {
	s := &sessions{token: []byte(token), file: file, now: now, live: map[string]*session{}}
	s.load()
	return s
}

func (s *sessions) fingerprint() string {
	m := hmac.New(sha256.New, s.token)
	m.Write([]byte("deepr serve sessions"))
	return hex.EncodeToString(m.Sum(nil))
}

func (s *sessions) load() {
	if s.file == "" {
		return
	}
	b, err := os.ReadFile(s.file)
	if err != nil {
		return
	}
	var f sessionFile
	if json.Unmarshal(b, &f) != nil || f.Token != s.fingerprint() {
		return // another token's sessions: all signed out
	}
	now := s.now()
	for k, v := range f.Sessions {
		if v != nil && now.Sub(v.Issued) < SessionTTL && len(s.live) < MaxSessions {
			s.live[k] = v
		}
	}
}

// save writes the sessions; the caller holds mu.
func (s *sessions) save() error {
	if s.file == "" {
		return nil
	}
	b, err := json.Marshal(sessionFile{Token: s.fingerprint(), Sessions: s.live})
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.file), ".sessions-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err = tmp.Write(b); err == nil {
		err = tmp.Chmod(0o600)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.file)
}

// errTooManyTries is a sign-in refused because too many wrong tokens came lately.
var errTooManyTries = errors.New("too many wrong tokens in the last minute: wait a minute and try again")

// errWrongToken is a sign-in with a token that is not this server's.
var errWrongToken = errors.New("this sign-in token is not the one deepr serve printed (or DEEPR_SERVE_TOKEN): open the URL it printed")

// maxFailures is how many wrong tokens are tried per minute before every
// sign-in waits.
const maxFailures = 20

// login exchanges the token for a new session and returns the cookie value.
func (s *sessions) login(token string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	recent := s.fail[:0]
	for _, t := range s.fail {
		if now.Sub(t) < time.Minute {
			recent = append(recent, t)
		}
	}
	s.fail = recent
	if len(s.fail) >= maxFailures {
		return "", errTooManyTries
	}
	if subtle.ConstantTimeCompare([]byte(token), s.token) != 1 {
		s.fail = append(s.fail, now)
		return "", errWrongToken
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("making a session: %w", err)
	}
	value := base64.RawURLEncoding.EncodeToString(raw)
	for len(s.live) >= MaxSessions {
		s.evictOldest()
	}
	s.live[hashOf(value)] = &session{Issued: now, Seen: now}
	if err := s.save(); err != nil {
		return "", fmt.Errorf("saving the session: %w", err)
	}
	return value, nil
}

func (s *sessions) evictOldest() {
	var oldest string
	var at time.Time
	for k, v := range s.live {
		if oldest == "" || v.Seen.Before(at) {
			oldest, at = k, v.Seen
		}
	}
	delete(s.live, oldest)
}

// valid reports whether a cookie value is a live session, and marks it seen.
func (s *sessions) valid(value string) bool {
	if value == "" {
		return false
	}
	k := hashOf(value)
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.live[k]
	if !ok {
		return false
	}
	now := s.now()
	if now.Sub(v.Issued) >= SessionTTL {
		delete(s.live, k)
		_ = s.save()
		return false
	}
	v.Seen = now
	return true
}

// logout ends a session.
func (s *sessions) logout(value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.live[hashOf(value)]; ok {
		delete(s.live, hashOf(value))
		_ = s.save()
	}
}

func hashOf(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}
