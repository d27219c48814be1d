// Package cost knows what research costs: the price table per provider and
// model, the cost of a finished run from its usage, the estimate of a run
// before it is paid for, and the budget rule that decides whether a new run
// may start. It does arithmetic only: the store keeps the numbers and the
// research service applies the rule on every submission path.
package cost

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/job"
)

// Prices is what one provider's model costs, in US dollars. A copy is
// stored with every job at submission, so a job keeps the prices it ran
// under when the table changes later.
type Prices struct {
	Provider string `json:"provider"`
	Model    string `json:"model"`
	// Per 1M tokens. Cached input is the part of the input served from the
	// provider's prompt cache; output includes reasoning tokens.
	InputPerMTok       float64 `json:"input_per_mtok"`
	CachedInputPerMTok float64 `json:"cached_input_per_mtok"`
	OutputPerMTok      float64 `json:"output_per_mtok"`
	// WebSearchPer1K is the price of 1,000 billed web-search calls.
	WebSearchPer1K float64 `json:"web_search_per_1k"`
	// CodeContainerUSD is the price of one code-interpreter container. The
	// provider's usage does not count containers, so only estimates use it.
	CodeContainerUSD float64 `json:"code_container_usd"`
}

// Known reports whether p names a model (the zero Prices does not).
func (p Prices) Known() bool { return p.Model != "" }

// Validate checks that every price is a finite number of dollars, not
// negative. The error names the model and the price.
func (p Prices) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"input_per_mtok", p.InputPerMTok},
		{"cached_input_per_mtok", p.CachedInputPerMTok},
		{"output_per_mtok", p.OutputPerMTok},
		{"web_search_per_1k", p.WebSearchPer1K},
		{"code_container_usd", p.CodeContainerUSD},
	} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return fmt.Errorf("%s of %s is %v: a price must be zero or a positive number of dollars", f.name, Key(p.Provider, p.Model), f.v)
		}
		if f.v > maxPrice {
			return fmt.Errorf("%s of %s is %v: prices above $%d are refused as a typo", f.name, Key(p.Provider, p.Model), f.v, int(maxPrice))
		}
	}
	return nil
}

// maxPrice bounds every price (per 1M tokens, per 1,000 calls or per
// container): far above any real price, it catches a misplaced decimal point.
const maxPrice = 100000

// Cost is the US-dollar cost of a run with usage u at prices p: uncached
// input, cached input and output tokens at their per-1M prices, plus the
// web-search calls at their per-1,000 price. Cached tokens are part of the
// input count, so they are billed once, at the cached rate; reasoning
// tokens are part of the output count and are not added again. Negative
// counts count as zero and cached tokens beyond the input are ignored.
func Cost(p Prices, u job.Usage) float64 {
	in := max(u.InputTokens, 0)
	cached := min(max(u.CachedTokens, 0), in)
	usd := float64(in-cached)*p.InputPerMTok/1e6 +
		float64(cached)*p.CachedInputPerMTok/1e6 +
		float64(max(u.OutputTokens, 0))*p.OutputPerMTok/1e6 +
		float64(max(u.WebSearchCalls, 0))*p.WebSearchPer1K/1000
	return usd
}

// Table is the price list: Key(provider, model) -> Prices.
type Table map[string]Prices

// Key is the table key of a model: "provider/model", lower case, with a
// dated snapshot suffix (-2025-06-26) removed, so a dated model id shares
// its base model's price.
func Key(provider, model string) string {
	m := strings.ToLower(strings.TrimSpace(model))
	m = datedSuffix.ReplaceAllString(m, "")
	return strings.ToLower(strings.TrimSpace(provider)) + "/" + m
}

// datedSuffix matches a snapshot date at the end of a model id.
var datedSuffix = regexp.MustCompile(`-[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// Defaults returns the built-in prices, a new Table on every call: every
// model of the model catalogue (backend/catalog), the helper model
// included. Sources are listed in docs/costs.md.
func Defaults() Table {
	t := Table{}
	for _, m := range catalog.Builtin().All() {
		t[Key(m.Provider, m.ID)] = pricesOf(m)
	}
	return t
}

// pricesOf is a catalogue model's prices as the price table keeps them.
// Perplexity's separate reasoning price is not one of them: its runs report
// their own cost, and the estimate counts reasoning at the output price.
func pricesOf(m catalog.Model) Prices {
	return Prices{Provider: m.Provider, Model: m.ID,
		InputPerMTok: m.Prices.InputPerMTok, CachedInputPerMTok: m.Prices.CachedInputPerMTok, OutputPerMTok: m.Prices.OutputPerMTok,
		WebSearchPer1K: m.Prices.WebSearchPer1K, CodeContainerUSD: m.Prices.CodeContainerUSD}
}

// Lookup returns the prices of a provider's model (a dated snapshot finds
// its base model, see Key). ok is false for a model the table does not
// know; callers must refuse such a job rather than treat it as free.
func (t Table) Lookup(provider, model string) (p Prices, ok bool) {
	p, ok = t[Key(provider, model)]
	return p, ok
}

// Models returns the table's keys in sorted order.
func (t Table) Models() []string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Clone returns a copy of t that shares nothing with it.
func (t Table) Clone() Table {
	c := make(Table, len(t))
	for k, v := range t {
		c[k] = v
	}
	return c
}
