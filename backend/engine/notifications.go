package engine

import (
	"time"

	"github.com/deepr-desktop/deepr/backend/notify"
)

// NotificationStatus says how this machine's desktop session would show
// Deepr's notifications (a D-Bus server, the native API, or the quiet
// fallback), for `deepr doctor`. It gives up after two seconds so a stuck
// session bus never hangs the doctor.
func NotificationStatus() string {
	done := make(chan string, 1)
	go func() {
		n := notify.New(notify.Options{Enabled: func() bool { return true }})
		defer func() { _ = n.Close() }()
		done <- n.Status()
	}()
	select {
	case s := <-done:
		return s
	case <-time.After(2 * time.Second):
		return "unknown: the desktop session did not answer within 2 s; notifications fall back to the basic sender"
	}
}
