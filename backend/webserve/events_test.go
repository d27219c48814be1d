package webserve

import (
	"fmt"
	"testing"
)

func TestEventsResumeWithoutLossOrRepeat(t *testing.T) {
	f := newFixture(t, nil)
	c, _, err := f.dial(f.user, "")
	if err != nil {
		t.Fatal(err)
	}
	hello := read(t, c)
	if hello.Name != EventHello || !hello.Resync || hello.Epoch == "" {
		t.Fatalf("first frame %+v, want a hello asking a new client to fetch its snapshot", hello)
	}
	f.hub.Emit("job:updated", map[string]int{"version": 1})
	f.hub.Emit("job:deleted", "j1")
	a, b := read(t, c), read(t, c)
	if a.Name != "job:updated" || b.Name != "job:deleted" || b.Seq != a.Seq+1 || string(b.Data) != `"j1"` {
		t.Fatalf("events %+v %+v", a, b)
	}
	c.CloseNow()

	// While the browser sleeps, two more changes.
	f.hub.Emit("job:updated", map[string]int{"version": 2})
	f.hub.Emit("health:updated", map[string]int{"seq": 7})
	c, _, err = f.dial(f.user, fmt.Sprintf("?epoch=%s&seq=%d", b.Epoch, b.Seq))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if h := read(t, c); h.Resync || h.Name != EventHello {
		t.Fatalf("resuming: %+v, want a hello without resync", h)
	}
	x, y := read(t, c), read(t, c)
	if x.Seq != b.Seq+1 || x.Name != "job:updated" || y.Seq != b.Seq+2 || y.Name != "health:updated" {
		t.Fatalf("resumed with %+v %+v, want exactly the two missed events", x, y)
	}
	f.hub.Emit("job:deleted", "j2")
	if z := read(t, c); z.Seq != y.Seq+1 {
		t.Fatalf("live after the catch-up: %+v", z)
	}
}

func TestResumeFromAnotherRunResyncs(t *testing.T) {
	f := newFixture(t, nil)
	f.hub.Emit("job:updated", 1)
	for _, q := range []string{"?epoch=old-run&seq=1", fmt.Sprintf("?epoch=%s&seq=99", f.hub.epoch)} {
		c, _, err := f.dial(f.user, q)
		if err != nil {
			t.Fatal(err)
		}
		if h := read(t, c); !h.Resync {
			t.Errorf("%s: %+v, want resync (the server restarted, or the seq is not ours)", q, h)
		}
		c.CloseNow()
	}
}

func TestResumeBeyondTheRingResyncs(t *testing.T) {
	h := NewHub()
	h.Emit("a", 1)
	for i := 0; i < ringSize+1; i++ {
		h.Emit("b", i)
	}
	if _, hello, missed := h.subscribe(h.epoch, 1); !hello.Resync || missed != nil {
		t.Errorf("a client %d events behind resumed (%d events), want a resync", ringSize+1, len(missed))
	}
	if _, hello, missed := h.subscribe(h.epoch, h.seq-3); hello.Resync || len(missed) != 3 || missed[0].Seq != h.seq-2 {
		t.Errorf("3 behind: resync=%v, %d missed", hello.Resync, len(missed))
	}
}

func TestSlowClientDroppedWithoutBlockingOthers(t *testing.T) {
	h := NewHub()
	slow, _, _ := h.subscribe("", 0)
	fast, _, _ := h.subscribe("", 0)
	for round := 0; round < 3; round++ {
		for i := 0; i < subBuffer; i++ {
			h.Emit("job:updated", i) // never waits for slow
		}
		for i := 0; i < subBuffer; i++ {
			<-fast.c // the fast client keeps up
		}
	}
	select {
	case <-slow.dropped:
	default:
		t.Fatal("the slow client was not dropped")
	}
	select {
	case <-fast.dropped:
		t.Fatal("the fast client was dropped")
	default:
	}
	if n := h.clients(); n != 1 {
		t.Errorf("%d clients left, want the fast one", n)
	}
}
