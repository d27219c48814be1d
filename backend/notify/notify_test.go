package notify

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/sirupsen/logrus"
)

func TestMessage(t *testing.T) {
	long := strings.Repeat("word ", 100)
	for _, tc := range []struct {
		name      string
		j         job.Job
		wantTitle string
		wantBody  string // exact, unless wantParts is set
		wantParts []string
	}{
		{
			name:      "completed",
			j:         job.Job{Status: job.Completed, Prompt: "Compare heat pumps\nwith details"},
			wantTitle: "Research ready",
			wantBody:  "Compare heat pumps",
		},
		{
			name:      "completed untitled",
			j:         job.Job{Status: job.Completed, Prompt: "   "},
			wantTitle: "Research ready",
			wantBody:  "Untitled research",
		},
		{
			name:      "incomplete",
			j:         job.Job{Status: job.Incomplete, Prompt: "Battery market", Error: "OpenAI stopped before finishing (max_output_tokens)."},
			wantTitle: "Research incomplete",
			wantBody:  "Battery market: OpenAI stopped before finishing (max_output_tokens).",
		},
		{
			name:      "incomplete no reason",
			j:         job.Job{Status: job.Incomplete, Prompt: "Battery market"},
			wantTitle: "Research incomplete",
			wantBody:  "Battery market: stopped before finishing; the partial result is saved",
		},
		{
			name:      "failed multi-line error",
			j:         job.Job{Status: job.Failed, Prompt: "Topic", Error: "OpenAI failed the job\n\t(server_error).   Resubmit it."},
			wantTitle: "Research failed",
			wantBody:  "Topic: OpenAI failed the job (server_error). Resubmit it.",
		},
		{
			name:      "failed long error is cut",
			j:         job.Job{Status: job.Failed, Prompt: "Topic", Error: long},
			wantTitle: "Research failed",
			wantParts: []string{"Topic: word word", "…"},
		},
		{
			name:      "unconfirmed",
			j:         job.Job{Status: job.Unconfirmed, Prompt: "Topic", Error: "timeout after sending"},
			wantTitle: "Research needs your attention",
			wantBody:  "Topic: may have been sent; resubmit or dismiss",
		},
		{
			name:      "unconfirmed long title keeps the advice",
			j:         job.Job{Status: job.Unconfirmed, Prompt: long},
			wantTitle: "Research needs your attention",
			wantParts: []string{"…: may have been sent; resubmit or dismiss"},
		},
		{
			name:      "markup is left as text",
			j:         job.Job{Status: job.Completed, Prompt: "<b>A & B</b>"},
			wantTitle: "Research ready",
			wantBody:  "<b>A & B</b>",
		},
		{name: "cancelled", j: job.Job{Status: job.Cancelled, Prompt: "x"}},
		{name: "running", j: job.Job{Status: job.Running, Prompt: "x"}},
		{name: "queued", j: job.Job{Status: job.Queued, Prompt: "x"}},
		{name: "submitting", j: job.Job{Status: job.Submitting, Prompt: "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			title, body := Message(tc.j)
			if title != tc.wantTitle {
				t.Errorf("title = %q, want %q", title, tc.wantTitle)
			}
			if tc.wantParts == nil && body != tc.wantBody {
				t.Errorf("body = %q, want %q", body, tc.wantBody)
			}
			for _, p := range tc.wantParts {
				if !strings.Contains(body, p) {
					t.Errorf("body = %q, want it to contain %q", body, p)
				}
			}
			if n := utf8.RuneCountInString(body); n > MaxBody {
				t.Errorf("body has %d characters, want at most %d", n, MaxBody)
			}
			if strings.ContainsAny(body, "\n\r\t") {
				t.Errorf("body %q has line breaks or tabs, want one line", body)
			}
		})
	}
}

// recorder is a Send backend that records calls on a channel.
type recorder struct {
	calls chan Note
	err   error
}

func newRecorder(err error) *recorder { return &recorder{calls: make(chan Note, 256), err: err} }

func (r *recorder) send(n Note) error {
	r.calls <- n
	return r.err
}

func testLogger() (*logrus.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	l := logrus.New()
	l.SetOutput(&buf)
	l.SetLevel(logrus.DebugLevel)
	return l, &buf
}

var done = job.Job{ID: "j1", Status: job.Completed, Prompt: "Heat pumps"}

