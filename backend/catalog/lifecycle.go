package catalog

import "time"

// Current returns m, or when m is retired the model its replacements lead
// to (Check guarantees the chain ends at a model that is not retired).
func (c *Catalog) Current(m Model) Model {
	for range len(c.models) {
		if !m.Retired() {
			return m
		}
		r, ok := c.Find(m.Provider, m.Replacement)
		if !ok {
			return m
		}
		m = r
	}
	return m
}

// Retired reports whether the model was shut down.
func (m Model) Retired() bool { return m.Lifecycle == Retired }

// Shutdown returns the shutdown date (midnight UTC), if the model has one.
func (m Model) Shutdown() (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, m.ShutdownDate)
	return t, err == nil
}

// DaysLeft is the number of calendar days (UTC) from now to the shutdown
// date: 0 on the day, negative after it; 0 when there is no date.
func (m Model) DaysLeft(now time.Time) int {
	end, ok := m.Shutdown()
	if !ok {
		return 0
	}
	u := now.UTC()
	today := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	return int(end.Sub(today).Hours() / 24)
}

// Warns reports whether a deprecated model is to be warned about at now:
// from WarnDays days before its shutdown date on (after the date too, as
// long as it is not marked retired).
func (m Model) Warns(now time.Time) bool {
	if m.Lifecycle != Deprecated {
		return false
	}
	_, ok := m.Shutdown()
	return ok && m.DaysLeft(now) <= WarnDays
}
