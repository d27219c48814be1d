//go:build !linux

package secrets

// osKeychainReachable: macOS and Windows keychains need no session bus.
func osKeychainReachable() error { return nil }
