package notify

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// fakeClock is a Clock whose time moves only with Advance, which runs the
// timers that fall due, in order, before it returns.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at      time.Time
	f       func()
	stopped bool
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*fakeTimer
	rest := c.timers[:0]
	for _, t := range c.timers {
		switch {
		case t.stopped:
		case !t.at.After(c.now):
			due = append(due, t)
		default:
			rest = append(rest, t)
		}
	}
	c.timers = rest
	c.mu.Unlock()
	sort.SliceStable(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
	for _, t := range due {
		t.f()
	}
}

func (c *fakeClock) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.timers {
		if !t.stopped {
			n++
		}
	}
	return n
}

// ended makes a finished job.
func ended(i int, s job.Status) job.Job {
	return job.Job{ID: fmt.Sprintf("j%d", i), Status: s, Prompt: fmt.Sprintf("Topic %d", i)}
}

// drain returns every note sent so far, after the sends finished.
func drain(n *Notifier, rec *recorder) []Note {
	n.wg.Wait()
	var out []Note
	for {
		select {
		case c := <-rec.calls:
			out = append(out, c)
		default:
			return out
		}
	}
}

func titles(notes []Note) []string {
	var t []string
	for _, n := range notes {
		t = append(t, n.Title+" / "+n.Body)
	}
	return t
}

func TestCoalescing(t *testing.T) {
	type step struct {
		advance time.Duration // before the job ends (or alone, when end is zero)
		end     job.Status    // "" = only advance the clock
	}
	ready := job.Completed
	for _, tc := range []struct {
		name  string
		steps []step
		want  []string // titles and bodies, in order
	}{
		{
			name:  "three in a minute are each notified",
			steps: []step{{0, ready}, {10 * time.Second, ready}, {10 * time.Second, ready}, {2 * time.Minute, ""}},
			want:  []string{"Research ready / Topic 0", "Research ready / Topic 1", "Research ready / Topic 2"},
		},
		{
			name: "a fourth within the minute is held, and sent alone once the burst settles",
			steps: []step{{0, ready}, {time.Second, ready}, {time.Second, ready}, {time.Second, job.Failed},
				{SummaryDelay - time.Second, ""}, {time.Second, ""}},
			want: []string{"Research ready / Topic 0", "Research ready / Topic 1", "Research ready / Topic 2",
				"Research failed / Topic 3: no error message; open Deepr to resubmit it"},
		},
		{
			name: "more than three in a minute: one summary for the rest",
			steps: []step{{0, ready}, {0, ready}, {0, ready}, {0, ready}, {0, job.Failed}, {0, job.Incomplete},
				{0, job.Unconfirmed}, {0, ready}, {SummaryDelay, ""}},
			want: []string{"Research ready / Topic 0", "Research ready / Topic 1", "Research ready / Topic 2",
				"5 research jobs ended / 2 ready, 1 incomplete, 1 failed, 1 needs your attention. Open Deepr to see them."},
		},
		{
			// Many jobs ending together: the summary follows within seconds,
			// not a minute after the first three.
			name: "many ending together: the summary comes at once",
			steps: []step{{0, ready}, {0, ready}, {0, ready}, {0, ready}, {time.Second, ready},
				{SummaryDelay - time.Second, ""}},
			want: []string{"Research ready / Topic 0", "Research ready / Topic 1", "Research ready / Topic 2",
				"2 research jobs ended / 2 ready. Open Deepr to see them."},
		},
		{
			name: "a second summary waits a minute after the first",
			steps: []step{{0, ready}, {0, ready}, {0, ready}, {0, ready}, {SummaryDelay, ""},
				{time.Second, ready}, {BurstWindow - 2*time.Second, ""}, {time.Second, ""}},
			want: []string{"Research ready / Topic 0", "Research ready / Topic 1", "Research ready / Topic 2",
				"Research ready / Topic 3", "Research ready / Topic 5"},
		},
		{
			name:  "four spread over more than a minute are each notified",
			steps: []step{{0, ready}, {30 * time.Second, ready}, {30 * time.Second, ready}, {time.Second, ready}},
			want:  []string{"Research ready / Topic 0", "Research ready / Topic 1", "Research ready / Topic 2", "Research ready / Topic 3"},
		},
		{
			name: "after a minute of calm, notifications are single again",
			steps: []step{{0, ready}, {0, ready}, {0, ready}, {0, ready}, {0, ready},
				{BurstWindow, ""}, {0, job.Failed}},
			want: []string{"Research ready / Topic 0", "Research ready / Topic 1", "Research ready / Topic 2",
				"2 research jobs ended / 2 ready. Open Deepr to see them.",
				"Research failed / Topic 6: no error message; open Deepr to resubmit it"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			rec := newRecorder(nil)
			n := New(Options{Send: rec.send, Clock: clock})
			var got []Note
			for i, s := range tc.steps {
				clock.Advance(s.advance)
				if s.end != "" {
					n.JobFinished(ended(i, s.end))
				}
				got = append(got, drain(n, rec)...)
			}
			g := titles(got)
			if fmt.Sprint(g) != fmt.Sprint(tc.want) {
				t.Fatalf("notifications:\n got  %q\n want %q", g, tc.want)
			}
			if p := clock.pending(); p != 0 {
				t.Fatalf("%d summary timers still pending at the end", p)
			}
		})
	}
}

