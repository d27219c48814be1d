// Package paths decides where Deepr keeps its files: the database and
// reports under the XDG data dir, settings under the config dir and logs
// under the state dir, each in a "deepr" folder created with mode 0700.
// DEEPR_DATA_DIR and DEEPR_CONFIG_DIR override the first two (tests,
// portable installs).
package paths

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/adrg/xdg"
)

// App is the folder name used under every XDG base directory.
const App = "deepr"

// Dirs are the folders Deepr uses.
type Dirs struct {
	Data   string // database and reports
	Config string // settings.json, .env, key fallback file
	State  string // logs
}

// Default returns the XDG-derived folders, honouring DEEPR_DATA_DIR and
// DEEPR_CONFIG_DIR from getenv. When DEEPR_DATA_DIR is set, logs go to its
// "logs" subfolder so a portable install keeps everything together.
func Default(getenv func(string) (string, bool)) Dirs {
	d := Dirs{
		Data:   filepath.Join(xdg.DataHome, App),
		Config: filepath.Join(xdg.ConfigHome, App),
		State:  filepath.Join(xdg.StateHome, App),
	}
	if v, ok := getenv("DEEPR_DATA_DIR"); ok && v != "" {
		d.Data = v
		d.State = filepath.Join(v, "logs")
	}
	if v, ok := getenv("DEEPR_CONFIG_DIR"); ok && v != "" {
		d.Config = v
	}
	return d
}

// Database is the path of the SQLite database inside the data dir.
func (d Dirs) Database() string { return filepath.Join(d.Data, "deepr.db") }

// Reports is the root of the on-disk report mirror.
func (d Dirs) Reports() string { return filepath.Join(d.Data, "reports") }

// LogFile is the desktop app's log file.
func (d Dirs) LogFile() string { return filepath.Join(d.State, "deepr.log") }

// Ensure creates every folder with mode 0700 (existing ones are left as
// they are) and reports which one could not be created.
func (d Dirs) Ensure() error {
	for _, p := range []string{d.Data, d.Config, d.State} {
		if err := os.MkdirAll(p, 0o700); err != nil {
			return fmt.Errorf("cannot create folder %s: %w (set DEEPR_DATA_DIR or DEEPR_CONFIG_DIR to a writable folder)", p, err)
		}
	}
	return nil
}
