//go:build darwin

package notify

// platform is the Wails notifications API (native.go).
type platform = nativePlatform

func newPlatform(o platformOptions) *platform {
	return newNativePlatform(o, nativeOS{name: nativeName, settings: settingsPlace, hint: setupHint, afterInit: afterInitialize})
}

const (
	nativeName    = "macOS notifications (UserNotifications, bundle io.deepr)"
	settingsPlace = "System Settings > Notifications > Deepr"
	setupHint     = "notifications need Deepr.app with its bundle id; a bare binary cannot send them"
)

// prepareProcess has nothing to do on macOS: the bundle id is the identity.
func prepareProcess() error { return nil }

// afterInitialize has nothing to do on macOS.
func afterInitialize() error { return nil }