// TestSteadyFlood: a job ends every 5 s for 3 minutes: three single
// notifications, then one summary a minute, and every job is counted once.
func TestSteadyFlood(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(nil)
	n := New(Options{Send: rec.send, Clock: clock})
	const jobs = 36
	var got []Note
	for i := range jobs {
		n.JobFinished(ended(i, job.Completed))
		got = append(got, drain(n, rec)...)
		clock.Advance(5 * time.Second)
		got = append(got, drain(n, rec)...)
	}
	clock.Advance(BurstWindow)
	got = append(got, drain(n, rec)...)
	counted := 0
	for i, note := range got {
		var k int
		if _, err := fmt.Sscanf(note.Title, "%d research jobs ended", &k); err == nil {
			if i < BurstLimit {
				t.Fatalf("notification %d is a summary, want the first %d single", i, BurstLimit)
			}
			counted += k
			continue
		}
		if i > BurstLimit { // the first held one may be sent alone
			t.Fatalf("notification %d (%q) is single during the flood", i, note.Title)
		}
		counted++
	}
	if counted != jobs {
		t.Fatalf("the notifications account for %d jobs, want %d: %q", counted, jobs, titles(got))
	}
	// Three single, then the first summary once the burst settles, then at
	// most one a minute: 3 + 1 + 3 over a 3-minute flood and its last minute.
	if len(got) != BurstLimit+4 {
		t.Fatalf("%d notifications, want %d (three single, one summary per minute of a 3-minute flood): %q", len(got), BurstLimit+4, titles(got))
	}
}

// TestTwoHundredJobs: the case that sent 212 notifications.
func TestTwoHundredJobs(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(nil)
	n := New(Options{Send: rec.send, Clock: clock})
	for i := range 200 {
		n.JobFinished(ended(i, job.Completed))
		clock.Advance(100 * time.Millisecond) // 20 s in all
	}
	clock.Advance(BurstWindow)
	got := drain(n, rec)
	// Three single, the first summary SummaryDelay into the burst, the
	// rest a minute later.
	if len(got) != BurstLimit+2 {
		t.Fatalf("%d notifications for 200 jobs ending in 20 s, want %d: %q", len(got), BurstLimit+2, titles(got))
	}
	summed, summaries := 0, 0
	for _, s := range got { // sent concurrently: in any order
		var k int
		if _, err := fmt.Sscanf(s.Title, "%d research jobs ended", &k); err != nil {
			continue
		}
		if s.Target != (Target{View: ViewQueue}) {
			t.Fatalf("summary = %+v, want a click that shows the queue", s)
		}
		summed += k
		summaries++
	}
	if summaries != 2 {
		t.Fatalf("%d summaries, want 2: %q", summaries, titles(got))
	}
	if summed != 197 {
		t.Fatalf("the summaries count %d jobs, want 197: %q", summed, titles(got))
	}
}

// TestCloseDeliversHeldSummary: quitting before the summary is due sends
// it at once instead of losing it.
func TestCloseDeliversHeldSummary(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(nil)
	n := New(Options{Send: rec.send, Clock: clock})
	for i := range 5 {
		n.JobFinished(ended(i, job.Completed))
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	got := drain(n, rec)
	if len(got) != BurstLimit+1 || !slices.Contains(titles(got), "2 research jobs ended / 2 ready. Open Deepr to see them.") {
		t.Fatalf("notifications after Close: %q, want %d single and the held summary", titles(got), BurstLimit)
	}
	clock.Advance(2 * BurstWindow)
	if got := drain(n, rec); len(got) != 0 {
		t.Fatalf("%q sent after Close: the summary was sent twice", titles(got))
	}
}

func TestSummaryDisabledMeanwhile(t *testing.T) {
	clock := newFakeClock()
	rec := newRecorder(nil)
	var mu sync.Mutex
	on := true
	n := New(Options{Send: rec.send, Clock: clock, Enabled: func() bool { mu.Lock(); defer mu.Unlock(); return on }})
	for i := range 6 {
		n.JobFinished(ended(i, job.Completed))
	}
	mu.Lock()
	on = false
	mu.Unlock()
	clock.Advance(BurstWindow)
	if got := drain(n, rec); len(got) != BurstLimit {
		t.Fatalf("%d notifications, want %d: no summary once notifications are turned off", len(got), BurstLimit)
	}
}

func TestTargets(t *testing.T) {
	for _, tc := range []struct {
		status job.Status
		want   View
	}{
		{job.Completed, ViewReport},
		{job.Incomplete, ViewReport},
		{job.Failed, ViewDetails},
		{job.Unconfirmed, ViewDetails},
	} {
		if got := targetFor(job.Job{ID: "x", Status: tc.status}); got != (Target{JobID: "x", View: tc.want}) {
			t.Errorf("targetFor(%s) = %+v, want view %s", tc.status, got, tc.want)
		}
	}
}

// TestOpener: OnOpen gets the target; without it OnClick gets the job id
// of job notifications only; a panic in either is recovered.
func TestOpener(t *testing.T) {
	l, _ := testLogger()
	targets := make(chan Target, 4)
	open := opener(func(tg Target) { targets <- tg }, nil, l)
	open(Target{JobID: "a", View: ViewDetails})
	if got := <-targets; got != (Target{JobID: "a", View: ViewDetails}) {
		t.Fatalf("OnOpen got %+v", got)
	}

	ids := make(chan string, 4)
	legacy := opener(nil, func(id string) { ids <- id }, l)
	legacy(Target{View: ViewQueue})
	legacy(Target{JobID: "b", View: ViewReport})
	if got := <-ids; got != "b" {
		t.Fatalf("OnClick got %q, want b (the queue target has no job)", got)
	}

	done := make(chan struct{})
	opener(func(Target) { defer close(done); panic("ui gone") }, nil, l)(Target{View: ViewQueue})
	<-done
	if opener(nil, nil, l) != nil {
		t.Fatal("opener with no callbacks should be nil (no actions offered)")
	}
}
