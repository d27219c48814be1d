package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
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
	"github.com/deepr-desktop/deepr/backend/secrets"
	"github.com/deepr-desktop/deepr/backend/store"
	"github.com/deepr-desktop/deepr/backend/weblink"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// Event names sent to the UI.
const (
	EventJobUpdated    = "job:updated"
	EventJobDeleted    = "job:deleted"
	EventHealthUpdated = "health:updated"
	EventOpenReport    = "app:open-report"
)

// App is the facade the UI calls. Each method validates its input, calls
// one backend function and returns typed values; errors reject the JS
// promise with their message.
type App struct {
	version string

	ctx      context.Context
	eng      *engine.Engine
	secrets  *secrets.Store
	notifier *notify.Notifier
	log      *logrus.Logger
	logClose io.Closer
	startErr error

	stopWorker context.CancelFunc
	workerDone chan struct{}
	ready      chan struct{} // closed when startup has finished, successfully or not
}

// NewApp creates the application facade; startup does the real work.
func NewApp(version string) *App { return &App{version: version, ready: make(chan struct{})} }

// startup runs before the page loads: it opens the database and starts the
// poller (under the database lease, so it polls only if no other process does).
func (a *App) startup(ctx context.Context) {
	a.ctx = ctx
	defer close(a.ready)
	// SIGTERM / Ctrl-C close the window cleanly: shutdown stops the poller
	// and releases the lease before the process exits.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-sig
		wruntime.Quit(ctx)
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
	n := notify.New(notify.Options{
		Enabled: func() bool { return a.eng != nil && a.eng.Config().Notifications },
		OnClick: a.openReportFromNotification,
		Log:     a.log,
	})
	a.notifier = n
	eng, err := engine.Open(engine.Options{
		Log:     a.log,
		Holder:  fmt.Sprintf("Deepr app (pid %d on %s)", os.Getpid(), host),
		Keys:    a.savedSecret,
		Emitter: emitter{a},
		Notify:  n,
	})
	if err != nil {
		a.startErr = err
		a.log.WithError(err).Error("cannot start")
		return
	}
	a.eng = eng
	if a.secrets == nil {
		a.secrets = secrets.New(eng.Dirs.Config)
	}
	eng.Research.Emit = func(j job.Job) { wruntime.EventsEmit(ctx, EventJobUpdated, j) }
	eng.Research.Deleted = func(id string) { wruntime.EventsEmit(ctx, EventJobDeleted, id) }
	a.startPoller()
}

// startPoller runs the poller (and the webhook listener, when on) in the
// background until stopPoller.
func (a *App) startPoller() {
	wctx, cancel := context.WithCancel(context.Background())
	a.stopWorker, a.workerDone = cancel, make(chan struct{})
	go func() {
		defer close(a.workerDone)
		if err := a.eng.Run(wctx); err != nil && !errors.Is(err, context.Canceled) {
			a.log.WithError(err).Error("poller stopped")
			wruntime.EventsEmit(a.ctx, EventHealthUpdated, worker.Health{Provider: "unknown", Message: err.Error(), Poller: worker.PollerStopped})
		}
	}()
}

func (a *App) stopPoller() {
	if a.stopWorker != nil {
		a.stopWorker()
		<-a.workerDone
		a.stopWorker = nil
	}
}

// restartPollerIf restarts the poller when the webhook settings changed
// (the listener is started and stopped with it).
func (a *App) restartPollerIf(before string) {
	if a.eng.WebhookConfig() != before {
		a.stopPoller()
		a.startPoller()
	}
}

