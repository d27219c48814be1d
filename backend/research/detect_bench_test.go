package research_test

import (
	"slices"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/job"
)

// BenchmarkDetection measures, per iteration, one job's detection latency:
// from the moment the fake provider has the final result to the moment the
// completed job is committed and its event emitted, in a whole process
// (engine.Open, real SQLite, the real SDK over HTTP). "polling" polls every
// second (the figure to hold is interval + 0.5 s at most); "webhooks"
// posts the signed response.completed event at once, with polling an hour
// away (p99 at most 1 s).
func BenchmarkDetection(b *testing.B) {
	b.Run("polling", func(b *testing.B) {
		fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1 << 30})
		b.Cleanup(fake.Close)
		p := openProc(b, fake, map[string]string{"DEEPR_POLL_INTERVAL": "1"})
		p.run(b)
		lat := detect(b, p, func(string) {})
		report(b, lat)
	})
	b.Run("webhooks", func(b *testing.B) {
		p, addr := listeningProc(b)
		lat := detect(b, p, func(rid string) {
			if code := postEvent(b, addr, "msg_bench_"+rid, hookKey, "response.completed", rid); code != 200 {
				b.Fatalf("webhook: status %d", code)
			}
		})
		report(b, lat)
	})
}

// detect submits one job per iteration, waits until it runs, finishes it at
// the fake, calls after (the webhook), and times until the completed event.
func detect(b *testing.B, p *proc, after func(rid string)) []time.Duration {
	var lat []time.Duration
	for b.Loop() {
		b.StopTimer()
		id := p.submit(b, "detection benchmark")
		rid := p.rec.waitStatus(b, id, job.Running, 30*time.Second).ProviderJobID
		b.StartTimer()
		start := time.Now()
		p.fake.Finish(rid)
		after(rid)
		p.rec.waitStatus(b, id, job.Completed, 30*time.Second)
		lat = append(lat, time.Since(start))
	}
	return lat
}

func report(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)]) / float64(time.Millisecond) }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(q(1), "max-ms")
}
