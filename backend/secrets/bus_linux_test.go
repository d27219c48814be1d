//go:build linux

package secrets

import (
	"fmt"
	"os"
	"testing"
)

func TestSessionBusPresent(t *testing.T) {
	run := fmt.Sprintf("/run/user/%d/", os.Getuid())
	for _, tc := range []struct {
		name  string
		env   string
		files []string
		want  bool
	}{
		{"env set", "unix:path=/tmp/bus", nil, true},
		{"autolaunch only", "autolaunch:", nil, false},
		{"nothing", "", nil, false},
		{"runtime bus socket", "", []string{run + "bus"}, true},
		{"dbus-session file", "", []string{run + "dbus-session"}, true},
		{"other file", "", []string{run + "other"}, false},
	} {
		getenv := func(k string) string {
			if k == "DBUS_SESSION_BUS_ADDRESS" {
				return tc.env
			}
			return ""
		}
		exists := func(p string) bool {
			for _, f := range tc.files {
				if f == p {
					return true
				}
			}
			return false
		}
		err := sessionBusPresent(getenv, exists)
		if got := err == nil; got != tc.want {
			t.Errorf("%s: sessionBusPresent = %v, want present=%v", tc.name, err, tc.want)
		}
	}
}