// shutdown stops the poller (releasing the lease) and closes the database.
func (a *App) shutdown(context.Context) {
	a.stopPoller()
	if a.eng != nil {
		_ = a.eng.Close()
	}
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

func (a *App) openReportFromNotification(jobID string) {
	if a.ctx == nil {
		return
	}
	wruntime.WindowUnminimise(a.ctx)
	wruntime.WindowShow(a.ctx)
	wruntime.EventsEmit(a.ctx, EventOpenReport, jobID)
}

// emitter turns worker events into Wails runtime events.
type emitter struct{ a *App }

func (e emitter) JobChanged(j job.Job) {
	if e.a.ctx != nil {
		wruntime.EventsEmit(e.a.ctx, EventJobUpdated, j)
	}
}

func (e emitter) HealthChanged(h worker.Health) {
	if e.a.ctx != nil && e.a.eng != nil {
		wruntime.EventsEmit(e.a.ctx, EventHealthUpdated, e.a.eng.Health())
	}
}

func (a *App) engine() (*engine.Engine, error) {
	select {
	case <-a.ready:
	case <-time.After(30 * time.Second):
	}
	if a.eng == nil {
		if a.startErr != nil {
			return nil, fmt.Errorf("Deepr could not start: %v", a.startErr)
		}
		return nil, errors.New("Deepr is still starting")
	}
	return a.eng, nil
}

func (a *App) bg() context.Context { return context.Background() }

// ListJobsRequest selects jobs for the queue.
type ListJobsRequest struct {
	Statuses []string `json:"statuses"`
	Limit    int      `json:"limit"`
}

// ListJobs returns jobs, newest first.
func (a *App) ListJobs(req ListJobsRequest) ([]job.Job, error) {
	e, err := a.engine()
	if err != nil {
		return nil, err
	}
	f := store.ListFilter{Limit: req.Limit}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	for _, s := range req.Statuses {
		st, err := job.ParseStatus(s)
		if err != nil {
			return nil, err
		}
		f.Statuses = append(f.Statuses, st)
	}
	jobs, err := e.Store.ListJobs(a.bg(), f)
	if jobs == nil {
		jobs = []job.Job{}
	}
	return jobs, err
}

// GetJob returns one job.
func (a *App) GetJob(id string) (job.Job, error) {
	e, err := a.engine()
	if err != nil {
		return job.Job{}, err
	}
	return e.Research.Get(a.bg(), id)
}

// Submit queues new research.
func (a *App) Submit(req research.SubmitInput) (job.Job, error) {
	e, err := a.engine()
	if err != nil {
		return job.Job{}, err
	}
	j, err := e.Research.Submit(a.bg(), req)
	return j, userError(err)
}

// Cancel cancels a job (locally first, then at the provider).
func (a *App) Cancel(id string) (job.Job, error) {
	e, err := a.engine()
	if err != nil {
		return job.Job{}, err
	}
	j, err := e.Research.Cancel(a.bg(), id)
	var pce *research.ProviderCancelError
	if errors.As(err, &pce) {
		a.log.WithError(err).Warn("provider cancel failed")
		return j, nil
	}
	return j, err
}

// Resubmit starts a new attempt of an unconfirmed, failed or cancelled job.
func (a *App) Resubmit(id string) (job.Job, error) {
	e, err := a.engine()
	if err != nil {
		return job.Job{}, err
	}
	return e.Research.Resubmit(a.bg(), id)
}

// CheckNow asks the poller to check a job right away.
func (a *App) CheckNow(id string) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	j, err := e.Research.Get(a.bg(), id)
	if err != nil {
		return err
	}
	e.Worker.Wake(j.ID)
	return nil
}

// DeleteJob deletes a finished job, its report and its folder.
func (a *App) DeleteJob(id string) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	return e.Research.Delete(a.bg(), id, e.Dirs.Data)
}

// GetReport returns a job's report, rendered and sanitized.
func (a *App) GetReport(id string) (engine.ReportView, error) {
	e, err := a.engine()
	if err != nil {
		return engine.ReportView{}, err
	}
	return e.Report(a.bg(), id)
}

// SearchReports searches the library.
func (a *App) SearchReports(req engine.SearchRequest) (engine.SearchResult, error) {
	e, err := a.engine()
	if err != nil {
		return engine.SearchResult{}, err
	}
	return e.Search(a.bg(), req)
}

// OpenURL opens an http(s) link in the OS browser. Anything else is refused.
func (a *App) OpenURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("not opening %q: only http and https links are opened", raw)
	}
	wruntime.BrowserOpenURL(a.ctx, weblink.Encode(u)) // Wails refuses ( ) ~ ! * ...
	return nil
}

// RevealReport opens the folder that holds a job's report files.
func (a *App) RevealReport(id string) error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	j, err := e.Research.Get(a.bg(), id)
	if err != nil {
		return err
	}
	if j.ReportPath == "" {
		return fmt.Errorf("job %s has no report folder yet", j.ID)
	}
	return openFolder(j.ReportPath)
}

// OpenDataFolder opens the data folder.
func (a *App) OpenDataFolder() error {
	e, err := a.engine()
	if err != nil {
		return err
	}
	return openFolder(e.Dirs.Data)
}

// GetSettings returns the settings (never the key itself).
func (a *App) GetSettings() (engine.SettingsView, error) {
	e, err := a.engine()
	if err != nil {
		return engine.SettingsView{}, err
	}
	return e.Settings(), nil
}

// SaveSettings saves and applies settings without a restart.
func (a *App) SaveSettings(in engine.SettingsInput) (engine.SettingsView, error) {
	e, err := a.engine()
	if err != nil {
		return engine.SettingsView{}, err
	}
	before := e.WebhookConfig()
	v, err := e.SaveSettings(in)
	if err == nil {
		a.restartPollerIf(before)
		wruntime.EventsEmit(a.ctx, EventHealthUpdated, e.Health())
	}
	return v, err
}

