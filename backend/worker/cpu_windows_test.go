//go:build windows

package worker

import (
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// processCPU is the user plus system (kernel) CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	var created, exited, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user); err != nil {
		b.Fatalf("GetProcessTimes: %v", err)
	}
	ticks := func(f windows.Filetime) int64 { return int64(f.HighDateTime)<<32 | int64(f.LowDateTime) }
	return time.Duration(ticks(kernel)+ticks(user)) * 100 // 100 ns ticks
}
