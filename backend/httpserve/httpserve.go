// Package httpserve runs an http.Server for as long as a context lives:
// the one shutdown rule shared by Deepr's servers (the webhook listener
// and `deepr serve`).
package httpserve

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// ShutdownWait is how long requests in flight get to finish once the
// context ends.
const ShutdownWait = 5 * time.Second

// Until serves srv on ln until ctx ends, then shuts it down (waiting at
// most ShutdownWait for requests in flight) and returns nil. A failure of
// Serve is returned at once.
func Until(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), ShutdownWait)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-errc
		return nil
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}
