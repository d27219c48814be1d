package main

import (
	"context"
	_ "embed"
	"os"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/deepr-desktop/deepr/backend/notify"
	"github.com/deepr-desktop/deepr/backend/paths"
)

// appIcon is the app's icon, which notifications carry (Linux, fallback).
//
//go:embed build/appicon.png
var appIcon []byte

// Events a clicked notification sends to the UI (besides EventOpenReport).
const (
	// EventOpenJob asks the UI to show a job's details in the queue (a
	// failed or unconfirmed job's notification); the payload is the job id.
	EventOpenJob = "app:open-job"
	// EventOpenQueue asks the UI to show the queue (a summary notification
	// of many ended jobs); no payload.
	EventOpenQueue = "app:open-queue"
	// EventNotifyPermission tells the UI that macOS is about to ask whether
	// Deepr may show notifications, so it can say why; no payload.
	EventNotifyPermission = "app:notify-permission"
)

// notifyOptions are the notifier's options for the desktop app: native
// notifications through the Wails runtime ctx (macOS, Windows), and clicks
// that show the window and open what the notification names.
func (a *App) notifyOptions(ctx context.Context) notify.Options {
	return notify.Options{
		Enabled: func() bool { return a.svc != nil && a.svc.Config().Notifications },
		OnOpen:  a.openFromNotification,
		Log:     a.log,
		Context: ctx,
		Icon:    notify.IconFile(paths.Default(os.LookupEnv).State, appIcon),
		BeforeAuthorization: func() {
			wruntime.EventsEmit(ctx, EventNotifyPermission)
		},
	}
}

// openFromNotification shows the window and opens the report, the job's
// details or the queue.
func (a *App) openFromNotification(t notify.Target) {
	if a.ctx == nil {
		return
	}
	a.showWindow()
	switch t.View {
	case notify.ViewReport:
		wruntime.EventsEmit(a.ctx, EventOpenReport, t.JobID)
	case notify.ViewDetails:
		wruntime.EventsEmit(a.ctx, EventOpenJob, t.JobID)
	default:
		wruntime.EventsEmit(a.ctx, EventOpenQueue)
	}
}