func TestJobFinishedSends(t *testing.T) {
	rec := newRecorder(nil)
	n := New(Options{Send: rec.send}) // nil Enabled: always on
	n.JobFinished(done)
	n.wg.Wait()
	select {
	case c := <-rec.calls:
		want := Note{Title: "Research ready", Body: "Heat pumps", Target: Target{JobID: "j1", View: ViewReport}}
		if c != want {
			t.Fatalf("Send got %+v, want %+v", c, want)
		}
	default:
		t.Fatal("Send was not called")
	}
}

func TestJobFinishedSkips(t *testing.T) {
	for _, tc := range []struct {
		name    string
		enabled bool
		j       job.Job
	}{
		{"disabled", false, done},
		{"cancelled", true, job.Job{ID: "j2", Status: job.Cancelled}},
		{"running", true, job.Job{ID: "j3", Status: job.Running}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(nil)
			n := New(Options{Send: rec.send, Enabled: func() bool { return tc.enabled }})
			n.JobFinished(tc.j)
			n.wg.Wait()
			if len(rec.calls) != 0 {
				t.Fatalf("Send called %d times, want 0", len(rec.calls))
			}
		})
	}
}

// TestEnabledReadEachCall: the setting can change at run time.
func TestEnabledReadEachCall(t *testing.T) {
	rec := newRecorder(nil)
	var mu sync.Mutex
	on := false
	n := New(Options{Send: rec.send, Enabled: func() bool { mu.Lock(); defer mu.Unlock(); return on }})
	n.JobFinished(done)
	mu.Lock()
	on = true
	mu.Unlock()
	n.JobFinished(done)
	n.wg.Wait()
	if len(rec.calls) != 1 {
		t.Fatalf("Send called %d times, want 1 (only after enabling)", len(rec.calls))
	}
}

func TestSendErrorIsLoggedNotFatal(t *testing.T) {
	l, buf := testLogger()
	rec := newRecorder(errors.New("org.freedesktop.DBus.Error.ServiceUnknown"))
	n := New(Options{Send: rec.send, Log: l})
	for range 3 {
		n.JobFinished(done)
		n.wg.Wait()
	}
	if len(rec.calls) != 3 {
		t.Fatalf("Send called %d times, want 3 (a failure must not stop later notifications)", len(rec.calls))
	}
	out := buf.String()
	if got := strings.Count(out, "level=warning"); got != 1 {
		t.Fatalf("%d warnings logged for 3 failures, want 1 (then debug):\n%s", got, out)
	}
	if !strings.Contains(out, "ServiceUnknown") {
		t.Fatalf("log does not carry the error:\n%s", out)
	}
}

func TestSendPanicIsRecovered(t *testing.T) {
	l, buf := testLogger()
	n := New(Options{Send: func(Note) error { panic("boom") }, Log: l})
	n.JobFinished(done)
	n.wg.Wait()
	if !strings.Contains(buf.String(), "panic: boom") {
		t.Fatalf("panic not logged:\n%s", buf.String())
	}
	panicky := New(Options{Send: newRecorder(nil).send, Enabled: func() bool { panic("settings") }, Log: l})
	panicky.JobFinished(done) // must not panic
}

// TestBlockingSendDoesNotBlock: JobFinished returns while Send hangs, and
// once maxInFlight sends hang further ones are dropped, not queued.
func TestBlockingSendDoesNotBlock(t *testing.T) {
	l, buf := testLogger()
	release := make(chan struct{})
	started := make(chan struct{}, 16)
	clock := newFakeClock()
	n := New(Options{Log: l, Clock: clock, Send: func(Note) error {
		started <- struct{}{}
		<-release
		return nil
	}})
	returned := make(chan struct{})
	go func() {
		for range maxInFlight + 2 {
			n.JobFinished(done)
			clock.Advance(BurstWindow) // no coalescing: one job a minute
		}
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(5 * time.Second): // safety net; the calls return at once
		t.Fatal("JobFinished blocked while Send hangs")
	}
	for range maxInFlight {
		<-started
	}
	close(release)
	n.wg.Wait()
	if len(started) != 0 {
		t.Fatalf("%d sends beyond the in-flight limit ran, want 0", len(started))
	}
	if got := strings.Count(buf.String(), "notification dropped"); got != 2 {
		t.Fatalf("%d drops logged, want 2:\n%s", got, buf.String())
	}
}

func TestCloseWithInjectedSend(t *testing.T) {
	n := New(Options{Send: newRecorder(nil).send})
	if err := n.Close(); err != nil {
		t.Fatalf("Close = %v, want nil", err)
	}
}
