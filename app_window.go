package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/deepr-desktop/deepr/backend/autostart"
	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/research"
)

// closeNoticeFile, in the config folder, records that the first close
// with jobs active has explained what happens.
const closeNoticeFile = "close-notice-shown"

// windowState is the App's window bookkeeping (see beforeClose).
type windowState struct {
	quitting atomic.Bool // quit() was called: closing must not hide
	asking   atomic.Bool // the first-close question is on screen
}

// startHidden reports whether the desktop app was started by the login
// entry, with its window hidden (autostart.HiddenFlag).
func startHidden(args []string) bool { return slices.Contains(args, autostart.HiddenFlag) }

// closeChoice is what closing the window does.
type closeChoice int

const (
	closeQuit closeChoice = iota // let the window close: the app quits
	closeHide                    // hide the window, keep tracking
	closeAsk                     // first time: explain, then hide or quit
)

// decideClose says what closing the window does. An explicit quit (the
// menu, a signal, the first-close question) always quits, and so does
// closing with no active job; otherwise DEEPR_CLOSE_ACTION decides, and
// keep-tracking asks once before it first hides the window.
func decideClose(quitting bool, action string, activeJobs bool, noticeShown bool) closeChoice {
	switch {
	case quitting, !activeJobs, action == config.CloseQuit:
		return closeQuit
	case noticeShown:
		return closeHide
	default:
		return closeAsk
	}
}

// beforeClose is Wails' OnBeforeClose. It returns true (keep the app
// running) to hide the window instead of quitting while jobs are active.
// The work is done on another goroutine: dialogs must not run inside the
// platform's close handler.
func (a *App) beforeClose(ctx context.Context) (prevent bool) {
	e := a.svc
	if e == nil {
		return false
	}
	choice := decideClose(a.win.quitting.Load(), e.Config().CloseAction, a.hasActiveJobs(), a.closeNoticeShown())
	switch choice {
	case closeHide:
		wruntime.WindowHide(ctx)
		return true
	case closeAsk:
		if a.win.asking.CompareAndSwap(false, true) {
			go a.askOnFirstClose(ctx)
		}
		return true
	default:
		return false
	}
}

// askOnFirstClose says, once, that closing keeps tracking, and lets the
// user quit instead this time.
func (a *App) askOnFirstClose(ctx context.Context) {
	defer a.win.asking.Store(false)
	answer, err := wruntime.MessageDialog(ctx, wruntime.MessageDialogOptions{
		Type:  wruntime.QuestionDialog,
		Title: "Keep tracking in the background?",
		Message: "Research is still running. Deepr can hide its window and keep checking it: " +
			"a notification tells you when each job ends, and opening Deepr again shows this window.\n\n" +
			"Yes: hide the window and keep tracking.\nNo: quit now (tracking resumes the next time you start Deepr).\n\n" +
			"You will not be asked again. To always quit on close, choose it under \"When the window is closed while research runs\" in Settings.",
		DefaultButton: "Yes",
		CancelButton:  "Yes",
	})
	a.markCloseNoticeShown()
	if err == nil && (answer == "No" || answer == "Quit") {
		a.quit()
		return
	}
	wruntime.WindowHide(ctx)
}

// quit quits the app for real, past beforeClose.
func (a *App) quit() {
	a.win.quitting.Store(true)
	if a.ctx != nil {
		wruntime.Quit(a.ctx)
	}
}

// showWindow brings the window back (a second launch, a notification).
func (a *App) showWindow() {
	if a.ctx == nil {
		return
	}
	wruntime.WindowShow(a.ctx)
	wruntime.WindowUnminimise(a.ctx)
}

// hasActiveJobs reports whether the poller still has work; on a database
// error it says yes, so closing does not silently stop tracking.
func (a *App) hasActiveJobs() bool {
	jobs, err := a.svc.List(a.bg(), research.ListRequest{Statuses: []string{"queued", "submitting", "running"}, Limit: 1})
	if err != nil {
		a.log.WithError(err).Warn("could not count active jobs; keeping Deepr running on close")
		return true
	}
	return len(jobs) > 0
}

func (a *App) closeNoticePath() string { return filepath.Join(a.svc.Dirs().Config, closeNoticeFile) }

func (a *App) closeNoticeShown() bool {
	_, err := os.Stat(a.closeNoticePath())
	return err == nil || !errors.Is(err, fs.ErrNotExist) // unreadable: do not nag
}

func (a *App) markCloseNoticeShown() {
	if err := os.WriteFile(a.closeNoticePath(), []byte("The first close with active jobs was explained.\n"), 0o600); err != nil {
		a.log.WithError(err).Warn("could not record that the close notice was shown")
	}
}

// applyStartAtLogin writes or removes the login entry to match
// DEEPR_START_AT_LOGIN. Call it at startup and after settings are saved.
func (a *App) applyStartAtLogin() {
	if a.svc == nil || !a.host.desktop() { // deepr serve writes no login entry
		return
	}
	l, err := autostart.Default()
	if err == nil {
		err = l.Set(a.svc.Config().StartAtLogin)
	}
	if err != nil {
		a.log.WithError(err).Warn("start at login not applied")
	}
}

// domReady is Wails' OnDomReady: the engine is up, so the login entry can
// follow the setting.
func (a *App) domReady(context.Context) { a.applyStartAtLogin() }
