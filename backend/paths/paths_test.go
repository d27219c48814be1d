package paths

import (
	"os"
	"path/filepath"
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
	d := Default(env(map[string]string{"DEEPR_DATA_DIR": "/tmp/x/data", "DEEPR_CONFIG_DIR": "/tmp/x/cfg"}))
	if d.Data != "/tmp/x/data" || d.Config != "/tmp/x/cfg" || d.State != "/tmp/x/data/logs" {
		t.Fatalf("got %+v, want data, config and logs under the overrides", d)
	}
	if d.Database() != "/tmp/x/data/deepr.db" || !strings.HasSuffix(d.Reports(), "/reports") {
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
		if fi.Mode().Perm() != 0o700 {
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