// SetWebhookSecret saves the webhook signing secret (whsec_...) like the API
// key. It is never sent back to the UI.
func (a *App) SetWebhookSecret(secret string) (engine.SettingsView, error) {
	e, err := a.engine()
	if err != nil {
		return engine.SettingsView{}, err
	}
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, "whsec_") || len(secret) < 20 || strings.ContainsAny(secret, " \t\n") {
		return engine.SettingsView{}, errors.New("that is not a webhook signing secret: copy the whsec_... value from the OpenAI dashboard's webhook page")
	}
	before := e.WebhookConfig()
	if _, err := a.secrets.Set(secrets.OpenAIWebhookSecret, secret); err != nil {
		return engine.SettingsView{}, fmt.Errorf("could not save the secret: %w", err)
	}
	if err := e.Reload(); err != nil {
		return engine.SettingsView{}, err
	}
	a.restartPollerIf(before)
	return e.Settings(), nil
}

// ClearWebhookSecret removes the saved webhook secret.
func (a *App) ClearWebhookSecret() (engine.SettingsView, error) {
	e, err := a.engine()
	if err != nil {
		return engine.SettingsView{}, err
	}
	before := e.WebhookConfig()
	if err := a.secrets.Delete(secrets.OpenAIWebhookSecret); err != nil {
		return engine.SettingsView{}, err
	}
	if err := e.Reload(); err != nil {
		return engine.SettingsView{}, err
	}
	a.restartPollerIf(before)
	return e.Settings(), nil
}

// SetAPIKey saves the OpenAI key to the OS keychain (or the 0600 fallback
// file). The key is never sent back to the UI.
func (a *App) SetAPIKey(key string) (engine.SettingsView, error) {
	e, err := a.engine()
	if err != nil {
		return engine.SettingsView{}, err
	}
	key = strings.TrimSpace(key)
	if err := secrets.ValidateAPIKey(key); err != nil {
		return engine.SettingsView{}, err
	}
	if _, err := a.secrets.Set(secrets.OpenAIAPIKey, key); err != nil {
		return engine.SettingsView{}, fmt.Errorf("could not save the key: %w", err)
	}
	e.KeyChanged()
	wruntime.EventsEmit(a.ctx, EventHealthUpdated, e.Health())
	return e.Settings(), nil
}

// ClearAPIKey removes the saved key.
func (a *App) ClearAPIKey() (engine.SettingsView, error) {
	e, err := a.engine()
	if err != nil {
		return engine.SettingsView{}, err
	}
	if err := a.secrets.Delete(secrets.OpenAIAPIKey); err != nil {
		return engine.SettingsView{}, err
	}
	e.KeyChanged()
	wruntime.EventsEmit(a.ctx, EventHealthUpdated, e.Health())
	return e.Settings(), nil
}

// TestAPIKey checks the current key against OpenAI.
func (a *App) TestAPIKey() (engine.KeyTest, error) {
	e, err := a.engine()
	if err != nil {
		return engine.KeyTest{}, err
	}
	return e.TestKey(a.bg()), nil
}

// GetHealth returns provider health and poller state.
func (a *App) GetHealth() (worker.Health, error) {
	e, err := a.engine()
	if err != nil {
		return worker.Health{Provider: "unknown", Message: err.Error(), Poller: "stopped"}, nil
	}
	return e.Health(), nil
}

// Models lists the models the UI offers.
func (a *App) Models() []engine.ModelInfo { return engine.Models() }

// Version returns the app version.
func (a *App) Version() string { return a.version }

// userError strips the internal "invalid input: " prefix from messages.
func userError(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(strings.TrimPrefix(err.Error(), research.ErrInvalid.Error()+": "))
}

// savedSecret reads a secret saved by the app through the app's one
// secrets store, so a keychain found broken is not asked again.
func (a *App) savedSecret(configDir, name string) (string, string) {
	if a.secrets == nil {
		a.secrets = secrets.New(configDir)
	}
	v, storage, err := a.secrets.Get(name)
	if err != nil || v == "" {
		return "", ""
	}
	return v, storage
}

// savedKey reads a secret saved by the app (keychain or fallback file).
func savedKey(configDir, name string) (string, string) {
	v, storage, err := secrets.New(configDir).Get(name)
	if err != nil || v == "" {
		return "", ""
	}
	return v, storage
}

// openFolder opens a folder in the OS file manager.
func openFolder(dir string) error {
	dir = filepath.Clean(dir)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("folder %s does not exist", dir)
	}
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", dir)
	case "windows":
		cmd = exec.Command("explorer", dir)
	default:
		cmd = exec.Command("xdg-open", dir)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not open %s: %w", dir, err)
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
