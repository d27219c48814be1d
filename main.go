// Command deepr is Deepr Desktop: with no arguments it opens the desktop
// window; with a subcommand (`deepr submit`, `deepr list`, ...) it is a
// headless CLI over the same database that never initialises GTK.
package main

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/options/mac"
	"github.com/wailsapp/wails/v2/pkg/options/windows"

	"github.com/deepr-desktop/deepr/backend/cli"
	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/notify"
)

//go:embed all:frontend/dist
var assets embed.FS

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	args := os.Args[1:]
	// Anything that is not a flag is a CLI command (unknown ones get usage
	// and exit 2). Flags are left to the desktop runtime: Wails dev builds
	// take -assetdir/-devserver, macOS may pass -psn_...
	if len(args) > 0 && (cli.IsCommand(args[0]) || !strings.HasPrefix(args[0], "-")) {
		attachConsole() // Windows: print in the console it was typed in
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Main(ctx, args, cli.Env{Version: version, Serve: serveWeb})
		stop()
		os.Exit(code)
	}
	os.Exit(runDesktop())
}

func runDesktop() int {
	_ = notify.PrepareProcess() // Windows: the AppUserModelID, before any window
	prepareWebKit()             // Linux: no GPU compositing (webkit_linux.go)
	app := NewApp(version)
	cfg, dirs, cfgErr := engine.LoadConfig(engine.Options{})
	err := wails.Run(&options.App{
		Title:            "Deepr",
		Width:            1240,
		Height:           800,
		MinWidth:         860,
		MinHeight:        560,
		BackgroundColour: background(cfg.Theme),
		AssetServer:      &assetserver.Options{Assets: assets, Middleware: themedPage(cfg.Theme)},
		StartHidden:      startHidden(os.Args[1:]), // started at login
		OnStartup:        app.startup,
		OnDomReady:       app.domReady,
		OnBeforeClose:    app.beforeClose, // app_window.go: hide while jobs are active
		OnShutdown:       app.shutdown,
		Bind:             []interface{}{app},
		// A bound method's error reaches the window as data ({kind, field,
		// message}: research.AsView), never as text to be parsed.
		ErrorFormatter: errorData,
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               instanceID(dirs.Data, cfgErr),
			OnSecondInstanceLaunch: app.onSecondInstance,
		},
		Linux:   &linux.Options{ProgramName: "deepr", WebviewGpuPolicy: linux.WebviewGpuPolicyOnDemand},
		Mac:     &mac.Options{About: &mac.AboutInfo{Title: "Deepr", Message: "Deep research, queued and saved locally. " + version}},
		Windows: &windows.Options{Theme: windows.SystemDefault},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "deepr:", err)
		return 1
	}
	return 0
}

// instanceID is unique per data folder: a second launch on the same
// database focuses the running window, while a portable install with its
// own DEEPR_DATA_DIR can run beside it.
func instanceID(data string, err error) string {
	key := data
	if err != nil || key == "" {
		key = "default"
	}
	sum := sha256.Sum256([]byte(key))
	return "io.deepr.desktop." + hex.EncodeToString(sum[:6])
}
