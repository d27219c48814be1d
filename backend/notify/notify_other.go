//go:build !linux && !darwin && !windows

package notify

import "github.com/gen2brain/beeep"

// platform sends notifications with beeep on the remaining systems (the
// BSDs). Clicks are not reported, so nothing is ever opened.
type platform struct{}

func newPlatform(platformOptions) *platform {
	beeep.AppName = AppName
	return &platform{}
}

func (*platform) send(n Note) error { return beeep.Notify(n.Title, n.Body, "") }

func (*platform) status() string { return "basic notifications (beeep); clicks do not open reports" }

func (*platform) close() error { return nil }

func prepareProcess() error { return nil }
