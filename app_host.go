package main

import (
	"errors"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/deepr-desktop/deepr/backend/weblink"
)

// host is what the App's face offers beyond the service: events to the
// page, native dialogs and the OS's programs. The window's host is Wails
// (desktopHost); `deepr serve` gives the same App a browser's (webHost,
// app_web.go), so both faces run the same bound methods.
type host interface {
	// emit sends an event to the page(s).
	emit(name string, data any)
	// saveFile and pickFolder ask the user for a path ("" : cancelled).
	saveFile(o wruntime.SaveDialogOptions) (string, error)
	pickFolder(o wruntime.OpenDialogOptions) (string, error)
	// openLink opens a checked http(s) link; openFolder a folder.
	openLink(encoded string) error
	openFolder(dir string) error
	// desktop is true for the window (login entry, OS notifications).
	desktop() bool
}

// desktopHost is the window's host: the Wails runtime of the App's ctx.
type desktopHost struct{ a *App }

func (h desktopHost) emit(name string, data any) {
	if h.a.ctx != nil {
		wruntime.EventsEmit(h.a.ctx, name, data)
	}
}

func (h desktopHost) saveFile(o wruntime.SaveDialogOptions) (string, error) {
	if h.a.ctx == nil {
		return "", errNoWindow
	}
	return wruntime.SaveFileDialog(h.a.ctx, o)
}

func (h desktopHost) pickFolder(o wruntime.OpenDialogOptions) (string, error) {
	if h.a.ctx == nil {
		return "", errNoWindow
	}
	return wruntime.OpenDirectoryDialog(h.a.ctx, o)
}

// openLink opens the link here so that "no program could open it"
// reaches the window (Wails' BrowserOpenURL drops it).
func (h desktopHost) openLink(encoded string) error { return weblink.SystemOpener().Open(encoded) }
func (h desktopHost) openFolder(dir string) error   { return weblink.SystemOpener().Open(dir) }
func (h desktopHost) desktop() bool                 { return true }

var errNoWindow = errors.New("the window is not open yet: try again in a moment")
