package research

import (
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/worker"
)

// ProviderHealth is one provider's own state, as the status bar's details
// list it. One provider's trouble never shows as another's: each entry
// comes from the calls made to that provider only.
type ProviderHealth struct {
	Name    string     `json:"name"`    // "openai", "gemini", ...
	Display string     `json:"display"` // "OpenAI", ...
	State   string     `json:"state"`   // "ok" | "offline" | "key_rejected" | "unknown" | "no_key"
	Summary string     `json:"summary"` // a short line: "Gemini: API key rejected"
	Message string     `json:"message"` // what is wrong and what to do; "" when nothing is
	Since   *time.Time `json:"since" ts_type:"string"`
}

// providerHealth details each provider's state from the poller's, with
// the providers that cannot be used (no key, or not set up) as no_key; it
// returns them with the worst state, the messages of the providers in it
// and a short summary naming them.
func (s *Service) providerHealth(w worker.Health) (list []ProviderHealth, worst, message, summary string) {
	cfg := s.Config()
	polled := map[string]worker.ProviderHealth{}
	for _, p := range w.Providers {
		polled[p.Name] = p
	}
	worst = ProviderNoKey
	var in []ProviderHealth // the providers in the worst state
	for _, sp := range s.specs {
		p := ProviderHealth{Name: sp.Name, Display: sp.Display, State: worker.ProviderUnknown}
		if why := s.notReady(cfg, sp); why != "" {
			p.State, p.Message = ProviderNoKey, strings.ToUpper(why[:1])+why[1:]+"."
		} else if wp, ok := polled[sp.Name]; ok {
			p.State, p.Message, p.Since = wp.State, wp.Message, wp.Since
		}
		p.Summary = sp.Display + ": " + s.stateWords(p)
		list = append(list, p)
		if worker.Worse(p.State, worst) {
			worst, in = p.State, nil
		}
		if p.State == worst {
			in = append(in, p)
		}
	}
	var names, msgs []string
	for _, p := range in {
		names = append(names, p.Display)
		if p.Message != "" {
			msgs = append(msgs, p.Message)
		}
	}
	message = strings.Join(msgs, " ")
	switch worst {
	case worker.ProviderKeyRejected:
		summary = join(names, "and") + ": API key rejected"
	case worker.ProviderOffline:
		summary = join(names, "and") + " unreachable"
	case worker.ProviderOK:
		summary = join(names, "and") + " reachable"
	case ProviderNoKey:
		if !s.anyKey() {
			all := make([]string, len(s.specs))
			for i, sp := range s.specs {
				all[i] = sp.Display
			}
			return list, worst, "No API key: add one (" + join(all, "or") + ") in Settings.", "No API key"
		}
		summary = "No provider is set up"
	default:
		summary = join(names, "and") + ": not checked yet"
	}
	return list, worst, message, summary
}

// stateWords says a provider's state in a few words.
func (s *Service) stateWords(p ProviderHealth) string {
	switch p.State {
	case worker.ProviderOK:
		return "reachable"
	case worker.ProviderOffline:
		return "unreachable"
	case worker.ProviderKeyRejected:
		return "API key rejected"
	case ProviderNoKey:
		if s.hasKey(p.Name) {
			return "not set up"
		}
		return "no key"
	}
	return "not checked yet"
}

// join lists names as a sentence does: "A", "A and B", "A, B and C".
func join(names []string, conj string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + conj + " " + names[len(names)-1]
}

// providerState returns the poller's state of one provider.
func providerState(h worker.Health, name string) worker.ProviderHealth {
	for _, p := range h.Providers {
		if p.Name == name {
			return p
		}
	}
	return worker.ProviderHealth{Name: name, State: worker.ProviderUnknown}
}

// workerNames tells the poller how each provider is named to users, so its
// messages name the provider concerned and that provider's key variable.
func workerNames(specs []ProviderSpec) []worker.ProviderName {
	out := make([]worker.ProviderName, len(specs))
	for i, sp := range specs {
		out[i] = worker.ProviderName{Name: sp.Name, Display: sp.Display, KeyVariable: sp.KeyVariable}
	}
	return out
}

// keyVariable is the environment variable of a provider's key.
func (s *Service) keyVariable(name string) string {
	if sp, ok := s.spec(name); ok && sp.KeyVariable != "" {
		return sp.KeyVariable
	}
	return "the environment"
}
