package engine_test

import (
	"testing"

	"github.com/deepr-desktop/deepr/backend/catalog"
	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/provider/gemini"
	"github.com/deepr-desktop/deepr/backend/provider/openai"
	"github.com/deepr-desktop/deepr/backend/provider/perplexity"
)

// TestProvidersAgreeWithTheCatalogue: every provider the engine wires is
// in the catalogue, speaks the API of at least one model that is not
// retired, and the model its client sends when a request names none is a
// current catalogue model on an API it speaks (the catalogue's default
// where the client speaks its API).
func TestProvidersAgreeWithTheCatalogue(t *testing.T) {
	c := catalog.Builtin()
	fallback := map[string]string{"openai": openai.DefaultModel, "gemini": gemini.DefaultModel, "perplexity": perplexity.DefaultModel}
	for _, sp := range engine.Providers() {
		usable := 0
		for _, m := range c.Research(sp.Name) {
			for _, api := range sp.APIs {
				if m.API == api && !m.Retired() {
					usable++
				}
			}
		}
		if usable == 0 {
			t.Errorf("%s speaks %v, which no current catalogue model runs on", sp.Name, sp.APIs)
		}
		id, ok := fallback[sp.Name]
		if !ok {
			continue
		}
		m, found := c.Find(sp.Name, id)
		if !found || m.Retired() {
			t.Errorf("%s's client sends %q by default, which the catalogue does not list as current", sp.Name, id)
			continue
		}
		if d, _ := c.Default(sp.Name); d.API == m.API && d.ID != id {
			t.Errorf("%s's client default %q differs from the catalogue's %q on the same API", sp.Name, id, d.ID)
		}
	}
}
