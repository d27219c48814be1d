//go:build windows

package notify

import (
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	toast "git.sr.ht/~jackmordaunt/go-toast/v2"
	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// platform is the Wails notifications API (native.go).
type platform = nativePlatform

func newPlatform(o platformOptions) *platform {
	return newNativePlatform(o, nativeOS{name: nativeName, settings: settingsPlace, hint: setupHint, afterInit: afterInitialize})
}

const (
	nativeName    = "Windows toast notifications (AppUserModelID " + AppName + ")"
	settingsPlace = "Settings > System > Notifications > Deepr"
	setupHint     = "the toast activator could not be registered for this user"
)

// prepareProcess gives the process the AppUserModelID "Deepr", so the
// taskbar groups its windows and toasts under that name.
func prepareProcess() error {
	id, err := windows.UTF16PtrFromString(AppName)
	if err != nil {
		return err
	}
	proc := windows.NewLazySystemDLL("shell32.dll").NewProc("SetCurrentProcessExplicitAppUserModelID")
	if err := proc.Find(); err != nil {
		return err
	}
	if hr, _, _ := proc.Call(uintptr(unsafe.Pointer(id))); hr != 0 {
		return fmt.Errorf("SetCurrentProcessExplicitAppUserModelID: HRESULT 0x%08x", uint32(hr))
	}
	return nil
}

// afterInitialize re-registers the toast identity Wails just set up
// (named after the executable, "deepr.exe") under AppName, with the same
// COM activator, so toasts say "Deepr" and clicks still come back.
func afterInitialize() error {
	if err := prepareProcess(); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	base := filepath.Base(exe)
	k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Classes\AppUserModelId\`+base, registry.QUERY_VALUE)
	if err != nil {
		return fmt.Errorf("reading the toast activator Wails registered: %w", err)
	}
	guid, _, err := k.GetStringValue("CustomActivator")
	k.Close()
	if err != nil || guid == "" {
		return fmt.Errorf("no toast activator registered for %s: %v", base, err)
	}
	return toast.SetAppData(toast.AppData{
		AppID:         AppName,
		GUID:          guid,
		ActivationExe: exe,
		// The icon Wails extracts from the exe at the first toast.
		IconPath: filepath.Join(os.TempDir(), base+guid+".png"),
	})
}
