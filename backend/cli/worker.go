package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/research"
)

func (r *runner) worker(ctx context.Context, args []string) error {
	pos, err := parse(flag.NewFlagSet("worker", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("worker takes no arguments")
	}
	host, _ := os.Hostname()
	if err := r.open(fmt.Sprintf("deepr worker (pid %d on %s)", os.Getpid(), host)); err != nil {
		return err
	}
	if r.log.GetLevel() < logrus.InfoLevel {
		r.log.SetLevel(logrus.InfoLevel)
	}
	if h := r.svc.Health(); h.Provider == research.ProviderNoKey {
		fmt.Fprintln(r.env.Stderr, "warning: no provider has an API key; jobs wait until one is set:")
		for _, p := range h.Providers {
			fmt.Fprintf(r.env.Stderr, "  %s, or run `deepr key set --provider %s`.\n", strings.TrimSuffix(p.Message, "."), p.Name)
		}
	}
	cfg := r.svc.Config()
	fmt.Fprintf(r.env.Stderr, "deepr worker: polling every %s; database %s. Ctrl-C to stop.\n", cfg.PollInterval, r.svc.Dirs().Database())
	err = r.svc.Run(ctx)
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	fmt.Fprintln(r.env.Stderr, "deepr worker: stopped")
	return nil
}

// doctor checks, in order, everything Deepr needs, and says what to fix.
func (r *runner) doctor(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("doctor takes no arguments")
	}
	w := r.env.Stdout
	if _, _, err := engine.LoadConfig(engine.Options{Getenv: r.env.Getenv, WorkDir: r.env.WorkDir}); err != nil {
		fmt.Fprintf(w, "[FAIL] %-14s %s\n", "configuration", err)
		return errSilent
	}
	if err := r.open(""); err != nil {
		fmt.Fprintf(w, "[FAIL] %-14s %s\n", "database", err)
		return errSilent
	}
	rep := r.svc.Doctor(ctx, engine.NotificationStatus())
	if *asJSON {
		if err := r.printJSON(rep); err != nil {
			return err
		}
	} else {
		for i, c := range rep.Checks {
			mark := "ok  "
			if !c.OK {
				mark = "FAIL"
			}
			fmt.Fprintf(w, "[%s] %-14s %s\n", mark, c.Name, termSafe(c.Detail, false))
			if i == 0 {
				for _, s := range rep.Settings {
					v := s.Value
					if v == "" {
						v = `""`
					}
					fmt.Fprintf(w, "       %-32s %-22s (%s)\n", s.Name, termSafe(v, false), s.Source)
				}
			}
		}
	}
	if n := rep.Failed(); n > 0 {
		if !*asJSON {
			fmt.Fprintf(w, "\n%d check(s) failed.\n", n)
		}
		return errSilent
	}
	if !*asJSON {
		fmt.Fprintln(w, "\nAll checks passed.")
	}
	return nil
}

// mirror rewrites report folders from the database.
func (r *runner) mirror(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("mirror", flag.ContinueOnError)
	all := fs.Bool("all", false, "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "rebuild" {
		return usagef("mirror takes one subcommand: rebuild")
	}
	if err := r.open(""); err != nil {
		return err
	}
	res, err := r.svc.RebuildMirror(ctx, *all)
	fmt.Fprintf(r.env.Stdout, "%d reports: %d folders missing, %d damaged, %d written, %d moved, %d failed\n",
		res.Reports, res.Missing, res.Damaged, res.Written, res.Moved, res.Failed)
	if err != nil {
		return err
	}
	if res.Failed > 0 {
		return errSilent
	}
	return nil
}
