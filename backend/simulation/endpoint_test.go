package simulation

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakehttp"
)

// Outage modes of an endpoint.
const (
	upMode    = "up"    // the fake answers
	downMode  = "down"  // the port refuses connections: nothing was sent
	resetMode = "reset" // every connection is cut unanswered (ambiguous for a create)
	busyMode  = "503"   // every request answers 503 (ambiguous for a create)
	holdMode  = "hold"  // the fake answers, but the answer is held until release, then cut (a crash mid-call)
)

// endpoint serves one fake provider on a fixed loopback address, where the
// simulation can switch an outage of that provider alone on and off.
type endpoint struct {
	mu   sync.Mutex
	h    http.Handler
	addr string
	srv  *httptest.Server
	mode string
	held chan struct{} // holdMode: a request was answered by the fake and is held
	free chan struct{} // holdMode: closed to cut the held answers

	gateN    int           // a gate is up: requests wait until gateN calls are accounted for
	gateSeen int           // requests arrived + callers returned without one
	gateOpen chan struct{} // closed when gateSeen reaches gateN
}

func newEndpoint(h http.Handler) *endpoint {
	e := &endpoint{h: h, mode: upMode}
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	e.addr = e.srv.Listener.Addr().String()
	return e
}

// URL is the endpoint's root.
func (e *endpoint) URL() string { return "http://" + e.addr }

func (e *endpoint) serve(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	mode, open := e.mode, e.gateOpen
	e.mu.Unlock()
	if open != nil {
		e.account()
		<-open
	}
	switch mode {
	case resetMode:
		fakehttp.Drop(w, "")
	case holdMode:
		e.h.ServeHTTP(httptest.NewRecorder(), r) // the provider did the work...
		e.mu.Lock()
		held, free := e.held, e.free
		e.mu.Unlock()
		select {
		case held <- struct{}{}:
		default:
		}
		<-free
		fakehttp.Drop(w, "") // ...and the caller died before the answer came
	case busyMode:
		fakehttp.WriteJSON(w, http.StatusServiceUnavailable, map[string]any{"error": map[string]any{
			"code": 503, "message": "Service unavailable (a simulated outage).", "status": "UNAVAILABLE", "type": "server_error"}})
	default:
		e.h.ServeHTTP(w, r)
	}
}

// setMode switches the outage mode. down closes the listener; leaving it
// listens again on the same address.
func (e *endpoint) setMode(m string) error {
	e.mu.Lock()
	srv := e.srv
	e.mode = m
	e.mu.Unlock()
	switch {
	case m == downMode && srv != nil:
		srv.CloseClientConnections()
		srv.Close()
		e.mu.Lock()
		e.srv = nil
		e.mu.Unlock()
		// Let the clients' idle connections see that they were closed, so
		// the next call is refused (nothing sent) rather than cut.
		time.Sleep(20 * time.Millisecond)
	case m != downMode && srv == nil:
		l, err := net.Listen("tcp", e.addr)
		if err != nil {
			return err
		}
		s := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(e.serve)}}
		s.Start()
		e.mu.Lock()
		e.srv = s
		e.mu.Unlock()
	}
	return nil
}

// gate makes the next n calls meet: each request waits until n calls
// are accounted for, by arriving here or by account (a caller that
// returned without calling). So concurrent callers all pass the checks
// before their calls in every run, whatever the scheduling. The returned
// function lifts the gate.
func (e *endpoint) gate(n int) func() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.gateN, e.gateSeen, e.gateOpen = n, 0, make(chan struct{})
	return func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.gateOpen != nil && e.gateSeen < e.gateN {
			close(e.gateOpen)
		}
		e.gateOpen = nil
	}
}

// account counts one call for the gate (see gate).
func (e *endpoint) account() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.gateOpen == nil {
		return
	}
	if e.gateSeen++; e.gateSeen == e.gateN {
		close(e.gateOpen)
	}
}

// hold switches holdMode on and returns a channel that receives when a
// request is held, and a function that cuts every held answer (set the
// next mode first).
func (e *endpoint) hold() (<-chan struct{}, func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.mode, e.held, e.free = holdMode, make(chan struct{}, 1), make(chan struct{})
	free := e.free
	return e.held, func() { close(free) }
}

func (e *endpoint) getMode() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.mode
}

func (e *endpoint) close() {
	e.mu.Lock()
	srv := e.srv
	e.srv = nil
	e.mu.Unlock()
	if srv != nil {
		srv.CloseClientConnections()
		srv.Close()
	}
}
