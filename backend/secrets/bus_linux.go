//go:build linux

package secrets

import (
	"errors"
	"fmt"
	"os"
)

// errNoSessionBus stops a keychain call before go-keyring runs: with no
// session bus it would start one through dbus-launch (leaving a stray
// dbus-daemon and keyring daemon behind) only to find the keyring locked.
var errNoSessionBus = errors.New("no D-Bus session bus, so no Secret Service keychain")

// sessionBusPresent reports whether a session bus is already running,
// using the same discovery as godbus without its autolaunch step.
func sessionBusPresent(getenv func(string) string, exists func(string) bool) error {
	if a := getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return nil
	}
	run := fmt.Sprintf("/run/user/%d/", os.Getuid())
	if exists(run+"bus") || exists(run+"dbus-session") {
		return nil
	}
	return errNoSessionBus
}

func osKeychainReachable() error {
	return sessionBusPresent(os.Getenv, func(p string) bool {
		_, err := os.Stat(p)
		return err == nil
	})
}
