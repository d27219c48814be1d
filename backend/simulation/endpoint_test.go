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
)

// endpoint serves one fake provider on a fixed loopback address, where the
// simulation can switch an outage of that provider alone on and off.
type endpoint struct {
	mu   sync.Mutex
	h    http.Handler
	addr string
	srv  *httptest.Server
	mode string
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
	mode := e.mode
	e.mu.Unlock()
	switch mode {
	case resetMode:
		fakehttp.Drop(w, "")
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
