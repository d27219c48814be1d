package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/wailsapp/wails/v2/pkg/options"
	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/logging"
	"github.com/deepr-desktop/deepr/backend/notify"
	"github.com/deepr-desktop/deepr/backend/paths"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/weblink"
)

// Event names sent to the UI.
const (
	EventJobUpdated    = "job:updated"
	EventJobDeleted    = "job:deleted"
	EventHealthUpdated = "health:updated"
	EventOpenReport    = "app:open-report"
)

// App is the face the window calls: each bound method calls one use case
// of the research service and returns its typed result; errors reject the
// JS promise with their message. App also turns service events into Wails
// events. It holds no business rule of its own.
type App struct {
	version string

	ctx      context.Context
	svc      *research.Service
	notifier *notify.Notifier
	log      *logrus.Logger
	logClose io.Closer
	startErr error

	stopPoller context.CancelFunc
	pollerDone chan struct{}
	ready      chan struct{} // closed when startup has finished, successfully or not

	win windowState // hiding on close, quitting for real (app_window.go)

	host host // the window's (Wails) or a browser's (deepr serve): app_host.go
}

// NewApp creates the window's application face; startup does the real work.
func NewApp(version string) *App {
	a := &App{version: version, ready: make(chan struct{})}
	a.host = desktopHost{a}
	return a
}

// startup runs before the page loads: it opens the service and starts the
// poller (under the database lease, so it polls only if no other process does).
func (a *App) startup(ctx context.Context) {
	a.ctx = ctx
	// SIGTERM / Ctrl-C close the window cleanly: shutdown stops the poller
	// and releases the lease before the process exits.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-sig
		a.quit()
	}()
	dirs := paths.Default(os.LookupEnv)
	level, _ := logging.ParseLevel(os.Getenv("DEEPR_LOG_LEVEL"))
	if l, closer, err := logging.Desktop(dirs.State, level); err == nil {
		a.log, a.logClose = l, closer
	} else {
		a.log = logging.CLI(level)
		a.log.WithError(err).Warn("logging to stderr only")
	}
	host, _ := os.Hostname()
	a.notifier = notify.New(a.notifyOptions(ctx)) // app_notify.go
	a.open(engine.Options{
		Holder:   fmt.Sprintf("Deepr app (pid %d on %s)", os.Getpid(), host),
		Notifier: a.notifier,
		// The check of the report folders waits for the first frame (Ready).
		DeferStartupWork: true,
	})
}

// open opens the service (its events go to the App's host) and starts
// the poller; the window and deepr serve both start here.
func (a *App) open(o engine.Options) {
	defer close(a.ready)
	o.Log, o.Events = a.log, events{a}
	svc, err := engine.Open(o)
	if err != nil {
		a.startErr = err
		a.log.WithError(err).Error("cannot start")
		return
	}
	a.svc = svc
	pctx, cancel := context.WithCancel(context.Background())
	a.stopPoller, a.pollerDone = cancel, make(chan struct{})
	go func() {
		defer close(a.pollerDone)
		if err := svc.Run(pctx); err != nil && !errors.Is(err, context.Canceled) {
			a.log.WithError(err).Error("poller stopped")
			a.host.emit(EventHealthUpdated, svc.Stopped(err))
		}
	}()
}

// shutdown stops the poller (releasing the lease) and closes the database.
func (a *App) shutdown(context.Context) {
	if a.stopPoller != nil {
		a.stopPoller()
		<-a.pollerDone
	}
	_ = a.svc.Close()
	if a.notifier != nil {
		_ = a.notifier.Close()
	}
	if a.logClose != nil {
		_ = a.logClose.Close()
	}
}

func (a *App) onSecondInstance(options.SecondInstanceData) {
	if a.ctx == nil {
		return
	}
	wruntime.WindowUnminimise(a.ctx)
	wruntime.WindowShow(a.ctx)
}

// events turns service events into the host's events (Wails runtime
// events in the window, the event stream in a browser).
type events struct{ a *App }

func (e events) JobChanged(j job.Job)            { e.a.host.emit(EventJobUpdated, j) }
func (e events) JobDeleted(id string)            { e.a.host.emit(EventJobDeleted, id) }
func (e events) HealthChanged(h research.Health) { e.a.host.emit(EventHealthUpdated, h) }

// service waits for startup, then returns the service or why there is none.
func (a *App) service() (*research.Service, error) {
	select {
	case <-a.ready:
	case <-time.After(30 * time.Second):
	}
	if a.svc == nil {
		if a.startErr != nil {
			return nil, fmt.Errorf("the app could not start: %v", a.startErr)
		}
		return nil, errors.New("the app is still starting: try again in a moment")
	}
	return a.svc, nil
}

func (a *App) bg() context.Context { return context.Background() }

// call runs one use case once the service is up.
// errorData is how a bound method's error crosses to the window: the JSON
// of research.AsView ({kind, field, message}). Wails' runtime rejects the
// call with an Error made from what this returns, and it makes an Error
// of an object as "[object Object]", so the data travels as JSON text,
// which the frontend decodes (format.ts, errorMessage and errorField).
func errorData(err error) any {
	b, jerr := json.Marshal(research.AsView(err))
	if jerr != nil {
		return err.Error()
	}
	return string(b)
}

func call[T any](a *App, fn func(*research.Service, context.Context) (T, error)) (T, error) {
	s, err := a.service()
	if err != nil {
		var zero T
		return zero, err
	}
	return fn(s, a.bg())
}

// ListJobs returns jobs, newest first, each with its actions.
func (a *App) ListJobs(req research.ListRequest) ([]job.Job, error) {
	if req.Limit <= 0 {
		req.Limit = 200
	}
	return call(a, func(s *research.Service, ctx context.Context) ([]job.Job, error) { return s.List(ctx, req) })
}

