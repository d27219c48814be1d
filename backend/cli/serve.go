package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/webserve"
)

// Serve runs the web face with the window's App and frontend, which only
// the main package has (main.go passes it in Env).
type Serve func(ctx context.Context, plan webserve.Plan, token string, ready func(url string)) error

// hostList is --host, repeatable or comma-separated.
type hostList []string

func (h *hostList) String() string { return strings.Join(*h, ",") }
func (h *hostList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*h = append(*h, s)
		}
	}
	return nil
}

// serve is `deepr serve`: the listening rules and the token are checked
// here (webserve.Plan, webserve.Token); Env.Serve does the rest.
func (r *runner) serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var plan webserve.Plan
	fs.StringVar(&plan.Listen, "listen", webserve.DefaultListen, "")
	fs.BoolVar(&plan.InsecureHTTP, "insecure-http", false, "")
	fs.StringVar(&plan.TLSCert, "tls-cert", "", "")
	fs.StringVar(&plan.TLSKey, "tls-key", "", "")
	fs.Var((*hostList)(&plan.Hosts), "host", "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("serve takes no arguments")
	}
	if r.env.Serve == nil {
		return errors.New("this build of deepr cannot serve the web app")
	}
	warning, err := plan.Check()
	if err != nil {
		return usagef("%v", err)
	}
	if warning != "" {
		fmt.Fprintln(r.env.Stderr, warning)
	}
	token, generated, err := webserve.Token(r.getenv)
	if err != nil {
		return err
	}
	err = r.env.Serve(ctx, plan, token, func(url string) {
		if generated {
			fmt.Fprintf(r.env.Stdout, "deepr serve: open %slogin?token=%s\n", url, token)
		} else {
			fmt.Fprintf(r.env.Stdout, "deepr serve: open %slogin and sign in with %s\n", url, webserve.TokenVariable)
		}
		fmt.Fprintln(r.env.Stdout, "deepr serve: polling and serving until Ctrl-C")
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	fmt.Fprintln(r.env.Stderr, "deepr serve: stopped")
	return nil
}
