package research_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/store"
)

// importChildEnv names the folder the child process imports.
const importChildEnv = "DEEPR_TEST_IMPORT_CHILD"

// openData opens a service on the data folder named by DEEPR_DATA_DIR in
// getenv, as `deepr import` does.
func openData(getenv func(string) (string, bool)) (*research.Service, error) {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return engine.Open(engine.Options{Getenv: getenv, WorkDir: os.TempDir(), Holder: "import test", Log: l})
}

// importChild imports src into the data folder of the environment: the
// process the test kills.
func importChild(src string) int {
	svc, err := openData(os.LookupEnv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if _, err := svc.ImportLibrary(context.Background(), src); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// An import killed with kill -9 while it writes the report folders, then
// run again: the re-run skips what is in the database and still writes
// every folder the first run did not, so each report has its own good
// folder and none is due.
func TestImportKilledAndRunAgain(t *testing.T) {
	const n = 510 // more than one import batch
	src := filepath.Join(t.TempDir(), "export")
	created := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	for i := range n {
		fin := created.Add(time.Hour)
		j := job.Job{ID: fmt.Sprintf("imp%07d", i), Status: job.Completed, Provider: "openai", Model: "o3-deep-research",
			Prompt: fmt.Sprintf("Imported report %d", i), CreatedAt: created, UpdatedAt: fin, FinishedAt: &fin, NextPollAt: created, Version: 1}
		if _, err := mirror.Write(src, j, store.Report{JobID: j.ID, Markdown: fmt.Sprintf("text of report %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	data := t.TempDir()
	vars := map[string]string{"DEEPR_DATA_DIR": data, "DEEPR_CONFIG_DIR": filepath.Join(data, "config"), "OPENAI_API_KEY": testKey}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), importChildEnv+"="+src)
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Kill it as soon as it has written its first folders.
	reports := filepath.Join(data, "reports")
	deadline := time.Now().Add(60 * time.Second)
	for {
		if entries, _ := os.ReadDir(reports); len(entries) > 0 {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("the import ended before any folder was written: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no folder written within 60 s")
		}
		time.Sleep(time.Millisecond) // polling another process's disk: no signal to wait on
	}
	_ = cmd.Process.Kill()
	<-exited
	written, _ := os.ReadDir(reports)
	t.Logf("killed after %d of %d folders", len(written), n)

	svc, err := openData(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	ctx := t.Context()
	res, err := svc.ImportLibrary(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(res.Imported) + len(res.Skipped); got != n || len(res.Damaged) != 0 {
		t.Fatalf("re-run: %d imported, %d skipped, %d damaged; want %d in all", len(res.Imported), len(res.Skipped), len(res.Damaged), n)
	}
	st, err := store.Open(filepath.Join(data, "deepr.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	jobs, err := st.ListJobs(ctx, store.ListFilter{})
	if err != nil || len(jobs) != n {
		t.Fatalf("%d jobs, %v; want %d", len(jobs), err, n)
	}
	seen := map[string]string{}
	for _, j := range jobs {
		md, err := os.ReadFile(filepath.Join(j.ReportPath, mirror.ReportFile))
		if j.ReportPath == "" || err != nil || len(md) == 0 {
			t.Fatalf("job %s has no good folder (report_path %q): %v", j.ID, j.ReportPath, err)
		}
		if other, ok := seen[j.ReportPath]; ok {
			t.Fatalf("jobs %s and %s share %s", other, j.ID, j.ReportPath)
		}
		seen[j.ReportPath] = j.ID
	}
	if due, err := st.MirrorDue(ctx, 0); err != nil || len(due) != 0 {
		t.Fatalf("still due after the re-run: %d, %v", len(due), err)
	}
}
