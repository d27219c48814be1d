package webhook

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"

	"github.com/deepr-desktop/deepr/backend/httpserve"
)

// limits bound what the listener spends on clients, so that a flood of
// slow or unsigned clients costs a bounded amount of memory.
type limits struct {
	maxConns          int // connections served at once; more wait to be accepted
	readHeaderTimeout time.Duration
	readTimeout       time.Duration
	writeTimeout      time.Duration
	idleTimeout       time.Duration
	maxHeaderBytes    int
}

// defaultLimits fit OpenAI's deliveries: one small POST per event, sent
// at once. Each connection held costs about 20 KiB plus the body (at most
// MaxBody), so the listener holds under 3 MiB however many clients call.
var defaultLimits = limits{
	maxConns:          32,
	readHeaderTimeout: 5 * time.Second,
	readTimeout:       10 * time.Second,
	writeTimeout:      15 * time.Second, // the lookup may ask OpenAI
	idleTimeout:       5 * time.Second,
	maxHeaderBytes:    16 << 10,
}

// Serve listens on addr and serves h until ctx ends. It returns once the
// listener is closed; a failure to listen is returned at once. It serves at
// most 32 connections at once (the others wait to be accepted), each for at
// most one request, with its headers (16 KiB at most) within 5 s and the
// whole request within 10 s.
func Serve(ctx context.Context, addr string, h http.Handler, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("webhooks: cannot listen on %s: %w (is another Deepr running, or change DEEPR_WEBHOOK_LISTEN)", addr, err)
	}
	return serveOn(ctx, ln, h, defaultLimits, ready)
}

// serveOn serves h on ln within lim until ctx ends, then closes ln.
func serveOn(ctx context.Context, ln net.Listener, h http.Handler, lim limits, ready func(net.Addr)) error {
	addr := ln.Addr()
	ln = netutil.LimitListener(ln, lim.maxConns)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: lim.readHeaderTimeout,
		ReadTimeout:       lim.readTimeout,
		WriteTimeout:      lim.writeTimeout,
		IdleTimeout:       lim.idleTimeout,
		MaxHeaderBytes:    lim.maxHeaderBytes,
	}
	// One request per connection: an idle keep-alive would hold a slot.
	srv.SetKeepAlivesEnabled(false)
	if ready != nil {
		ready(addr)
	}
	return httpserve.Until(ctx, srv, ln)
}
