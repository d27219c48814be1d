//go:build !linux

package notify

import (
	"github.com/gen2brain/beeep"
	"github.com/sirupsen/logrus"
)

// platform sends notifications with beeep. Clicks are not reported on
// these systems, so OnClick is unused.
type platform struct{}

func newPlatform(onClick func(string), log logrus.FieldLogger) *platform {
	beeep.AppName = AppName // Windows shows it as the toast's sender
	return &platform{}
}

func (*platform) send(title, body, _ string) error { return beeep.Notify(title, body, "") }

func (*platform) close() error { return nil }
