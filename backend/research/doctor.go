package research

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/deepr-desktop/deepr/backend/config"
	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/mirror"
	"github.com/deepr-desktop/deepr/backend/webhook"
)

// Check is one line of the doctor's report.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Setting is one configuration variable as the doctor shows it (secrets
// redacted) with where its value came from.
type Setting struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// DoctorReport is everything the doctor checked, in order.
type DoctorReport struct {
	Settings []Setting `json:"settings"`
	Checks   []Check   `json:"checks"`
}

// Failed counts the checks that failed.
func (r DoctorReport) Failed() int {
	n := 0
	for _, c := range r.Checks {
		if !c.OK {
			n++
		}
	}
	return n
}

// Doctor checks, in order, everything Deepr needs, and says what to fix.
// notifications describes the notifier of this process ("" to skip).
func (s *Service) Doctor(ctx context.Context, notifications string) DoctorReport {
	var r DoctorReport
	add := func(ok bool, name, detail string) { r.Checks = append(r.Checks, Check{name, ok, detail}) }
	cfg := s.Config()
	red := cfg.Redacted()
	for _, v := range config.Variables() {
		r.Settings = append(r.Settings, Setting{v.Name, red.Get(v.Name), cfg.Source[v.Name]})
	}
	add(true, "configuration", "loaded")
	r.Checks = append(r.Checks, savedSettingsCheck(cfg))

	probe := filepath.Join(s.dirs.Data, ".doctor-probe")
	if err := os.WriteFile(probe, []byte("ok"), 0o600); err != nil {
		add(false, "data folder", fmt.Sprintf("%s is not writable: %v", s.dirs.Data, err))
	} else {
		_ = os.Remove(probe)
		add(true, "data folder", s.dirs.Data)
	}

	counts := ""
	for _, st := range job.All {
		n, err := s.st.CountStatus(ctx, "", st)
		if err != nil {
			add(false, "database", err.Error())
			return r
		}
		if n > 0 {
			counts += fmt.Sprintf(" %s=%d", st, n)
		}
	}
	if counts == "" {
		counts = " no jobs yet"
	}
	// Opening reads an up-to-date database without writing it: check
	// that writing works too.
	if err := s.st.CheckWrite(ctx); err != nil {
		add(false, "database", err.Error())
	} else {
		add(true, "database", s.dirs.Database()+":"+counts)
	}

	r.Checks = append(r.Checks, s.folderCheck(ctx))
	r.Checks = append(r.Checks, s.keyChecks(ctx)...)
	r.Checks = append(r.Checks, s.modelsCheck(ctx, cfg))

	l, err := s.Lease(ctx)
	switch {
	case err != nil:
		add(false, "poller", err.Error())
	case l.Fresh:
		add(true, "poller", fmt.Sprintf("running: %s (heartbeat %s ago)", l.Holder, s.now().Sub(l.Heartbeat).Round(time.Second)))
	default:
		add(true, "poller", "none running: queued jobs are sent once the app or a worker runs")
	}
	r.Checks = append(r.Checks, s.webhookCheck(cfg))
	if notifications != "" {
		add(true, "notifications", notifications)
	}
	return r
}

func (s *Service) webhookCheck(cfg config.Config) Check {
	if !cfg.UseWebhooks {
		return Check{"webhooks", true, "off (polling only; see docs/webhooks.md)"}
	}
	detail := fmt.Sprintf("on: POST %s on %s in the process that holds the poller lease; polling every %s while it listens, every %s otherwise",
		webhook.Path, cfg.WebhookListen, cfg.WebhookFallbackInterval, cfg.PollInterval)
	if cfg.WebhookURL != "" {
		detail += "; public URL " + cfg.WebhookURL + " (register it in the OpenAI dashboard)"
	} else {
		detail += "; DEEPR_WEBHOOK_URL not set (the public URL you register in the OpenAI dashboard)"
	}
	secret := s.webhookSecret()
	ok := secret != ""
	if !ok {
		detail += "; no signing secret (OPENAI_WEBHOOK_SECRET or Settings): no event can be verified, polling continues at the normal interval"
	} else if err := webhook.CheckListen(cfg.WebhookListen, secret); err != nil {
		ok = false
		detail += "; " + err.Error()
	}
	if h := s.hooks.health(true); h.State == WebhooksError {
		ok = false
		detail += "; " + h.Message
	}
	return Check{"webhooks", ok, detail}
}

// keyChecks checks each provider that is configured (OpenAI always: it is
// the default), testing its key with the provider.
func (s *Service) keyChecks(ctx context.Context) []Check {
	var out []Check
	for _, sp := range s.specs {
		k := s.keyState(sp.Name)
		name := sp.Display + " key"
		if sp.Name == "openai" {
			name = "API key"
		}
		if k.key == "" {
			if sp.Name == "openai" && !s.anyKey() {
				out = append(out, Check{name, false, "not set: set " + sp.KeyVariable + " (environment or .env) or add the key in Settings"})
			} else if sp.Name == "openai" {
				out = append(out, Check{name, true, "not set (other providers are configured)"})
			}
			continue
		}
		if t := s.TestKeyOf(ctx, sp.Name); !t.OK {
			out = append(out, Check{name, false, fmt.Sprintf("set (%s, from %s) but the check failed: %s", hint(k.key), k.storage, t.Message)})
		} else {
			out = append(out, Check{name, true, fmt.Sprintf("set (%s, from %s) and accepted by %s", hint(k.key), k.storage, sp.Display)})
		}
	}
	return out
}

// folderCheck is the doctor's line on the report folders: every saved
// report must have its own complete folder in the data folder.
func (s *Service) folderCheck(ctx context.Context) Check {
	c, err := mirror.Count(ctx, s.st)
	switch {
	case err != nil:
		return Check{"report folders", false, err.Error()}
	case c.Bad > 0:
		return Check{"report folders", false, fmt.Sprintf("%d of %d saved reports have no complete folder in %s (not written yet, gone or emptied): "+
			"the app or `deepr worker` writes them when it runs, or run `deepr mirror rebuild` now; if a write failed, free space in the data folder first", c.Bad, c.Reports, filepath.Join(s.dirs.Data, "reports"))}
	case c.Reports == 0:
		return Check{"report folders", true, "no saved reports yet"}
	default:
		return Check{"report folders", true, fmt.Sprintf("%d saved reports, each with its folder in %s", c.Reports, filepath.Join(s.dirs.Data, "reports"))}
	}
}
