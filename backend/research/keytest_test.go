package research_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/research"
)

// TestKeyTestTellsAddressFromKey: a 404 on the key test says the address
// is wrong and does not mark the key rejected; a refused key does.
func TestKeyTestTellsAddressFromKey(t *testing.T) {
	nothing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
	}))
	t.Cleanup(nothing.Close)
	p := newBudgetProc(t, map[string]string{"OPENAI_BASE_URL": nothing.URL + "/v1"})
	kt := p.svc.TestKeyOf(p.ctx, "openai")
	if kt.OK || kt.KeyRejected || !strings.Contains(kt.Message, "base URL") || kt.Message[:1] != strings.ToUpper(kt.Message[:1]) {
		t.Errorf("key test against a wrong base URL: %+v; want not ok, the key not rejected, the base URL named", kt)
	}

	other := fakeopenai.New(fakeopenai.Options{APIKey: "sk-another-key-entirely-0009"})
	t.Cleanup(other.Close)
	p = newBudgetProc(t, map[string]string{"OPENAI_BASE_URL": other.URL()})
	if kt := p.svc.TestKeyOf(p.ctx, "openai"); kt.OK || !kt.KeyRejected {
		t.Errorf("key test of a refused key: %+v; want the key rejected", kt)
	}
}

// TestSettingsRemembersWhenEachKeyWorked: on every provider, a key test is
// remembered (when, whether it passed, what was said) and so is the last
// call the provider answered while polling; a cleared key forgets both.
func TestSettingsRemembersWhenEachKeyWorked(t *testing.T) {
	p := newBudgetProc(t, nil)
	check := func(name string) *research.KeyCheck {
		for _, pi := range p.svc.Providers() {
			if pi.Name == name {
				return pi.KeyCheck
			}
		}
		t.Fatalf("no provider %s", name)
		return nil
	}
	for _, prov := range []string{"openai", "azure", "gemini", "perplexity"} {
		if c := check(prov); c != nil {
			t.Fatalf("%s before any call: %+v; want nothing known", prov, c)
		}
		if _, err := p.svc.Submit(p.ctx, request(prov, "Heat pumps in "+prov)); err != nil {
			t.Fatal(err)
		}
		p.tick() // sent
		p.tick() // polled
		c := check(prov)
		if c == nil || c.LastOKAt == nil || !c.LastOKAt.Equal(t0) || c.TestedAt != nil {
			t.Fatalf("%s after its calls: %+v; want the last answered call at %v and no test yet", prov, c, t0)
		}
		if kt := p.svc.TestKeyOf(p.ctx, prov); !kt.OK {
			t.Fatalf("%s key test: %+v", prov, kt)
		}
		if c = check(prov); c == nil || c.TestedAt == nil || !c.TestOK || !strings.Contains(c.TestMessage, "accepted the key") {
			t.Fatalf("%s after a key test: %+v; want it remembered as passed", prov, c)
		}
		if _, err := p.svc.ClearKey(p.ctx, prov); err != nil {
			t.Fatal(err)
		}
		if c = check(prov); c != nil {
			t.Errorf("%s after its key was cleared: %+v; want nothing known of the new key", prov, c)
		}
	}
}
