package secrets

// The OS keychain: its interface, the go-keyring backend, and the one
// call wrapper that times a call out and remembers a broken keychain.

import (
	"errors"
	"fmt"
	"time"

	"github.com/sirupsen/logrus"
	gokeyring "github.com/zalando/go-keyring"
)

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
