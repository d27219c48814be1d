package webserve

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/coder/websocket"
)

// maxSockets bounds the event streams open at once (all sessions together).
const maxSockets = 4 * MaxSessions

// writeWait is how long one frame may take to reach a client before the
// client is dropped.
const writeWait = 10 * time.Second

// pingEvery keeps idle connections (and proxies) alive and finds dead ones.
const pingEvery = 30 * time.Second

// serveEvents is GET /api/events?epoch=E&seq=N: the WebSocket of events.
// The browser sends nothing (a data message closes the stream); see Frame
// for the resume rules.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	select {
	case s.wsLimit <- struct{}{}:
		defer func() { <-s.wsLimit }()
	default:
		writeJSON(w, http.StatusServiceUnavailable, callError{"too many open event streams: close some Deepr tabs"})
		return
	}
	// The Origin must be this very host (coder/websocket's default check,
	// made explicit): a page elsewhere cannot open the stream with the cookie.
	if !sameOrigin(r) {
		writeJSON(w, http.StatusForbidden, callError{"cross-origin event stream refused"})
		return
	}
	seq, _ := strconv.ParseUint(r.URL.Query().Get("seq"), 10, 64)
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	c.SetReadLimit(512) // control frames only
	defer c.CloseNow()
	ctx := c.CloseRead(r.Context())

	sb, hello, missed := s.o.Hub.subscribe(r.URL.Query().Get("epoch"), seq)
	defer s.o.Hub.unsubscribe(sb)
	send := func(f Frame) bool {
		b, err := json.Marshal(f)
		if err != nil {
			return true
		}
		wctx, cancel := context.WithTimeout(ctx, writeWait)
		defer cancel()
		return c.Write(wctx, websocket.MessageText, b) == nil
	}
	if !send(hello) {
		return
	}
	for _, f := range missed {
		if !send(f) {
			return
		}
	}
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sb.dropped:
			c.Close(websocket.StatusPolicyViolation, "too slow: reconnect to resume")
			return
		case f := <-sb.c:
			if !send(f) {
				return
			}
		case <-ping.C:
			pctx, cancel := context.WithTimeout(ctx, writeWait)
			err := c.Ping(pctx)
			cancel()
			if err != nil {
				return
			}
		}
	}
}

// sameOrigin reports whether the request's Origin names its own host.
// A request without Origin is not from a browser page.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := parseOrigin(o)
	return err == nil && normalHost(u) == normalHost(r.Host) && portOf(u) == portOf(r.Host)
}
