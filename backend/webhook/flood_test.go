package webhook

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingListener counts the connections the server holds, and the most
// it held at once. A connection stops counting before it is closed, so the
// count never exceeds the server's cap.
type countingListener struct {
	net.Listener
	mu          sync.Mutex
	open, peak  int
	total       int
	allReleased chan struct{} // closed once total connections were closed
	wantTotal   int
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.open++
	l.peak = max(l.peak, l.open)
	l.mu.Unlock()
	return &countedConn{Conn: c, l: l}, nil
}

type countedConn struct {
	net.Conn
	l    *countingListener
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		c.l.open--
		c.l.total++
		if c.l.total == c.l.wantTotal {
			close(c.l.allReleased)
		}
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

// inUse is the heap and stack memory in use after a full collection, with
// freed memory handed back to the system.
func inUse() uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

// floodRequest is what one hostile client sends before it stalls (the
// body shares payload, so the clients themselves cost little memory): kind
// 0 stops in the middle of its headers; 1-4 send no signature and most of
// a 250 kB body; 5-8 send well-formed but forged signature headers and most
// of a 250 kB body; 9 sends forged headers and half of a 60 kB body.
func floodRequest(i int, payload []byte) (head, body []byte) {
	kind := i % 10
	if kind == 0 {
		return []byte("POST " + Path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nwebhook-id: slow"), nil
	}
	id := "flood_" + strconv.Itoa(i)
	size, sent := 250_000, 249_990
	if kind == 9 {
		size, sent = 60_000, 30_000
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nwebhook-id: %s\r\n", Path, size, id)
	if kind >= 5 {
		fmt.Fprintf(&b, "webhook-timestamp: %d\r\nwebhook-signature: %s\r\n", fixedNow.Unix(), sign(otherKey, id, fixedNow, "forged"))
	}
	b.WriteString("\r\n")
	return b.Bytes(), payload[:sent]
}

// TestSlowFloodKeepsMemoryBounded replays the attack on the real
// listener: 400 slow clients, signed and unsigned, that announce large
// bodies and stall. The server holds at most its cap of connections (the
// rest wait), its memory stays within a few MB of its base during the
// flood and returns to it after, and a genuine event still gets through.
func TestSlowFloodKeepsMemoryBounded(t *testing.T) {
	const clients, capConns = 400, 32
	f := newFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln, allReleased: make(chan struct{}), wantTotal: clients + 1}
	lim := defaultLimits
	lim.maxConns = capConns
	lim.readHeaderTimeout = 300 * time.Millisecond
	lim.readTimeout = 600 * time.Millisecond
	lim.idleTimeout = 300 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serveOn(ctx, cl, f.rc, lim, nil) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	addr := ln.Addr().String()
	payload := bytes.Repeat([]byte("x"), 250_000)

	base := inUse()
	var peak uint64
	stopSampling, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse+m.StackInuse)
			select {
			case <-stopSampling:
				return
			case <-tick.C:
			}
		}
	}()

	var dialed, finished sync.WaitGroup
	for i := range clients {
		dialed.Add(1)
		finished.Add(1)
		go func() {
			defer finished.Done()
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			dialed.Done()
			if err != nil {
				t.Errorf("client %d: dial: %v", i, err)
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			head, body := floodRequest(i, payload)
			bufs := net.Buffers{head, body}
			_, _ = bufs.WriteTo(c)
			var buf [512]byte
			for {
				if _, err := c.Read(buf[:]); err != nil {
					return // the server answered and closed, or the client gave up
				}
			}
		}()
	}
	dialed.Wait()

	// A genuine delivery, sent while the flood holds the listener.
	h := headers("msg_real", fixedNow, sign(rawKey, "msg_real", fixedNow, completed))
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+Path, strings.NewReader(completed))
	for k, v := range h {
		req.Header.Set(k, v)
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	resp, err := client.Do(req)
	t.Logf("genuine event answered after %v", time.Since(start))
	if err != nil {
		t.Errorf("genuine event during the flood: %v, want 200", err)
	} else {
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("genuine event during the flood: status %d, want 200", resp.StatusCode)
		}
	}

	finished.Wait()
	t.Logf("clients done after %v", time.Since(start))
	close(stopSampling)
	<-sampled
	select {
	case <-cl.allReleased:
	case <-time.After(5 * time.Second):
		t.Fatalf("the server still holds connections 5 s after every client left")
	}
	after := inUse()

	f.mu.Lock()
	woken := append([]string(nil), f.woken...)
	f.mu.Unlock()
	if len(woken) != 1 || woken[0] != "job1" {
		t.Errorf("woken %v, want [job1]: the genuine event must still be delivered", woken)
	}
	cl.mu.Lock()
	held := cl.peak
	cl.mu.Unlock()
	if held > capConns {
		t.Errorf("the server held %d connections at once, want at most %d (the rest wait)", held, capConns)
	}
	const mb = 1 << 20
	if growth := int64(peak) - int64(base); growth > 16*mb {
		t.Errorf("memory in use grew by %d MB during the flood, want under 16 MB", growth/mb)
	}
	if left := int64(after) - int64(base); left > 4*mb {
		t.Errorf("memory in use is %d MB above its base after the flood, want under 4 MB", left/mb)
	}
	t.Logf("base %d KB, peak +%d KB, after %+d KB, connections held at once %d", base>>10, (int64(peak)-int64(base))>>10, (int64(after)-int64(base))>>10, held)
}
