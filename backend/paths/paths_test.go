package paths

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaultUsesXDGFolders(t *testing.T) {
	d := Default(env(nil))
	for name, p := range map[string]string{"data": d.Data, "config": d.Config, "state": d.State} {
		if filepath.Base(p) != App {
			t.Errorf("%s dir = %q, want a folder named %q", name, p, App)
		}
	}
}

func TestOverrides(t *testing.T) {
	data, cfg := filepath.Join(t.TempDir(), "data"), filepath.Join(t.TempDir(), "cfg")
	d := Default(env(map[string]string{"DEEPR_DATA_DIR": data, "DEEPR_CONFIG_DIR": cfg}))
	if d.Data != data || d.Config != cfg || d.State != filepath.Join(data, "logs") {
		t.Fatalf("got %+v, want data, config and logs under the overrides", d)
	}
	if d.Database() != filepath.Join(data, "deepr.db") || d.Reports() != filepath.Join(data, "reports") {
		t.Fatalf("database %q reports %q", d.Database(), d.Reports())
	}
}

func TestEnsureCreatesPrivateFolders(t *testing.T) {
	root := t.TempDir()
	d := Dirs{Data: filepath.Join(root, "a", "data"), Config: filepath.Join(root, "cfg"), State: filepath.Join(root, "st")}
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{d.Data, d.Config, d.State} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		// Only where the OS has permission bits: on Windows the folders
		// are as private as the user's profile they live in (ACLs).
		if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
			t.Errorf("%s mode = %v, want 0700", p, fi.Mode().Perm())
		}
	}
}

func TestEnsureReportsUnwritableFolder(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	d := Dirs{Data: filepath.Join(file, "sub"), Config: root, State: root}
	err := d.Ensure()
	if err == nil || !strings.Contains(err.Error(), "DEEPR_DATA_DIR") {
		t.Fatalf("Ensure() = %v, want an error that names DEEPR_DATA_DIR", err)
	}
}
