package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakegemini"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/fakeperplexity"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/gemini"
	"github.com/deepr-desktop/deepr/backend/provider/openai"
	"github.com/deepr-desktop/deepr/backend/provider/perplexity"
)

// The big-report figure: the memory a worker needs to save one report of
// -big-mb megabytes. For each provider, its fake runs here and holds a
// finished run whose report is that big (the [[fake:bytes-N]] marker:
// markdown with headings, lists, tables and a citation every 1.7 KB); a
// child process (this binary again, saveChild) polls it through the real
// provider client and the worker's poll -> store.Finish (SQLite on disk,
// FTS indexing) -> mirror.Write path, and reports its resident memory
// before (idle) and its peak during the save (VmHWM, reset first).

// bigProviders are the providers measured, each parsing its own format.
var bigProviders = []struct{ name, display, model string }{
	{"openai", "OpenAI", "o4-mini-deep-research"},
	{"gemini", "Gemini", gemini.DefaultModel},
	{"perplexity", "Perplexity", perplexity.DefaultModel},
}

// saveTask is what the parent hands the child (as JSON in -save-child).
type saveTask struct {
	Provider, Model, BaseURL, Key, ResponseID, Dir, Profile string
}

// saveResult is what the child prints on its last line of output.
type saveResult struct {
	IdleKiB, PeakKiB int64   // VmRSS before, VmHWM during the save
	AllocMB          float64 // bytes the Go heap allocated during the save
	ReportBytes      int     // the saved report's length
	Seconds          float64
	Status, Error    string // the job's status afterwards; its error
	Folder           bool   // report_path was recorded
}

// bigReportRows measures each provider in turn (one child at a time).
func bigReportRows(ctx context.Context, cache string, mb int, profile string) ([]row, error) {
	var rows []row
	for _, p := range bigProviders {
		res, err := measureSave(ctx, cache, p.name, p.model, mb<<20, profile)
		if err != nil {
			return nil, fmt.Errorf("big report (%s): %w", p.display, err)
		}
		above := float64(res.PeakKiB-res.IdleKiB) / 1024
		size := float64(res.ReportBytes) / (1 << 20)
		ratio := above / size
		note := fmt.Sprintf("idle %.0f MB, peak %.0f MB; %.0f MB allocated; %.1f s", float64(res.IdleKiB)/1024, float64(res.PeakKiB)/1024, res.AllocMB, res.Seconds)
		if res.Status != "completed" || !res.Folder {
			note = fmt.Sprintf("NOT SAVED: status %s, folder %v, %s; ", res.Status, res.Folder, res.Error) + note
		}
		rows = append(rows, row{
			figure: fmt.Sprintf("Saving a %d MB report (%s): peak memory above idle", mb, p.display),
			value:  fmt.Sprintf("%.0f MB", above), base: fmt.Sprintf("%.1f MB report", size),
			ratio: fmt.Sprintf("x%.2f", ratio), target: "≤ x4 the report", met: ratio <= 4 && res.Status == "completed" && res.Folder,
			note: note,
		})
		logf("big report (%s): %s", p.display, note)
	}
	return rows, nil
}

// measureSave makes a finished run of about size bytes at provider's fake
// and has a child process save it.
func measureSave(ctx context.Context, cache, name, model string, size int, profile string) (saveResult, error) {
	const key = "bench-key"
	prompt := fmt.Sprintf("Heat pumps in cold climates [[fake:bytes-%d]]", size)
	var (
		url string
		p   interface {
			Submit(context.Context, provider.Request) (string, error)
		}
		end  func(string)
		stop func()
	)
	switch name {
	case "openai":
		srv := fakeopenai.New(fakeopenai.Options{APIKey: key, StepsToFinish: 1 << 20})
		url, end, stop = srv.URL(), srv.End, srv.Close
		p = openai.New(openai.Config{APIKey: key, BaseURL: url})
	case "gemini":
		srv := fakegemini.New(fakegemini.Options{APIKey: key, StepsToFinish: 1 << 20})
		url, end, stop = srv.URL(), srv.End, srv.Close
		p = gemini.New(gemini.Config{APIKey: key, BaseURL: url})
	case "perplexity":
		srv := fakeperplexity.New(fakeperplexity.Options{APIKey: key, StepsToFinish: 1 << 20})
		url, end, stop = srv.URL(), srv.End, srv.Close
		p = perplexity.New(perplexity.Config{APIKey: key, BaseURL: url})
	default:
		return saveResult{}, fmt.Errorf("unknown provider %q", name)
	}
	defer stop()
	id, err := p.Submit(ctx, provider.Request{JobID: "bigreport", Prompt: prompt, Model: model, WebSearch: true})
	if err != nil {
		return saveResult{}, fmt.Errorf("creating the run at the fake: %w", err)
	}
	end(id)

	dir, err := filepath.Abs(filepath.Join(cache, "bigreport-"+name))
	if err != nil {
		return saveResult{}, err
	}
	_ = os.RemoveAll(dir)
	defer os.RemoveAll(dir)
	if profile != "" {
		if profile, err = filepath.Abs(filepath.Join(profile, name+".heap.pprof")); err != nil {
			return saveResult{}, err
		}
	}
	task, err := json.Marshal(saveTask{Provider: name, Model: model, BaseURL: url, Key: key, ResponseID: id, Dir: dir, Profile: profile})
	if err != nil {
		return saveResult{}, err
	}
	exe, err := os.Executable()
	if err != nil {
		return saveResult{}, err
	}
	logf("big report (%s): saving a %d MB report in a child process", name, size>>20)
	cmd := exec.CommandContext(ctx, exe, "-save-child", string(task))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return saveResult{}, fmt.Errorf("the child process: %w\n%s", err, out.String())
	}
	var res saveResult
	sc := bufio.NewScanner(&out)
	var last string
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			last = t
		}
	}
	if err := json.Unmarshal([]byte(last), &res); err != nil {
		return saveResult{}, fmt.Errorf("reading the child's result %q: %w", last, err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > 0 {
		logf("big report (%s): the child's maxrss over its whole life: %d MB", name, ru.Maxrss/1024)
	}
	return res, nil
}

// status reads a field of /proc/self/status in KiB ("VmRSS", "VmHWM").
func status(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		var v int64
		if _, err := fmt.Sscanf(line, field+": %d kB", &v); err == nil {
			return v
		}
	}
	return 0
}

// since is the seconds since t.
func since(t time.Time) float64 { return time.Since(t).Seconds() }
