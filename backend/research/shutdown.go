package research

import (
	"context"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/config"
)

// Shutdown dates from the provider: OpenAI publishes one per model (GET
// /v1/models/{id}). When a key is tested, and at most once a day (by the
// service's clock), the dates of the provider's catalogue models are read
// and what they say goes into the catalogue in force, in memory, as
// lifecycle overrides (deprecated, with that date) beside the user's
// DEEPR_MODELS, which always wins. So the form, Settings and the doctor,
// which read the catalogue, show the date and warn as it comes near.
// A provider without such an endpoint (Azure, Gemini, Perplexity) reads
// nothing.

// shutdownReader is a provider that publishes its models' shutdown dates:
// model id -> "YYYY-MM-DD", or "" when it names none.
type shutdownReader interface {
	ShutdownDates(ctx context.Context, ids []string) (map[string]string, error)
}

// shutdownEvery is how often a provider's shutdown dates are read at most.
const shutdownEvery = 24 * time.Hour

// shutdownState is what the providers said about their models' shutdown.
type shutdownState struct {
	mu       sync.Mutex
	readAt   map[string]time.Time // provider -> last reading
	observed catalog.Overrides    // "provider/id" -> deprecated with the provider's date
	applied  catalog.Overrides    // what withObserved last added to the configuration
}

// readShutdownDates reads provider name's shutdown dates through p, unless
// it did so less than shutdownEvery ago, and puts them in force.
func (s *Service) readShutdownDates(ctx context.Context, name string, p Provider) {
	r, ok := p.(shutdownReader)
	if !ok {
		return
	}
	now := s.now()
	st := &s.shutdowns
	st.mu.Lock()
	last, seen := st.readAt[name]
	if seen && now.Sub(last) < shutdownEvery {
		st.mu.Unlock()
		return
	}
	if st.readAt == nil {
		st.readAt = map[string]time.Time{}
	}
	st.readAt[name] = now
	st.mu.Unlock()

	var ids []string
	for _, m := range s.Config().Catalog().Research(name) {
		if !m.Retired() {
			ids = append(ids, m.ID)
		}
	}
	dates, err := r.ShutdownDates(ctx, ids)
	if err != nil {
		s.log.WithError(err).WithField("provider", name).Warn("could not read the models' shutdown dates")
		if len(dates) == 0 { // try again at the next key test
			st.mu.Lock()
			if seen {
				st.readAt[name] = last
			} else {
				delete(st.readAt, name)
			}
			st.mu.Unlock()
			return
		}
	}
	st.mu.Lock()
	if st.observed == nil {
		st.observed = catalog.Overrides{}
	}
	for id, date := range dates {
		key := name + "/" + id
		if date == "" {
			delete(st.observed, key)
			continue
		}
		lc, d := catalog.Deprecated, date
		st.observed[key] = catalog.Override{Lifecycle: &lc, ShutdownDate: &d}
	}
	st.mu.Unlock()
	cfg := s.withObserved(s.Config())
	s.cfg.Store(&cfg)
}

// withObserved returns cfg with the shutdown dates the providers published
// added to its catalogue overrides: for a model the user's DEEPR_MODELS
// does not change, that the catalogue does not already say is retired or
// shut down on that date, and that leaves a catalogue that checks.
func (s *Service) withObserved(cfg config.Config) config.Config {
	st := &s.shutdowns
	st.mu.Lock()
	defer st.mu.Unlock()
	obs := st.observed
	if len(obs) == 0 {
		return cfg
	}
	merged := catalog.Overrides{}
	for k, o := range cfg.ModelOverrides {
		if prev, ok := st.applied[k]; !ok || !sameOverride(prev, o) {
			merged[k] = o // the user's own
		}
	}
	user := maps.Clone(merged)
	for k, o := range obs {
		if _, mine := user[k]; mine {
			continue
		}
		prov, id, _ := strings.Cut(k, "/")
		m, ok := catalog.Builtin().Find(prov, id)
		if !ok || m.Retired() || (m.Lifecycle == catalog.Deprecated && m.ShutdownDate == *o.ShutdownDate) {
			continue
		}
		trial := maps.Clone(merged)
		trial[k] = o
		if _, err := catalog.Builtin().Apply(trial); err != nil {
			continue
		}
		merged = trial
	}
	st.applied = catalog.Overrides{}
	for k := range obs {
		if o, in := merged[k]; in {
			if _, mine := user[k]; !mine {
				st.applied[k] = o
			}
		}
	}
	cfg.ModelOverrides = merged
	return cfg
}

// sameOverride reports whether a and b change the same things alike.
func sameOverride(a, b catalog.Override) bool {
	eq := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	la, lb := (*string)(nil), (*string)(nil)
	if a.Lifecycle != nil {
		v := string(*a.Lifecycle)
		la = &v
	}
	if b.Lifecycle != nil {
		v := string(*b.Lifecycle)
		lb = &v
	}
	return eq(la, lb) && eq(a.ShutdownDate, b.ShutdownDate) && eq(a.Replacement, b.Replacement)
}
