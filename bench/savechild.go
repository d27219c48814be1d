package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/gemini"
	"github.com/deepr-desktop/deepr/backend/provider/openai"
	"github.com/deepr-desktop/deepr/backend/provider/perplexity"
	"github.com/deepr-desktop/deepr/backend/store"
	"github.com/deepr-desktop/deepr/backend/worker"
)

// saveChild is the child process of the big-report figure: it opens a
// new database in task.Dir with one running job whose run at the provider
// (task.ResponseID) has finished, measures its resident memory, has a
// worker check the job once (Refresh: fetch, decide, store.Finish,
// mirror.Write, report_path) and prints a saveResult as JSON.
func saveChild(arg string) error {
	var task saveTask
	if err := json.Unmarshal([]byte(arg), &task); err != nil {
		return fmt.Errorf("reading the task: %w", err)
	}
	ctx := context.Background()
	st, err := store.Open(filepath.Join(task.Dir, "deepr.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	sub := time.Now()
	j, err := st.CreateJob(ctx, job.Job{Status: job.Running, Provider: task.Provider, Model: task.Model,
		Prompt: "Heat pumps in cold climates", ProviderJobID: task.ResponseID, SubmittedAt: &sub,
		ProviderStatus: provider.StatusInProgress})
	if err != nil {
		return err
	}
	const timeout = 10 * time.Minute
	var p worker.Provider
	switch task.Provider {
	case "openai":
		p = openai.New(openai.Config{APIKey: task.Key, BaseURL: task.BaseURL, RequestTimeout: timeout})
	case "gemini":
		p = gemini.New(gemini.Config{APIKey: task.Key, BaseURL: task.BaseURL, RequestTimeout: timeout})
	case "perplexity":
		p = perplexity.New(perplexity.Config{APIKey: task.Key, BaseURL: task.BaseURL, RequestTimeout: timeout})
	default:
		return fmt.Errorf("unknown provider %q", task.Provider)
	}
	w := worker.New(st, map[string]worker.Provider{task.Provider: p}, worker.Config{DataDir: task.Dir}, worker.Options{})

	runtime.GC()
	// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+).
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	idle := status("VmRSS")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	j, err = w.Refresh(ctx, j.ID)
	secs := since(start)
	peak := status("VmHWM")
	runtime.ReadMemStats(&after)
	if err != nil {
		return err
	}
	if task.Profile != "" {
		if err := writeHeapProfile(task.Profile); err != nil {
			return err
		}
	}
	res := saveResult{IdleKiB: idle, PeakKiB: peak, AllocMB: float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20),
		Seconds: secs, Status: string(j.Status), Error: j.Error, Folder: j.ReportPath != ""}
	if rep, err := st.GetReport(ctx, j.ID); err == nil {
		res.ReportBytes = len(rep.Markdown)
	}
	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

// writeHeapProfile writes the allocations of the process so far (go tool
// pprof -sample_index=alloc_space shows where the save allocated).
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}
