package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

type windowConfig struct {
	app     string
	cache   string
	idle    time.Duration
	reports int
}

// settle is how long an app is left alone after its first frame before the
// idle window starts (WebKit finishes loading, the poller its first pass).
const settle = 5 * time.Second

// startups is how many launches each start-up figure is the median of.
const startups = 3

// idleRuns is how many idle windows of each app, taken in turns, the idle
// figures are the median of: one window can hold a rare event of either
// app (a garbage collection, WebKit's periodic memory check, the minute
// that every "2 h ago" becomes "3 h ago").
const idleRuns = 3

// windowRows measures the idle window and the start-up of Deepr and of the
// template under one Xvfb.
func windowRows(ctx context.Context, c windowConfig) ([]row, error) {
	app, err := filepath.Abs(c.app)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(app); err != nil {
		return nil, fmt.Errorf("%s: %w (run make build first)", c.app, err)
	}
	tags := ""
	if exec.Command("pkg-config", "--exists", "webkit2gtk-4.1").Run() == nil {
		tags = "webkit2_41"
	}
	tmpl, err := template(ctx, c.cache, tags)
	if err != nil {
		return nil, err
	}
	small, err := seed(ctx, c.cache, 20)
	if err != nil {
		return nil, err
	}
	big, err := seed(ctx, c.cache, c.reports)
	if err != nil {
		return nil, err
	}
	display, stopX, err := startXvfb(ctx)
	if err != nil {
		return nil, err
	}
	defer stopX()

	var dis, tis []launchResult
	for i := range idleRuns {
		logf("idle %d/%d: Deepr with 20 reports, %s after a %s settle", i+1, idleRuns, c.idle, settle)
		d, err := launch(ctx, app, deeprEnv(display, small), c.idle)
		if err != nil {
			return nil, fmt.Errorf("measuring Deepr idle: %w", err)
		}
		logf("idle %d/%d: the template", i+1, idleRuns)
		t, err := launch(ctx, tmpl, baseEnv(display, filepath.Join(c.cache, "home-template")), c.idle)
		if err != nil {
			return nil, fmt.Errorf("template: %w", err)
		}
		dis, tis = append(dis, d), append(tis, t)
	}
	di, ti := medianIdle(dis), medianIdle(tis)
	var ds, ts []time.Duration
	for i := range startups {
		logf("start-up %d/%d with %d reports", i+1, startups, c.reports)
		d, err := launch(ctx, app, deeprEnv(display, big), 0)
		if err != nil {
			return nil, fmt.Errorf("measuring Deepr start-up: %w", err)
		}
		t, err := launch(ctx, tmpl, baseEnv(display, filepath.Join(c.cache, "home-template")), 0)
		if err != nil {
			return nil, fmt.Errorf("template start-up: %w", err)
		}
		ds, ts = append(ds, d.startup), append(ts, t.startup)
	}
	dStart, tStart := median(ds), median(ts)

	secs := c.idle.Seconds()
	dCore, tCore := 100*di.cpu.Seconds()/secs, 100*ti.cpu.Seconds()/secs
	cpuRatio := di.cpu.Seconds() / max(ti.cpu.Seconds(), 0.001)
	return []row{
		{figure: fmt.Sprintf("Idle CPU, whole process tree, %s window (20 reports)", c.idle), value: fmt.Sprintf("%s (%.2f%% of a core)", ms(di.cpu), dCore),
			base: fmt.Sprintf("%s (%.2f%%)", ms(ti.cpu), tCore), ratio: fmt.Sprintf("x%.2f", cpuRatio), target: "≤ x1.5 and < 1% of a core",
			met: cpuRatio <= 1.5 && dCore < 1, note: fmt.Sprintf("median of %d windows each (Deepr %s, template %s); median window per process: %s; template: %s (in 10 ms clock ticks: %s vs %s)",
				idleRuns, msList(di.all), msList(ti.all), di.perProcess, ti.perProcess, ms(di.ticks), ms(ti.ticks))},
		{figure: fmt.Sprintf("Idle memory (RSS summed over the process tree, median of %d)", idleRuns), value: fmt.Sprintf("%.0f MiB", di.rssMiB), base: fmt.Sprintf("%.0f MiB", ti.rssMiB),
			ratio: ratio(di.rssMiB, ti.rssMiB), target: "≤ x1.2", met: di.rssMiB <= 1.2*ti.rssMiB, note: fmt.Sprintf("PSS %.0f vs %.0f MiB", di.pssMiB, ti.pssMiB)},
		{figure: fmt.Sprintf("Start-up to the first painted frame (%d reports)", c.reports), value: fmt.Sprintf("%.2f s", dStart.Seconds()), base: fmt.Sprintf("%.2f s", tStart.Seconds()),
			ratio: ratio(dStart.Seconds(), tStart.Seconds()), target: "≤ x1.5", met: dStart.Seconds() <= 1.5*tStart.Seconds(), note: fmt.Sprintf("median of %d launches each", startups)},
	}, nil
}

