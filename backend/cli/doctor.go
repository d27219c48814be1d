package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/webhook"
)

// doctor checks, in order, everything Deepr needs, and says what to fix.
func (r *runner) doctor(ctx context.Context, args []string) error {
	pos, err := parse(flag.NewFlagSet("doctor", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("doctor takes no arguments")
	}
	w := r.env.Stdout
	failed := 0
	check := func(ok bool, what, detail string) {
		mark := "ok  "
		if !ok {
			mark = "FAIL"
			failed++
		}
		fmt.Fprintf(w, "[%s] %-14s %s\n", mark, what, detail)
	}

	cfg, dirs, err := engine.LoadConfig(engine.Options{Getenv: r.env.Getenv, WorkDir: r.env.WorkDir})
	if err != nil {
		check(false, "configuration", err.Error())
		return errSilent
	}
	check(true, "configuration", "loaded")
	red := cfg.Redacted()
	for _, v := range config.Variables() {
		fmt.Fprintf(w, "       %-32s %-22s (%s)\n", v.Name, display(red, v.Name), cfg.Source[v.Name])
	}

	probe := filepath.Join(dirs.Data, ".doctor-probe")
	if err := dirs.Ensure(); err != nil {
		check(false, "data folder", err.Error())
	} else if err := os.WriteFile(probe, []byte("ok"), 0o600); err != nil {
		check(false, "data folder", fmt.Sprintf("%s is not writable: %v", dirs.Data, err))
	} else {
		_ = os.Remove(probe)
		check(true, "data folder", dirs.Data)
	}

	if err := r.open(""); err != nil {
		check(false, "database", err.Error())
		return errSilent
	}
	defer func() { _ = r.eng.Close() }()
	counts := ""
	for _, st := range job.All {
		n, err := r.eng.Store.CountStatus(ctx, "", st)
		if err != nil {
			check(false, "database", err.Error())
			return errSilent
		}
		if n > 0 {
			counts += fmt.Sprintf(" %s=%d", st, n)
		}
	}
	if counts == "" {
		counts = " no jobs yet"
	}
	check(true, "database", dirs.Database()+":"+counts)

	if set, hint, storage := r.eng.KeyStatus(); !set {
		check(false, "API key", "not set: export OPENAI_API_KEY=sk-..., put it in .env, or add it in the app's Settings")
	} else {
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := r.eng.Provider().CheckKey(cctx)
		cancel()
		if err != nil {
			check(false, "API key", fmt.Sprintf("set (%s, from %s) but the check failed: %v", hint, storage, err))
		} else {
			check(true, "API key", fmt.Sprintf("set (%s, from %s) and accepted by OpenAI", hint, storage))
		}
	}

	l, fresh, err := r.eng.LeaseHolder(ctx)
	switch {
	case err != nil:
		check(false, "poller", err.Error())
	case fresh:
		check(true, "poller", fmt.Sprintf("running: %s (heartbeat %s ago)", l.Holder, time.Since(l.Heartbeat).Round(time.Second)))
	default:
		check(true, "poller", "none running: open the Deepr app or run `deepr worker` so queued jobs are sent")
	}
	if ec := r.eng.Config(); ec.UseWebhooks {
		detail := "on: POST " + webhook.Path + " on " + ec.WebhookListen + " in the process that holds the poller lease; polling every " + ec.EffectivePollInterval().String() + " as a fallback"
		if ec.WebhookURL != "" {
			detail += "; public URL " + ec.WebhookURL + " (register it in the OpenAI dashboard)"
		} else {
			detail += "; DEEPR_WEBHOOK_URL not set (the public URL you register in the OpenAI dashboard)"
		}
		ok := ec.WebhookSecret != "" && webhook.CheckListen(ec.WebhookListen, ec.WebhookSecret) == nil
		if ec.WebhookSecret == "" {
			detail += "; OPENAI_WEBHOOK_SECRET is not set: no event can be verified (see docs/webhooks.md)"
		}
		check(ok, "webhooks", detail)
	} else {
		check(true, "webhooks", "off (polling only; see docs/webhooks.md)")
	}
	if failed > 0 {
		fmt.Fprintf(w, "\n%d check(s) failed.\n", failed)
		return errSilent
	}
	fmt.Fprintln(w, "\nAll checks passed.")
	return nil
}

func display(c config.Config, name string) string {
	v := c.Get(name)
	if v == "" {
		return `""`
	}
	return v
}