// GetJob returns one job.
func (a *App) GetJob(id string) (job.Job, error) {
	return call(a, func(s *research.Service, ctx context.Context) (job.Job, error) { return s.Get(ctx, id) })
}

// Submit queues new research.
func (a *App) Submit(req research.SubmitRequest) (research.SubmitResult, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.SubmitResult, error) {
		return s.Submit(ctx, req)
	})
}

// Cancel cancels a job; the result's warning says when the provider could not be told or cannot stop a run.
func (a *App) Cancel(id string) (research.CancelResult, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.CancelResult, error) {
		return s.Cancel(ctx, id)
	})
}

// Resubmit starts a new attempt of an unconfirmed, failed or cancelled job.
func (a *App) Resubmit(id string) (job.Job, error) {
	return call(a, func(s *research.Service, ctx context.Context) (job.Job, error) { return s.Resubmit(ctx, id) })
}

// Dismiss gives up on an unconfirmed job.
func (a *App) Dismiss(id string) (job.Job, error) {
	return call(a, func(s *research.Service, ctx context.Context) (job.Job, error) { return s.Dismiss(ctx, id) })
}

// Adopt tracks the provider response an unconfirmed job became.
func (a *App) Adopt(req research.AdoptRequest) (job.Job, error) {
	return call(a, func(s *research.Service, ctx context.Context) (job.Job, error) { return s.Adopt(ctx, req) })
}

// CheckNow asks the poller to check a job right away.
func (a *App) CheckNow(id string) (research.CheckResult, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.CheckResult, error) {
		return s.CheckNow(ctx, id)
	})
}

// DeleteJob deletes a job that is not running, its report and its folder.
func (a *App) DeleteJob(id string) error {
	_, err := call(a, func(s *research.Service, ctx context.Context) (struct{}, error) { return struct{}{}, s.Delete(ctx, id) })
	return err
}

// GetReport returns a job's report, rendered and sanitized.
func (a *App) GetReport(id string) (research.ReportView, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.ReportView, error) { return s.Report(ctx, id) })
}

// SearchReports searches the library.
func (a *App) SearchReports(req research.SearchRequest) (research.SearchResult, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.SearchResult, error) {
		return s.Search(ctx, req)
	})
}

// GetSettings returns the settings (never a key itself).
func (a *App) GetSettings() (research.SettingsView, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.SettingsView, error) {
		return s.Settings(), nil
	})
}

// SaveSettings saves and applies settings at once.
func (a *App) SaveSettings(in research.SettingsInput) (research.SettingsView, error) {
	v, err := call(a, func(s *research.Service, ctx context.Context) (research.SettingsView, error) {
		return s.SaveSettings(ctx, in)
	})
	if err == nil {
		a.applyStartAtLogin() // DEEPR_START_AT_LOGIN may have changed
	}
	return v, err
}

// SetWebhookSecret saves the webhook signing secret; it never comes back.
func (a *App) SetWebhookSecret(secret string) (research.SettingsView, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.SettingsView, error) {
		return s.SetWebhookSecret(ctx, secret)
	})
}

// ClearWebhookSecret removes the saved webhook secret.
func (a *App) ClearWebhookSecret() (research.SettingsView, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.SettingsView, error) {
		return s.ClearWebhookSecret(ctx)
	})
}

// SetAPIKey saves the OpenAI key and tests it; the key never comes back.
func (a *App) SetAPIKey(key string) (research.KeyResult, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.KeyResult, error) {
		return s.SetAPIKey(ctx, key)
	})
}

// ClearAPIKey removes the saved key.
func (a *App) ClearAPIKey() (research.SettingsView, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.SettingsView, error) {
		return s.ClearAPIKey(ctx)
	})
}

// TestAPIKey checks the current key with OpenAI.
func (a *App) TestAPIKey() (research.KeyTest, error) {
	return call(a, func(s *research.Service, ctx context.Context) (research.KeyTest, error) { return s.TestKey(ctx), nil })
}

// GetHealth returns the providers' (the worst and each one's), the poller's
// and the webhook listener's health.
func (a *App) GetHealth() (research.Health, error) {
	s, err := a.service()
	if err != nil {
		return research.Health{Provider: "unknown", Summary: "Providers not checked: Deepr did not start", Message: err.Error(), Poller: research.PollerStopped}, nil
	}
	return s.Health(), nil
}

// Models lists the models of every provider.
func (a *App) Models() ([]research.ModelInfo, error) {
	return call(a, func(s *research.Service, ctx context.Context) ([]research.ModelInfo, error) { return s.Models(), nil })
}

// Version returns the app version.
func (a *App) Version() string { return a.version }

// OpenURL opens an http(s) link in the OS browser. Anything else is refused.
func (a *App) OpenURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("not opening %q: only http and https links are opened", raw)
	}
	// Encoded as Wails' BrowserOpenURL would need it.
	return a.host.openLink(weblink.Encode(u))
}

// RevealReport opens the folder that holds a job's report files.
func (a *App) RevealReport(id string) error {
	j, err := a.GetJob(id)
	if err != nil {
		return err
	}
	if j.ReportPath == "" {
		return fmt.Errorf("job %s has no report folder yet", j.ID)
	}
	return a.openFolder(j.ReportPath)
}

// OpenDataFolder opens the data folder.
func (a *App) OpenDataFolder() error {
	s, err := a.service()
	if err != nil {
		return err
	}
	return a.openFolder(s.Dirs().Data)
}

// openFolder opens a folder in the OS file manager.
func (a *App) openFolder(dir string) error {
	dir = filepath.Clean(dir)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("folder %s does not exist", dir)
	}
	return a.host.openFolder(dir)
}