// medianIdle is the run whose idle CPU is the median, with the median RSS
// and PSS of all runs.
func medianIdle(runs []launchResult) launchResult {
	s := slices.Clone(runs)
	slices.SortFunc(s, func(a, b launchResult) int { return cmp.Compare(a.cpu, b.cpu) })
	m := s[len(s)/2]
	rss, pss := make([]float64, len(runs)), make([]float64, len(runs))
	for i, r := range runs {
		rss[i], pss[i] = r.rssMiB, r.pssMiB
	}
	slices.Sort(rss)
	slices.Sort(pss)
	m.rssMiB, m.pssMiB = rss[len(rss)/2], pss[len(pss)/2]
	m.all = make([]time.Duration, len(runs))
	for i, r := range s {
		m.all[i] = r.cpu
	}
	return m
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// baseEnv is a clean session for one app: its own HOME and XDG folders, the
// benchmark's display, no session bus (both apps alike), BENCH_READY.
func baseEnv(display, home string) []string {
	home, _ = filepath.Abs(home)
	_ = os.MkdirAll(home, 0o700)
	env := []string{"DISPLAY=" + display, "HOME=" + home, "BENCH_READY=1", "PATH=" + os.Getenv("PATH"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"), "XDG_RUNTIME_DIR=" + filepath.Join(home, "run"),
		"LANG=C.UTF-8"}
	// WebKit settings of the caller's session apply to both apps alike; an
	// unset one stays unset (WebKit reads an empty value as set).
	for _, k := range []string{"WEBKIT_DISABLE_COMPOSITING_MODE", "WEBKIT_DISABLE_DMABUF_RENDERER"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	_ = os.MkdirAll(filepath.Join(home, "run"), 0o700)
	return env
}

// deeprEnv runs Deepr on a seeded data folder with no key (nothing to poll).
func deeprEnv(display, data string) []string {
	home := filepath.Join(filepath.Dir(data), "home-deepr")
	return append(baseEnv(display, home), "DEEPR_DATA_DIR="+data, "DEEPR_CONFIG_DIR="+filepath.Join(home, "config"), "DEEPR_NOTIFICATIONS=false")
}

type launchResult struct {
	startup    time.Duration
	cpu        time.Duration   // CPU of the tree during the idle window (threadCPU)
	ticks      time.Duration   // the same from utime+stime (10 ms ticks), for comparison
	all        []time.Duration // medianIdle: the idle CPU of every run, lowest first
	rssMiB     float64
	pssMiB     float64
	perProcess string
}

// launch starts bin, times its first frame ("bench: ready" on stdout), and,
// when idle > 0, measures the idle window; then it stops the process tree.
func launch(ctx context.Context, bin string, env []string, idle time.Duration) (launchResult, error) {
	var res launchResult
	cmd := exec.Command(bin)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return res, err
	}
	var stderr strings.Builder
	cmd.Stderr = &limited{w: &stderr, n: 8 << 10}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return res, err
	}
	defer stopTree(cmd)
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "bench: ready" {
				close(ready)
				break
			}
		}
		for sc.Scan() { // keep draining
		}
	}()
	select {
	case <-ready:
		res.startup = time.Since(start)
	case <-time.After(90 * time.Second):
		return res, fmt.Errorf("no first frame within 90 s; stderr: %s", stderr.String())
	case <-ctx.Done():
		return res, ctx.Err()
	}
	if idle <= 0 {
		return res, nil
	}
	if err := sleepCtx(ctx, settle); err != nil {
		return res, err
	}
	before := tree(cmd.Process.Pid) // CPU ticks only; memory is read at the end
	threads := newThreadCPU(cmd.Process.Pid)
	if err := threads.Follow(ctx, idle); err != nil {
		return res, err
	}
	after := treeCPU(cmd.Process.Pid)
	var ticks time.Duration
	for pid, a := range after {
		ticks += a.cpu - before[pid].cpu // a process born in the window counts whole
		res.rssMiB += a.rssKiB / 1024
		res.pssMiB += a.pssKiB / 1024
	}
	var parts []string
	if byProc, ok := threads.ByProcess(); ok {
		for name, d := range byProc {
			res.cpu += d
			parts = append(parts, name+" "+ms(d))
		}
	} else { // no schedstat: the clock ticks of /proc/PID/stat
		res.cpu = ticks
		for pid, a := range after {
			parts = append(parts, fmt.Sprintf("%s %.2f s", a.name, (a.cpu-before[pid].cpu).Seconds()))
		}
	}
	res.ticks = ticks
	slices.Sort(parts)
	res.perProcess = strings.Join(parts, ", ")
	return res, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stopTree ends the app's process group: SIGTERM, then SIGKILL after 5 s.
func stopTree(cmd *exec.Cmd) {
	pgid := cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-done
	}
	// WebKit's helpers may outlive the app for a moment.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// startXvfb starts a private X server and returns its display.
func startXvfb(ctx context.Context) (string, func(), error) {
	for n := 90; n < 120; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		cmd := exec.CommandContext(ctx, "Xvfb", display, "-screen", "0", "1280x900x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			return "", nil, fmt.Errorf("starting Xvfb (apt-get install xvfb): %w", err)
		}
		stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return display, stop, nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		stop()
	}
	return "", nil, errors.New("no free X display between :90 and :119")
}

// limited keeps the first n bytes written to w.
type limited struct {
	w interface{ WriteString(string) (int, error) }
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		_, _ = l.w.WriteString(string(p[:k]))
		l.n -= k
	}
	return len(p), nil
}

// ms prints a duration in whole milliseconds: "42 ms".
func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

// msList prints durations as "41, 44, 50 ms".
func msList(d []time.Duration) string {
	parts := make([]string, len(d))
	for i, x := range d {
		parts[i] = strings.TrimSuffix(ms(x), " ms")
	}
	return strings.Join(parts, ", ") + " ms"
}
