package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// key manages the saved OpenAI API key: set (read from stdin, so it never
// appears in the shell history or the process list), clear, test.
func (r *runner) key(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("key", flag.ContinueOnError)
	prov := fs.String("provider", "openai", "")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("key takes one of set, clear, test")
	}
	switch pos[0] {
	case "set", "clear", "test":
	default:
		return usagef("key takes one of set, clear, test (not %q)", pos[0])
	}
	if err := r.open(""); err != nil {
		return err
	}
	switch pos[0] {
	case "set":
		fmt.Fprintf(r.env.Stderr, "Paste the %s API key and press Enter (it is read from stdin and not shown):\n", *prov)
		b, err := io.ReadAll(io.LimitReader(r.env.Stdin, 4096))
		if err != nil {
			return fmt.Errorf("reading the key from stdin: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		res, err := r.svc.SetKey(ctx, *prov, line)
		if err != nil {
			return err
		}
		fmt.Fprintf(r.env.Stdout, "Saved (%s, in the %s).\n", res.Settings.KeyHint, res.Settings.KeyStorage)
		if res.Test != nil {
			return r.keyVerdict(res.Test.OK, res.Test.Message)
		}
		return nil
	case "clear":
		v, err := r.svc.ClearKey(ctx, *prov)
		if err != nil {
			return err
		}
		still := ""
		for _, p := range v.Providers {
			if p.Name == *prov && p.KeySet {
				still = p.KeyStorage
			}
		}
		if still != "" {
			fmt.Fprintf(r.env.Stdout, "The saved key is removed; a key is still set in the %s.\n", still)
		} else {
			fmt.Fprintln(r.env.Stdout, "The saved key is removed.")
		}
		return nil
	}
	t := r.svc.TestKeyOf(ctx, *prov)
	return r.keyVerdict(t.OK, t.Message)
}

func (r *runner) keyVerdict(ok bool, msg string) error {
	if ok {
		fmt.Fprintln(r.env.Stdout, termSafe(msg, false))
		return nil
	}
	fmt.Fprintln(r.env.Stderr, "deepr: "+termSafe(msg, false))
	return errSilent
}
