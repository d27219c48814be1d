package weblink

import (
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

func shell(script string) func(string) *exec.Cmd {
	return func(target string) *exec.Cmd { return exec.Command("sh", "-c", script, "opener", target) }
}

// TestOpenSaysWhenNothingOpened: an opener that fails (xdg-open exits 3
// or 4 when no program handles the target) or cannot be started gives an
// error the window shows; one that succeeds or is still running is fine.
func TestOpenSaysWhenNothingOpened(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses sh")
	}
	for _, tc := range []struct {
		name   string
		o      Opener
		errHas string
	}{
		{"opened", Opener{Command: shell("exit 0"), Wait: time.Minute}, ""},
		{"no program for it", Opener{Command: shell("echo 'xdg-open: no method available for opening' >&2; exit 3"), Wait: time.Minute},
			"No program could open /data/reports/x: xdg-open: no method available for opening"},
		{"no opener installed", Opener{Command: func(string) *exec.Cmd { return exec.Command("/nonexistent/xdg-open") }, Wait: time.Minute},
			"No program could open /data/reports/x"},
		{"still opening", Opener{Command: shell("sleep 5"), Wait: 50 * time.Millisecond}, ""},
		{"exit status not trusted", Opener{Command: shell("exit 1"), Wait: time.Minute, IgnoreExit: true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.o.Open("/data/reports/x")
			switch {
			case tc.errHas == "" && err != nil:
				t.Fatalf("Open = %v, want nil", err)
			case tc.errHas != "" && (err == nil || !strings.Contains(err.Error(), tc.errHas)):
				t.Fatalf("Open = %v, want an error containing %q", err, tc.errHas)
			}
		})
	}
}
