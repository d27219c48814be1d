package cost

import (
	"errors"
	"fmt"
	"strings"

	"github.com/deepr-desktop/deepr/backend/catalog"
)

// PricesSetting is the name of the setting that overrides the price table.
const PricesSetting = "DEEPR_PRICES"

// Override changes some prices of one model; nil fields keep the table's.
type Override struct {
	InputPerMTok       *float64 `json:"input_per_mtok,omitempty"`
	CachedInputPerMTok *float64 `json:"cached_input_per_mtok,omitempty"`
	OutputPerMTok      *float64 `json:"output_per_mtok,omitempty"`
	WebSearchPer1K     *float64 `json:"web_search_per_1k,omitempty"`
	CodeContainerUSD   *float64 `json:"code_container_usd,omitempty"`
}

// Overrides is the DEEPR_PRICES setting: "provider/model" -> Override.
type Overrides map[string]Override

// ParseOverrides reads the DEEPR_PRICES setting, a JSON object of
// "provider/model" to prices, for example
//
//	{"openai/o3-deep-research": {"input_per_mtok": 8, "output_per_mtok": 32}}
//
// A model the built-in table knows may change any subset of its prices. A
// new model must give input_per_mtok and output_per_mtok (cached input
// then defaults to the input price, web search and containers to zero).
// Unknown fields, negative prices and a key without a provider are errors
// that say what to fix. An empty string means no overrides.
func ParseOverrides(s string) (Overrides, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Overrides{}, nil
	}
	raw, names, err := catalog.ParseKeyed[Override](s, "prices",
		`{"openai/o3-deep-research": {"input_per_mtok": 10, "cached_input_per_mtok": 2.5, "output_per_mtok": 40, "web_search_per_1k": 10}}`)
	if err != nil {
		return nil, err
	}
	out := make(Overrides, len(raw))
	base := Defaults()
	var errs []error
	for _, name := range names {
		provider, model, ok := strings.Cut(name, "/")
		if !ok || strings.TrimSpace(provider) == "" || strings.TrimSpace(model) == "" {
			errs = append(errs, fmt.Errorf("%q: name a model as provider/model, like openai/o3-deep-research", name))
			continue
		}
		key := Key(provider, model)
		if _, dup := out[key]; dup {
			errs = append(errs, fmt.Errorf("%q: this model is listed twice", name))
			continue
		}
		o := raw[name]
		p, known := base[key]
		if !known {
			if o.InputPerMTok == nil || o.OutputPerMTok == nil {
				errs = append(errs, fmt.Errorf("%q is not in the built-in price list: give at least input_per_mtok and output_per_mtok", name))
				continue
			}
			p = Prices{Provider: strings.ToLower(strings.TrimSpace(provider)), Model: strings.TrimPrefix(key, strings.ToLower(strings.TrimSpace(provider))+"/")}
		}
		if err := o.apply(p).Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		out[key] = o
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// apply returns p with the override's prices. For a model new to the
// table the cached price defaults to the input price.
func (o Override) apply(p Prices) Prices {
	newModel := p.InputPerMTok == 0 && p.OutputPerMTok == 0 && p.CachedInputPerMTok == 0
	set := func(dst *float64, v *float64) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.InputPerMTok, o.InputPerMTok)
	set(&p.CachedInputPerMTok, o.CachedInputPerMTok)
	set(&p.OutputPerMTok, o.OutputPerMTok)
	set(&p.WebSearchPer1K, o.WebSearchPer1K)
	set(&p.CodeContainerUSD, o.CodeContainerUSD)
	if newModel && o.CachedInputPerMTok == nil {
		p.CachedInputPerMTok = p.InputPerMTok
	}
	return p
}

// Apply returns a copy of t with the overrides applied. A model new to t
// is added (see ParseOverrides for its defaults).
func (t Table) Apply(o Overrides) Table {
	out := t.Clone()
	for key, ov := range o {
		p, ok := out[key]
		if !ok {
			provider, model, _ := strings.Cut(key, "/")
			p = Prices{Provider: provider, Model: model}
		}
		out[key] = ov.apply(p)
	}
	return out
}

// String writes the overrides back as compact JSON with sorted keys, the
// form a settings file keeps ("" when there are none).
func (o Overrides) String() string { return catalog.WriteKeyed(o) }
