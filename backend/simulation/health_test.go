package simulation

import (
	"regexp"
	"strings"

	"pgregory.net/rapid"

	"github.com/deepr-desktop/deepr/backend/job"
)

// Health per provider: what the status bar says about a provider, and why
// a queued job waits, come from that provider only.

// trouble is what went wrong with one provider since the running process
// started: only then may its health say so.
type trouble struct {
	key bool // its key was removed, wrong or revoked
	net bool // an outage, or a job of its whose run answers errors
}

// transient are the markers whose runs answer errors that may show the
// provider as unreachable.
var transient = []string{"get500", "getdrop", "get503", "get429", "ratelimit", "create500", "create503", "create-drop"}

// noteTrouble records trouble for a provider (see trouble).
func (w *world) noteTrouble(name string, key, net bool) {
	tr := w.trouble[name]
	tr.key = tr.key || key
	tr.net = tr.net || net
	w.trouble[name] = tr
}

// resetTrouble starts a new process's memory of trouble from what is
// wrong now.
func (w *world) resetTrouble() {
	w.trouble = map[string]trouble{}
	for _, n := range w.names {
		w.noteTrouble(n, w.saved[n] != w.fakes[n].key, w.fakes[n].ep.getMode() != upMode)
	}
}

// names of the providers as a message would name them: the display name
// and the key variable.
var healthNames = map[string][]*regexp.Regexp{
	"openai":     {regexp.MustCompile(`(^|[^e] )OpenAI\b`), regexp.MustCompile(`\bOPENAI_API_KEY\b`)},
	"azure":      {regexp.MustCompile(`\bAzure\b`), regexp.MustCompile(`\bAZURE_OPENAI_API_KEY\b`)},
	"gemini":     {regexp.MustCompile(`\bGemini\b`), regexp.MustCompile(`\bGEMINI_API_KEY\b`)},
	"perplexity": {regexp.MustCompile(`\bPerplexity\b`), regexp.MustCompile(`\bPERPLEXITY_API_KEY\b`)},
}

// namesOther returns another provider that text names, "" if none.
func namesOther(self, text string) string {
	for other, res := range healthNames {
		if other == self {
			continue
		}
		for _, re := range res {
			if re.MatchString(" " + text) {
				return other
			}
		}
	}
	return ""
}

// checkHealth: each provider's state and message come from its own calls,
// and a queued job's reason to wait names its own provider only.
func (w *world) checkHealth(t *rapid.T, jobs map[string]job.Job) {
	if !checkHealthPerProvider {
		return
	}
	h := w.svc.Health()
	for _, p := range h.Providers {
		tr := w.trouble[p.Name]
		switch {
		case p.State == "key_rejected" && !tr.key:
			w.broken(t, "health", "%s shows its key rejected (%q), but its key was never wrong in this process", p.Display, p.Message)
		case p.State == "offline" && !tr.net:
			w.broken(t, "health", "%s shows as unreachable (%q), but it never failed in this process", p.Display, p.Message)
		}
		if o := namesOther(p.Name, p.Message+" "+p.Summary); o != "" {
			w.broken(t, "health", "%s's health names %s: %q %q", p.Display, o, p.Summary, p.Message)
		}
	}
	for _, id := range w.m.order {
		j, ok := jobs[id]
		if !ok || j.Status != job.Queued || j.Waiting == "" {
			continue
		}
		if o := namesOther(j.Provider, j.Waiting); o != "" {
			w.broken(t, "health", "queued %s job %s says why it waits naming %s: %q", j.Provider, w.tag(id), o, j.Waiting)
		}
		if strings.Contains(j.Waiting, "rejected") && !w.trouble[j.Provider].key {
			w.broken(t, "health", "queued %s job %s waits for a rejected key, but its key was never wrong: %q", j.Provider, w.tag(id), j.Waiting)
		}
	}
}
