package main

import (
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

// treeCPU reads every live process in root's tree (root and its
// descendants, WebKit's web and network processes included).
func treeCPU(root int) map[int]procInfo {
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
		p := procInfo{name: f[0], cpu: time.Duration(ut+st) * time.Second / clockTicks}
		p.rssKiB, p.pssKiB = memory(pid)
		out[pid] = p
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
