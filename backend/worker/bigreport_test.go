package worker

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakegemini"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/fakeperplexity"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/provider"
	"github.com/deepr-desktop/deepr/backend/provider/gemini"
	"github.com/deepr-desktop/deepr/backend/provider/openai"
	"github.com/deepr-desktop/deepr/backend/provider/perplexity"
)

// bigReportBytes is the size of the report whose save is measured.
const bigReportBytes = 2 << 20

// maxAllocPerByte bounds what saving a report may allocate, per byte of
// the report: reading and decoding the answer, store.Finish (the search
// text) and the mirror's two files. Each copy of the report counts once
// (a []rune copy four times); the search text's markdown parser allocates
// about eleven times what it parses, a piece at a time. It was 56 to 70
// when the answer was decoded by the SDK and markers placed in []rune.
func maxAllocPerByte() float64 {
	if raceOn {
		return 36
	}
	return 26
}

// TestSavingABigReportAllocatesLittle saves a 2 MB report through each
// provider's client, the worker's poll, store.Finish and mirror.Write, and
// bounds the bytes allocated meanwhile (make bench measures the peak
// resident memory of a 50 MB one). The answer is replayed from memory, so
// the fake's own work is not counted.
func TestSavingABigReportAllocatesLittle(t *testing.T) {
	if testing.Short() {
		t.Skip("saves three 2 MB reports")
	}
	for _, prov := range []string{"openai", "gemini", "perplexity"} {
		t.Run(prov, func(t *testing.T) {
			e := setup(t)
			body, path := finishedBigRun(t, e, prov)
			replay := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(body)
			}))
			defer replay.Close()
			e.w = New(e.st, map[string]Provider{prov: clientFor(prov, replay.URL)}, e.cfg, Options{Clock: e.clock})
			j := e.mkJob(job.Running, func(j *job.Job) { j.Provider = prov; j.ProviderJobID = path })

			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			got, err := e.w.Refresh(e.ctx, j.ID)
			runtime.ReadMemStats(&after)
			if err != nil || got.Status != job.Completed || got.ReportPath == "" {
				t.Fatalf("Refresh: %v; job %s, want completed with its folder", err, describe(got))
			}
			md, err := os.ReadFile(filepath.Join(got.ReportPath, mirror.ReportFile))
			if err != nil || len(md) < bigReportBytes {
				t.Fatalf("report.md: %d bytes, %v; want the whole report", len(md), err)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			if per := float64(alloc) / bigReportBytes; per > maxAllocPerByte() {
				t.Errorf("saving a %d MB report allocated %d MB, %.1f times its size; want at most %.0f times",
					bigReportBytes>>20, alloc>>20, per, maxAllocPerByte())
			}
		})
	}
}

// finishedBigRun makes a finished run of a bigReportBytes report at prov's
// fake and returns the fake's answer to a GET of it, and the id to GET.
func finishedBigRun(t *testing.T, e *env, prov string) ([]byte, string) {
	t.Helper()
	const key = "sk-test"
	var (
		url, get string
		end      func(string)
	)
	switch prov {
	case "openai":
		srv := fakeopenai.New(fakeopenai.Options{APIKey: key, StepsToFinish: 100, Now: e.clock.Now})
		t.Cleanup(srv.Close)
		url, get, end = srv.URL(), "/responses/", srv.End
	case "gemini":
		srv := fakegemini.New(fakegemini.Options{APIKey: key, StepsToFinish: 100, Now: e.clock.Now})
		t.Cleanup(srv.Close)
		url, get, end = srv.URL(), "/v1beta/interactions/", srv.End
	case "perplexity":
		srv := fakeperplexity.New(fakeperplexity.Options{APIKey: key, StepsToFinish: 100, Now: e.clock.Now})
		t.Cleanup(srv.Close)
		url, get, end = srv.URL(), "/v1/responses/", srv.End // the default preset runs on the Agent API
	}
	p := clientFor(prov, url)
	id, err := p.Submit(e.ctx, provider.Request{JobID: "big", Prompt: fmt.Sprintf("Heat pumps [[fake:bytes-%d]]", bigReportBytes),
		Model: modelFor(prov), WebSearch: true})
	if err != nil {
		t.Fatalf("creating the run at the %s fake: %v", prov, err)
	}
	end(id)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url+get+id, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("x-goog-api-key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d, %v: %.200s", req.URL, resp.StatusCode, err, body)
	}
	return body, id
}

// clientFor is prov's real client pointed at baseURL.
func clientFor(prov, baseURL string) Provider {
	switch prov {
	case "gemini":
		return gemini.New(gemini.Config{APIKey: "sk-test", BaseURL: baseURL})
	case "perplexity":
		return perplexity.New(perplexity.Config{APIKey: "sk-test", BaseURL: baseURL})
	}
	return openai.New(openai.Config{APIKey: "sk-test", BaseURL: baseURL})
}

func modelFor(prov string) string {
	switch prov {
	case "gemini":
		return gemini.DefaultModel
	case "perplexity":
		return perplexity.DefaultModel
	}
	return "o3-deep-research"
}
