// Package catalog is the one list of the models Deepr knows: every
// provider's deep-research models, agents and presets (and the helper
// model), each with its display name, description, the API it runs on, the
// options it honours, its prices and cost profile, and its lifecycle
// (preview, deprecated with a shutdown date, retired with a replacement).
//
// The list is data: catalog.json, embedded in the binary (Builtin), and
// overridable from the settings (DEEPR_MODELS, see ParseOverrides), so a
// model the provider shut down can be marked retired without a new release.
// Everything that offers, validates, prices or sends a model reads it: the
// service (the form, Settings, submit, the doctor), the cost package (the
// price table and the estimate's profiles), the configuration (the default
// model) and the providers' packages. No other list of models exists.
//
// A Catalog is immutable: Apply returns a new one.
package catalog

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/deepr-desktop/deepr/backend/provider"
)

//go:embed catalog.json
var builtinJSON []byte

// Lifecycle is where a model stands at its provider.
type Lifecycle string

// The lifecycles. A model without one in the data is Stable.
const (
	// A stable model is generally available.
	Stable Lifecycle = "stable"
	// A preview model is offered by its provider as a preview; it runs
	// like a stable one.
	Preview Lifecycle = "preview"
	// A deprecated model is still answered until its shutdown date (and
	// perhaps a little after); it is offered, with a warning from WarnDays
	// days before that date.
	Deprecated Lifecycle = "deprecated"
	// A retired model was shut down. It is never offered and never sent;
	// a job on it is held and its user pointed to the replacement.
	Retired Lifecycle = "retired"
)

// API is the provider API a model runs on; a provider's client speaks one
// or more of them.
type API string

// The APIs.
const (
	APIResponses    API = "responses"    // OpenAI's Responses API in background mode (OpenAI, Azure)
	APIInteractions API = "interactions" // Gemini's Interactions API (agents)
	APIAsync        API = "async"        // Perplexity's async chat completions (Sonar)
	APIAgent        API = "agent"        // Perplexity's Agent API in background mode (presets)
)

// Kind is what a model is used for.
type Kind string

// The kinds. A model without one in the data is Research.
const (
	Research Kind = "research" // a deep-research run: offered in the form, Settings and submit
	Helper   Kind = "helper"   // the helper model (ask, clarify, brief): priced, never offered for research
)

// WarnDays is how many days before its shutdown date a deprecated model
// is warned about (in the form and by the doctor).
const WarnDays = 30

// Prices is what a model costs, in US dollars. The cost package turns it
// into its price table (cost.Prices); ReasoningPerMTok is Perplexity's own
// line, which only the Perplexity client's cost uses.
type Prices struct {
	InputPerMTok       float64 `json:"input_per_mtok"`
	CachedInputPerMTok float64 `json:"cached_input_per_mtok,omitempty"`
	OutputPerMTok      float64 `json:"output_per_mtok"`
	ReasoningPerMTok   float64 `json:"reasoning_per_mtok,omitempty"`
	WebSearchPer1K     float64 `json:"web_search_per_1k,omitempty"`
	CodeContainerUSD   float64 `json:"code_container_usd,omitempty"`
}

// Profile is the documented shape of a run, per tool call, that the
// estimate uses; each pair is (low-estimate, high-estimate). See the cost
// package and docs/costs.md.
type Profile struct {
	Note             string     `json:"note,omitempty"` // where the numbers come from
	Calls            [2]int     `json:"calls"`
	InputPerCall     [2]float64 `json:"input_per_call"`
	CachedShare      [2]float64 `json:"cached_share"`
	ReasoningPerCall [2]float64 `json:"reasoning_per_call"`
	ReportTokens     [2]float64 `json:"report_tokens"`
	Containers       [2]float64 `json:"containers"`
	MaxOutput        float64    `json:"max_output,omitempty"` // tokens; 0: no limit applies to a whole run
}

// Provider is what the catalogue says about a provider as a whole.
type Provider struct {
	Name string `json:"name"`
	// FreeForm: its model names are the user's own (Azure deployments);
	// a name the catalogue does not list is the model it Resolves to.
	FreeForm bool `json:"free_form,omitempty"`
}

// Model is one entry of the catalogue.
type Model struct {
	Provider    string `json:"provider"`
	ID          string `json:"id"`   // what is sent to the provider
	Name        string `json:"name"` // the display name
	Description string `json:"description"`
	Kind        Kind   `json:"kind,omitempty"`
	API         API    `json:"api"`
	// Default: the provider's default model of its kind.
	Default bool `json:"default,omitempty"`
	// Aliases are other ids that run as this model (OpenAI's dated snapshots).
	Aliases []string `json:"aliases,omitempty"`
	// Matches: a free-form name (an Azure deployment) that contains one of
	// these, case aside, is this model.
	Matches   []string  `json:"matches,omitempty"`
	Lifecycle Lifecycle `json:"lifecycle,omitempty"`
	// ShutdownDate (YYYY-MM-DD, UTC) is when a deprecated model stops, or
	// when a retired one stopped.
	ShutdownDate string `json:"shutdown_date,omitempty"`
	// Replacement is the id (same provider) to use instead of a deprecated
	// or retired model.
	Replacement string `json:"replacement,omitempty"`
	Prices      Prices `json:"prices"`
	Profile     string `json:"profile,omitempty"` // the estimate's profile; "" : the fallback
	// Honours is which request options it honours and what can be done
	// with a run once sent.
	Honours provider.Capabilities `json:"honours"`
}

// Catalog is the list of models. Build one with Builtin, Parse or Apply.
type Catalog struct {
	asOf      string
	providers []Provider
	fallback  string
	profiles  map[string]Profile
	models    []Model
}

