package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat
// (100 on every Linux this runs on).
const clockTicks = 100

type procInfo struct {
	name   string
	cpu    time.Duration // utime + stime
	rssKiB float64
	pssKiB float64
}

// threadCPU follows the CPU time of every thread of a process tree through
// a window, to the nanosecond: the sum over threads of the first field of
// /proc/PID/task/TID/schedstat (time on a CPU). utime and stime of
// /proc/PID/stat come in clock ticks of 10 ms, and an idle window is a few
// tens of milliseconds a minute: a difference of two tick counts per
// process is off by up to 10 ms each, a third of the template's figure.
// A thread that ends is remembered at its last sample (Sample is called
// every second), and one that starts in the window counts from zero.
type threadCPU struct {
	root  int
	first map[int]time.Duration // by thread id: at the window's start, 0 for a thread born in it
	last  map[int]time.Duration
	proc  map[int]string // thread id -> its process's name
	ok    bool           // schedstat was readable
}

func newThreadCPU(root int) *threadCPU {
	t := &threadCPU{root: root, first: map[int]time.Duration{}, last: map[int]time.Duration{}, proc: map[int]string{}}
	t.sample(true)
	return t
}

// Sample reads every thread once more.
func (t *threadCPU) Sample() { t.sample(false) }

// Follow samples every second for d, and once more at its end.
func (t *threadCPU) Follow(ctx context.Context, d time.Duration) error {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	end := time.NewTimer(d)
	defer end.Stop()
	for {
		select {
		case <-tick.C:
			t.Sample()
		case <-end.C:
			t.Sample()
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (t *threadCPU) sample(start bool) {
	for pid, p := range tree(t.root) {
		tasks, _ := os.ReadDir(filepath.Join("/proc", strconv.Itoa(pid), "task"))
		for _, e := range tasks {
			tid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "task", e.Name(), "schedstat"))
			if err != nil {
				continue
			}
			f := strings.Fields(string(b))
			if len(f) == 0 {
				continue
			}
			ns, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				continue
			}
			t.ok = true
			if _, seen := t.first[tid]; !seen {
				if start {
					t.first[tid] = time.Duration(ns)
				} else {
					t.first[tid] = 0
				}
			}
			t.last[tid] = time.Duration(ns)
			t.proc[tid] = p.name
		}
	}
}

// ByProcess returns the CPU time of the window by process name, and
// whether the figures are from schedstat (false: none was readable).
func (t *threadCPU) ByProcess() (map[string]time.Duration, bool) {
	out := map[string]time.Duration{}
	for tid, l := range t.last {
		out[t.proc[tid]] += l - t.first[tid]
	}
	return out, t.ok
}

// treeCPU reads every live process in root's tree (root and its
// descendants, WebKit's web and network processes included), with its
// memory.
func treeCPU(root int) map[int]procInfo {
	out := tree(root)
	for pid, p := range out {
		p.rssKiB, p.pssKiB = memory(pid)
		out[pid] = p
	}
	return out
}

// tree reads the name and CPU ticks of every live process in root's tree.
func tree(root int) map[int]procInfo {
	parent := map[int]int{}
	stats := map[int][]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		// The name is in parentheses and may hold spaces: split after the last ')'.
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 13 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		parent[pid] = ppid
		stats[pid] = append([]string{s[strings.IndexByte(s, '(')+1 : i]}, f...)
	}
	in := func(pid int) bool {
		for p := pid; p > 1; p = parent[p] {
			if p == root {
				return true
			}
		}
		return false
	}
	out := map[int]procInfo{}
	for pid, f := range stats {
		if !in(pid) {
			continue
		}
		// Fields after the name: state(0) ppid(1) ... utime(11) stime(12).
		ut, _ := strconv.ParseInt(f[12], 10, 64)
		st, _ := strconv.ParseInt(f[13], 10, 64)
		out[pid] = procInfo{name: f[0], cpu: time.Duration(ut+st) * time.Second / clockTicks}
	}
	return out
}

// memory reads a process's resident and proportional set sizes in KiB.
func memory(pid int) (rss, pss float64) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "smaps_rollup"))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "Rss:":
			rss = v
		case "Pss:":
			pss = v
		}
	}
	return rss, pss
}
