package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/deepr-desktop/deepr/backend/mcpserver"
)

// mcpCmd serves Deepr to an AI assistant over stdio (the Model Context
// Protocol): stdin and stdout carry the protocol, untouched by the
// terminal guard, and everything else goes to stderr. While it runs it
// polls the database when no other process does (the window, a worker),
// so research an assistant started goes on with the window closed.
func (r *runner) mcpCmd(ctx context.Context, args []string) error {
	pos, err := parse(flag.NewFlagSet("mcp", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("mcp takes no arguments: add it to an assistant as command \"deepr\" with args [\"mcp\"]")
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
	fmt.Fprintf(r.env.Stderr, "deepr mcp: serving the Model Context Protocol on stdin/stdout; database %s\n", r.svc.Dirs().Database())
	err = srv.Run(ctx, &mcp.IOTransport{Reader: io.NopCloser(r.env.Stdin), Writer: nopWriteCloser{r.protocolOut}})
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
