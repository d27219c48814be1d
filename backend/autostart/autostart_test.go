package autostart

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestExecQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/usr/bin/deepr", "/usr/bin/deepr"},
		{"--hidden", "--hidden"},
		{"/opt/My Apps/deepr", `"/opt/My Apps/deepr"`},
		{`/home/a"b/deepr`, `"/home/a\"b/deepr"`},
		{"/home/$USER/deepr", `"/home/\$USER/deepr"`},
		{"/home/x/100%/deepr", "/home/x/100%%/deepr"},
		{`/home/back\slash/deepr`, `"/home/back\\slash/deepr"`},
		{"", `""`},
	} {
		if got := execQuote(tc.in); got != tc.want {
			t.Errorf("execQuote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestDesktopEntry(t *testing.T) {
	got := desktopEntry(`/opt/My Apps/back\slash/deepr`, []string{HiddenFlag})
	// Exec: quoted per the Exec rules, then the backslash escaped again as a string value.
	if !strings.Contains(got, "\nExec=\"/opt/My Apps/back\\\\\\\\slash/deepr\" --hidden\n") {
		t.Fatalf("Exec line wrong in:\n%s", got)
	}
	for _, line := range []string{"[Desktop Entry]", "Type=Application", "Name=Deepr", "NoDisplay=true"} {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("entry lacks %q:\n%s", line, got)
		}
	}
}

// TestSetWritesAndRemovesTheLinuxFile works on the real file system in a
// temporary autostart folder and, when desktop-file-validate is
// installed, checks the file against the specification.
func TestSetWritesAndRemovesTheLinuxFile(t *testing.T) {
	if !isUnixEntry() {
		t.Skip("the XDG entry is for Linux; this system's entry is the user's real one")
	}
	dir := filepath.Join(t.TempDir(), "autostart") // created by Set
	l := Login{Exe: "/usr/bin/deepr", Args: []string{HiddenFlag}, Dir: dir}
	path := filepath.Join(dir, DesktopFile)
	if l.IsSet() {
		t.Fatal("IsSet before Set(true)")
	}
	if err := l.Set(true); err != nil {
		t.Fatalf("Set(true) = %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the autostart file was not written: %v", err)
	}
	if !strings.Contains(string(b), "\nExec=/usr/bin/deepr --hidden\n") || !l.IsSet() {
		t.Fatalf("autostart file (IsSet %v):\n%s", l.IsSet(), b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	if v, err := exec.LookPath("desktop-file-validate"); err == nil {
		if out, err := exec.Command(v, path).CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("desktop-file-validate: %v\n%s", err, out)
		}
	}
	if err := l.Set(true); err != nil { // idempotent
		t.Fatalf("second Set(true) = %v", err)
	}
	if err := l.Set(false); err != nil {
		t.Fatalf("Set(false) = %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) || l.IsSet() {
		t.Fatalf("the file is still there after Set(false): %v", err)
	}
	if err := l.Set(false); err != nil {
		t.Fatalf("Set(false) without an entry = %v, want nil", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

func TestSetNeedsAbsolutePath(t *testing.T) {
	if err := (Login{Exe: "deepr", Dir: t.TempDir()}).Set(true); err == nil {
		t.Fatal("Set with a relative program path succeeded")
	}
}

func TestLaunchAgentIsValidXML(t *testing.T) {
	got := launchAgent("/Applications/Deepr & Co.app/Contents/MacOS/deepr", []string{HiddenFlag})
	dec := xml.NewDecoder(strings.NewReader(got))
	dec.Strict = true
	var strs []string
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if cd, ok := tok.(xml.CharData); ok && strings.TrimSpace(string(cd)) != "" {
			strs = append(strs, string(cd))
		}
	}
	want := []string{"Label", LaunchAgentLabel, "ProgramArguments", "/Applications/Deepr & Co.app/Contents/MacOS/deepr", HiddenFlag, "RunAtLoad", "ProcessType", "Interactive"}
	if strings.Join(strs, "|") != strings.Join(want, "|") {
		t.Fatalf("plist strings = %q, want %q", strs, want)
	}
}

func TestRunCommand(t *testing.T) {
	if got := runCommand(`C:\Users\A B\AppData\Local\Programs\Deepr\deepr.exe`, []string{HiddenFlag}); got != `"C:\Users\A B\AppData\Local\Programs\Deepr\deepr.exe" --hidden` {
		t.Fatalf("runCommand = %s", got)
	}
}
