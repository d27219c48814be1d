package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"

	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/logging"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/webserve"
)

// webHost is a browser's host (`deepr serve`): events go to the event
// stream; what needs the server's desktop is refused, since the browser
// may be on another computer. Links are checked by App.OpenURL and then
// opened by the browser itself; exports are downloads (webserve).
type webHost struct{ hub *webserve.Hub }

func (h webHost) emit(name string, data any) { h.hub.Emit(name, data) }

func (webHost) saveFile(wruntime.SaveDialogOptions) (string, error) {
	return "", errors.New("in a browser a report is exported as a download: use the Export menu")
}

func (webHost) pickFolder(o wruntime.OpenDialogOptions) (string, error) {
	return "", fmt.Errorf("%q needs a folder on the server, which a browser cannot choose: use Deepr's export and import commands on the server itself", o.Title)
}

func (webHost) openLink(string) error { return nil } // the browser opens it

func (webHost) openFolder(string) error {
	return errors.New("the report folders are on the server running deepr serve, in its data folder; a browser cannot open them")
}

func (webHost) desktop() bool { return false }

// serveWeb is `deepr serve` after its flags were checked (backend/cli):
// the window's App with a browser's host, the poller under the lease like
// the window, and the embedded frontend, until ctx ends.
func serveWeb(ctx context.Context, plan webserve.Plan, token string, ready func(url string)) error {
	level, err := logging.ParseLevel(os.Getenv("DEEPR_LOG_LEVEL"))
	if err != nil {
		return err
	}
	hub := webserve.NewHub()
	a := &App{version: version, ready: make(chan struct{}), host: webHost{hub}, log: logging.CLI(level)}
	host, _ := os.Hostname()
	// The provider's webhooks (DEEPR_USE_WEBHOOKS) arrive on this server.
	a.open(engine.Options{Holder: fmt.Sprintf("deepr serve (pid %d on %s)", os.Getpid(), host), MountWebhooks: true})
	if a.startErr != nil {
		return a.startErr
	}
	defer a.shutdown(context.Background())
	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		return err
	}
	srv, err := webserve.New(webserve.Options{
		Plan:        plan,
		Token:       token,
		Methods:     a,
		Hub:         hub,
		Assets:      themedPage(a.svc.Config().Theme)(http.FileServerFS(dist)),
		Export:      a.download,
		Webhooks:    a.svc.Webhooks(),
		SessionFile: filepath.Join(a.svc.Dirs().Data, "serve-sessions.json"),
		ErrorText:   func(err error) string { return errorData(err).(string) },
	})
	if err != nil {
		return err
	}
	return srv.Run(ctx, func(addr net.Addr) { ready(srv.URL(addr)) })
}

// download writes a report in format to a temporary file and hands it
// over; closing it removes the file.
func (a *App) download(ctx context.Context, id, format string) (string, io.ReadCloser, error) {
	s, err := a.service()
	if err != nil {
		return "", nil, err
	}
	name, err := s.ExportFileName(ctx, id, format)
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "deepr-export-")
	if err != nil {
		return "", nil, err
	}
	if _, err := s.ExportReport(ctx, research.ExportRequest{ID: id, Format: format, Output: filepath.Join(dir, "report")}); err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	f, err := os.Open(filepath.Join(dir, "report"))
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	return name, removeOnClose{f, dir}, nil
}

type removeOnClose struct {
	*os.File
	dir string
}

func (r removeOnClose) Close() error {
	err := r.File.Close()
	_ = os.RemoveAll(r.dir)
	return err
}