// file is the format of catalog.json.
type file struct {
	AsOf            string             `json:"as_of"` // the day the data was checked against the providers
	Providers       []Provider         `json:"providers"`
	FallbackProfile string             `json:"fallback_profile"`
	Profiles        map[string]Profile `json:"profiles"`
	Models          []Model            `json:"models"`
}

// builtin parses the embedded catalog.json once; it never changes.
var builtin = sync.OnceValues(func() (*Catalog, error) { return Parse(builtinJSON) })

// Builtin returns the catalogue embedded in this build. It panics if the
// embedded data is broken, which the package's tests rule out.
func Builtin() *Catalog {
	c, err := builtin()
	if err != nil {
		panic("the embedded model catalogue is broken: " + err.Error())
	}
	return c
}

// Parse reads a catalogue (the format of catalog.json: unknown fields are
// errors) and checks it (Check).
func Parse(data []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("reading the model catalogue: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("reading the model catalogue: text after the JSON object")
	}
	c := Catalog{asOf: f.AsOf, providers: f.Providers, fallback: f.FallbackProfile, profiles: f.Profiles, models: f.Models}
	for i := range c.models {
		m := &c.models[i]
		if m.Kind == "" {
			m.Kind = Research
		}
		if m.Lifecycle == "" {
			m.Lifecycle = Stable
		}
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Providers lists the providers, the default provider (whose default
// model is DefaultModel) first.
func (c *Catalog) Providers() []Provider { return slices.Clone(c.providers) }

// provider returns the catalogue's entry for a provider name.
func (c *Catalog) provider(name string) (Provider, bool) {
	for _, p := range c.providers {
		if p.Name == name {
			return p, true
		}
	}
	return Provider{}, false
}

// AsOf is the day the data was last checked against the providers.
func (c *Catalog) AsOf() string { return c.asOf }

// All returns every model, in the catalogue's order.
func (c *Catalog) All() []Model {
	out := make([]Model, len(c.models))
	for i, m := range c.models {
		out[i] = m.clone()
	}
	return out
}

// Research returns a provider's research models of every lifecycle, the
// default first, then in the catalogue's order.
func (c *Catalog) Research(providerName string) []Model {
	var out []Model
	for _, m := range c.models {
		if m.Provider == providerName && m.Kind == Research {
			out = append(out, m.clone())
		}
	}
	slices.SortStableFunc(out, func(a, b Model) int {
		switch {
		case a.Default == b.Default:
			return 0
		case a.Default:
			return -1
		}
		return 1
	})
	return out
}

// Find returns a provider's model by its id or one of its aliases (exact
// spelling), of any kind and lifecycle.
func (c *Catalog) Find(providerName, id string) (Model, bool) {
	for _, m := range c.models {
		if m.Provider == providerName && (m.ID == id || slices.Contains(m.Aliases, id)) {
			return m.clone(), true
		}
	}
	return Model{}, false
}

// Resolve is Find, and for a free-form provider (Azure) the model a name
// it does not list stands for: the first research model whose Matches the
// name contains (case aside), else the provider's default.
func (c *Catalog) Resolve(providerName, name string) (Model, bool) {
	if m, ok := c.Find(providerName, name); ok {
		return m, true
	}
	if p, ok := c.provider(providerName); !ok || !p.FreeForm {
		return Model{}, false
	}
	lower := strings.ToLower(name)
	for _, m := range c.models {
		if m.Provider != providerName || m.Kind != Research {
			continue
		}
		for _, s := range m.Matches {
			if s != "" && strings.Contains(lower, strings.ToLower(s)) {
				return m.clone(), true
			}
		}
	}
	return c.Default(providerName)
}

// Default returns a provider's default research model. When it is
// retired (by an override), its replacement is the default.
func (c *Catalog) Default(providerName string) (Model, bool) {
	return c.defaultOf(providerName, Research)
}

// Helper returns a provider's default helper model.
func (c *Catalog) Helper(providerName string) (Model, bool) {
	return c.defaultOf(providerName, Helper)
}

func (c *Catalog) defaultOf(providerName string, k Kind) (Model, bool) {
	for _, m := range c.models {
		if m.Provider == providerName && m.Kind == k && m.Default {
			return c.Current(m), true
		}
	}
	return Model{}, false
}

// DefaultModel is the default research model of the first provider: what
// a new job runs when neither a model nor DEEPR_MODEL names one.
func (c *Catalog) DefaultModel() Model {
	if len(c.providers) == 0 {
		return Model{}
	}
	m, _ := c.Default(c.providers[0].Name)
	return m
}

// Profile returns the estimate profile called name.
func (c *Catalog) Profile(name string) (Profile, bool) {
	p, ok := c.profiles[name]
	return p, ok
}

// ProfileOf returns the estimate profile of m, or the fallback profile
// when m has none (an unknown model is estimated with the fallback).
func (c *Catalog) ProfileOf(m Model) Profile {
	if p, ok := c.profiles[m.Profile]; ok && m.Profile != "" {
		return p
	}
	return c.profiles[c.fallback]
}

// Key is "provider/id", how settings name a model.
func (m Model) Key() string { return m.Provider + "/" + m.ID }

func (m Model) clone() Model {
	m.Aliases = slices.Clone(m.Aliases)
	m.Matches = slices.Clone(m.Matches)
	return m
}

// clone returns a deep copy of c.
func (c *Catalog) clone() *Catalog {
	out := *c
	out.providers = slices.Clone(c.providers)
	out.profiles = make(map[string]Profile, len(c.profiles))
	for k, v := range c.profiles {
		out.profiles[k] = v
	}
	out.models = c.All()
	return &out
}
