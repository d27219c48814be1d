package main

import (
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// threadCPU counts the CPU of this process's threads, a thread that ends
// in the window included, to better than the 10 ms of a clock tick.
func TestThreadCPUCountsThreadsThatEnd(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no /proc on this system")
	}
	tc := newThreadCPU(os.Getpid())
	if _, ok := tc.ByProcess(); !ok {
		t.Skip("no schedstat in /proc on this kernel")
	}
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread() // the thread ends with the goroutine
		spinCPU(t, 30*time.Millisecond)
		tc.Sample() // its last sample, before it ends
		close(done)
	}()
	<-done
	func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		spinCPU(t, 20*time.Millisecond)
	}()
	tc.Sample()
	var total time.Duration
	by, _ := tc.ByProcess()
	for _, d := range by {
		total += d
	}
	if total < 45*time.Millisecond {
		t.Errorf("CPU counted in the window: %s, want at least 45 ms of the 50 ms of CPU spun (by process: %v)", total, by)
	}
}

// spinCPU keeps the calling thread (locked to its goroutine) busy until it
// has used d of CPU time, however loaded the machine is.
func spinCPU(t *testing.T, d time.Duration) {
	thread := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
			t.Errorf("getrusage: %v", err)
			return d
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	for start := thread(); thread()-start < d; {
	}
}

func TestMedianIdleTakesTheMiddleRun(t *testing.T) {
	runs := []launchResult{
		{cpu: 90 * time.Millisecond, rssMiB: 400, pssMiB: 200, perProcess: "high"},
		{cpu: 40 * time.Millisecond, rssMiB: 420, pssMiB: 240, perProcess: "low"},
		{cpu: 50 * time.Millisecond, rssMiB: 410, pssMiB: 220, perProcess: "middle"},
	}
	m := medianIdle(runs)
	if m.cpu != 50*time.Millisecond || m.perProcess != "middle" {
		t.Errorf("median run: %v %q, want 50ms \"middle\"", m.cpu, m.perProcess)
	}
	if m.rssMiB != 410 || m.pssMiB != 220 {
		t.Errorf("median memory: RSS %v PSS %v, want 410 and 220", m.rssMiB, m.pssMiB)
	}
	if got := msList(m.all); got != "40, 50, 90 ms" {
		t.Errorf("all runs: %q, want \"40, 50, 90 ms\"", got)
	}
}
