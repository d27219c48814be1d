package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/deepr-desktop/deepr/backend/mcpserver"
)

// mcpCmd serves Deepr to an AI assistant over stdio (the Model Context
// Protocol): stdin and stdout carry the protocol, untouched by the
// terminal guard, and everything else goes to stderr. While it runs it
// polls the database when no other process does (the window, a worker),
// so research an assistant started goes on with the window closed.
func (r *runner) mcpCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("mcp", flag.ContinueOnError)
	httpAddr := fs.String("http", "", "")
	remote := fs.Bool("allow-remote", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("mcp takes no arguments: add it to an assistant as command \"deepr\" with args [\"mcp\"]")
	}
	if *httpAddr != "" {
		if err := mcpserver.CheckListen(*httpAddr, *remote); err != nil {
			return usagef("%v", err)
		}
	} else if *remote {
		return usagef("--allow-remote goes with --http HOST:PORT")
	}
	host, _ := os.Hostname()
	feed := mcpserver.NewFeed()
	r.events = feed
	if err := r.open(fmt.Sprintf("deepr mcp (pid %d on %s)", os.Getpid(), host)); err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	polled := make(chan error, 1)
	go func() { polled <- r.svc.Run(ctx) }()
	srv := mcpserver.New(r.svc, feed, mcpserver.Options{Version: r.env.Version, Log: r.log})
	if *httpAddr != "" {
		err = r.serveHTTP(ctx, srv, *httpAddr, *remote)
	} else {
		fmt.Fprintf(r.env.Stderr, "deepr mcp: serving the Model Context Protocol on stdin/stdout; database %s\n", r.svc.Dirs().Database())
		err = srv.Run(ctx, &mcp.IOTransport{Reader: io.NopCloser(r.env.Stdin), Writer: nopWriteCloser{r.protocolOut}})
	}
	stop()
	if perr := <-polled; perr != nil && !errors.Is(perr, context.Canceled) {
		fmt.Fprintf(r.env.Stderr, "deepr mcp: the poller stopped: %v\n", perr)
	}
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// nopWriteCloser is a writer the protocol may close without closing it.
type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// serveHTTP serves srv over Streamable HTTP on addr until ctx ends
// (Ctrl-C), printing the address and the bearer token on stdout.
func (r *runner) serveHTTP(ctx context.Context, srv *mcpserver.Server, addr string, remote bool) error {
	token, err := mcpserver.NewToken()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	hs := &http.Server{Handler: srv.HTTPHandler(token, remote), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(r.env.Stdout, "url: http://%s%s\ntoken: %s\n", ln.Addr(), mcpserver.MCPPath, token)
	fmt.Fprintf(r.env.Stderr, "deepr mcp: serving the Model Context Protocol over HTTP at http://%s%s (send Authorization: Bearer TOKEN); database %s. Ctrl-C to stop.\n",
		ln.Addr(), mcpserver.MCPPath, r.svc.Dirs().Database())
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
