package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// Setting is the name of the setting that overrides the catalogue.
const Setting = "DEEPR_MODELS"

// Override changes the lifecycle of one model; nil fields keep the
// catalogue's. Prices are overridden by cost.PricesSetting (DEEPR_PRICES).
type Override struct {
	Lifecycle    *Lifecycle `json:"lifecycle,omitempty"`
	ShutdownDate *string    `json:"shutdown_date,omitempty"`
	Replacement  *string    `json:"replacement,omitempty"`
}

// Overrides is the DEEPR_MODELS setting: "provider/id" -> Override.
type Overrides map[string]Override

// overrideExample is how an override is written, for error messages.
const overrideExample = `{"gemini/deep-research-max-preview-04-2026": {"lifecycle": "retired", "replacement": "deep-research-preview-04-2026"}}`

// ParseOverrides reads the DEEPR_MODELS setting, a JSON object of
// "provider/id" to lifecycle changes, for example
//
//	{"gemini/deep-research-max-preview-04-2026": {"lifecycle": "retired", "replacement": "deep-research-preview-04-2026"}}
//
// Each key names a model of the built-in catalogue; the result, applied to
// it, must pass Check (a retired model needs a replacement that leads to a
// model that is not retired, a deprecated one a shutdown date). Setting a
// model back to stable or preview clears the date and replacement it does
// not give. Unknown fields are errors that say what to fix. An empty
// string means no overrides.
func ParseOverrides(s string) (Overrides, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Overrides{}, nil
	}
	raw, names, err := ParseKeyed[Override](s, "lifecycle changes", overrideExample)
	if err != nil {
		return nil, err
	}
	out := make(Overrides, len(raw))
	var errs []error
	for _, name := range names {
		o := raw[name]
		prov, id, ok := strings.Cut(name, "/")
		if !ok || prov == "" || id == "" {
			errs = append(errs, fmt.Errorf("%q: name a model as provider/model, like gemini/deep-research-max-preview-04-2026", name))
			continue
		}
		m, known := Builtin().Find(prov, id)
		if !known || m.ID != id {
			errs = append(errs, fmt.Errorf("%q is not a model of the catalogue: name one of %s", name, strings.Join(Builtin().ids(prov), ", ")))
			continue
		}
		if m.Kind == Helper {
			errs = append(errs, fmt.Errorf("%q is the helper model: its lifecycle cannot be changed here", name))
			continue
		}
		out[name] = o
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if _, err := Builtin().Apply(out); err != nil {
		return nil, err
	}
	return out, nil
}

// Apply returns a copy of c with the overrides applied, checked (Check).
// c itself does not change.
func (c *Catalog) Apply(o Overrides) (*Catalog, error) {
	out := c.clone()
	for name, ov := range o {
		prov, id, _ := strings.Cut(name, "/")
		i := out.index(prov, id)
		if i < 0 {
			return nil, fmt.Errorf("%q is not a model of the catalogue", name)
		}
		m := &out.models[i]
		if ov.Lifecycle != nil {
			m.Lifecycle = *ov.Lifecycle
			if m.Lifecycle == Stable || m.Lifecycle == Preview {
				m.ShutdownDate, m.Replacement = "", ""
			}
		}
		if ov.ShutdownDate != nil {
			m.ShutdownDate = *ov.ShutdownDate
		}
		if ov.Replacement != nil {
			m.Replacement = *ov.Replacement
		}
	}
	if err := out.Check(); err != nil {
		return nil, err
	}
	return out, nil
}

// index is the position of a provider's model with exactly this id, -1 if none.
func (c *Catalog) index(prov, id string) int {
	for i, m := range c.models {
		if m.Provider == prov && m.ID == id {
			return i
		}
	}
	return -1
}

// ids lists a provider's research model ids.
func (c *Catalog) ids(prov string) []string {
	var out []string
	for _, m := range c.Research(prov) {
		out = append(out, m.ID)
	}
	if len(out) == 0 {
		return []string{"(no model: the providers are " + strings.Join(c.providerNames(), ", ") + ")"}
	}
	return out
}

func (c *Catalog) providerNames() []string {
	out := make([]string, len(c.providers))
	for i, p := range c.providers {
		out[i] = p.Name
	}
	return out
}

// String writes the overrides back as compact JSON with sorted keys, the
// form a settings file keeps ("" when there are none).
func (o Overrides) String() string { return WriteKeyed(o) }
