package catalog

import (
	"errors"
	"fmt"
	"math"

	"github.com/deepr-desktop/deepr/backend/provider"
)

// Check reports everything that does not hold together, each error naming
// the model ("provider/id") and what to fix:
//
//   - every model names a listed provider, an id used once per provider
//     (aliases included), a known kind, API and lifecycle, and finite,
//     non-negative prices (input and output above zero);
//   - a research model has a known profile (or none: the fallback, which
//     must exist) and says how it treats its tools;
//   - each provider with research models has exactly one default one, and
//     at most one default helper model;
//   - a deprecated model has a shutdown date; a retired one a replacement;
//     a replacement is a research model of the same provider, and following
//     replacements from a retired model ends at one that is not retired.
func (c *Catalog) Check() error {
	var errs []error
	add := func(m Model, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", m.Key(), fmt.Sprintf(format, a...)))
	}
	if _, ok := c.profiles[c.fallback]; !ok {
		errs = append(errs, fmt.Errorf("the fallback profile %q is not defined", c.fallback))
	}
	seen := map[string]bool{}
	defaults := map[string]int{}
	for _, m := range c.models {
		if _, ok := c.provider(m.Provider); !ok {
			add(m, "the provider %q is not listed under providers", m.Provider)
		}
		if m.ID == "" {
			add(m, "no id")
		}
		for _, id := range append([]string{m.ID}, m.Aliases...) {
			if seen[m.Provider+"/"+id] {
				add(m, "%q is listed twice for %s", id, m.Provider)
			}
			seen[m.Provider+"/"+id] = true
		}
		switch m.Kind {
		case Research, Helper:
		default:
			add(m, "unknown kind %q: use research or helper", m.Kind)
		}
		switch m.API {
		case APIResponses, APIInteractions, APIAsync, APIAgent:
		default:
			add(m, "unknown api %q: use responses, interactions, async or agent", m.API)
		}
		if err := checkPrices(m.Prices); err != nil {
			add(m, "%v", err)
		}
		if m.Default {
			defaults[m.Provider+" "+string(m.Kind)]++
		}
		if m.Kind == Research {
			c.checkResearch(m, add)
		}
		c.checkLifecycle(m, add)
	}
	for _, p := range c.providers {
		if n := defaults[p.Name+" "+string(Research)]; n != 1 && len(c.Research(p.Name)) > 0 {
			errs = append(errs, fmt.Errorf("%s has %d default research models: mark exactly one \"default\": true", p.Name, n))
		}
		if n := defaults[p.Name+" "+string(Helper)]; n > 1 {
			errs = append(errs, fmt.Errorf("%s has %d default helper models: mark at most one", p.Name, n))
		}
	}
	return errors.Join(errs...)
}

func (c *Catalog) checkResearch(m Model, add func(Model, string, ...any)) {
	if m.Profile != "" {
		if _, ok := c.profiles[m.Profile]; !ok {
			add(m, "the profile %q is not defined under profiles", m.Profile)
		}
	}
	for _, t := range []provider.Tool{m.Honours.WebSearch, m.Honours.CodeInterpreter} {
		switch t {
		case provider.ToolOptional, provider.ToolAlways, provider.ToolNever:
		default:
			add(m, "honours: a tool is %q: use optional, always or never", t)
		}
	}
}

func (c *Catalog) checkLifecycle(m Model, add func(Model, string, ...any)) {
	if m.ShutdownDate != "" {
		if _, ok := m.Shutdown(); !ok {
			add(m, "the shutdown date %q is not a date like 2026-09-27", m.ShutdownDate)
		}
	}
	switch m.Lifecycle {
	case Stable, Preview:
	case Deprecated:
		if m.ShutdownDate == "" {
			add(m, "deprecated without a shutdown date: give shutdown_date (YYYY-MM-DD)")
		}
	case Retired:
		if m.Replacement == "" {
			add(m, "retired without a replacement: give the id of the model to use instead")
		}
	default:
		add(m, "unknown lifecycle %q: use stable, preview, deprecated or retired", m.Lifecycle)
	}
	if m.Replacement == "" {
		return
	}
	if m.Kind == Helper {
		add(m, "a helper model has no replacement")
		return
	}
	cur, visited := m, map[string]bool{}
	for cur.Retired() || cur.ID == m.ID {
		if visited[cur.ID] {
			add(m, "its replacements lead back to %q: end them at a model that is not retired", cur.ID)
			return
		}
		visited[cur.ID] = true
		r, ok := c.Find(m.Provider, cur.Replacement)
		if !ok || r.Kind != Research {
			add(m, "the replacement %q is not a research model of %s", cur.Replacement, m.Provider)
			return
		}
		cur = r
	}
}

// checkPrices: finite and not negative; a model without token prices
// could not be estimated.
func checkPrices(p Prices) error {
	for _, v := range []float64{p.InputPerMTok, p.CachedInputPerMTok, p.OutputPerMTok, p.ReasoningPerMTok, p.WebSearchPer1K, p.CodeContainerUSD} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return fmt.Errorf("a price is %v: prices are dollars, zero or more", v)
		}
	}
	if p.InputPerMTok == 0 || p.OutputPerMTok == 0 {
		return errors.New("no input_per_mtok or output_per_mtok: give both token prices")
	}
	return nil
}
