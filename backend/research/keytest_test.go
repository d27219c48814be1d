package research_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
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
