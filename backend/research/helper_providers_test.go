package research_test

// The helper model (ask, clarify, brief) on every provider that can run
// it: OpenAI, Azure (a chat deployment) and Gemini (a Flash model), each
// against its fake, chosen by DEEPR_HELPER_PROVIDER (auto: the first with
// a key). Each call reserves before it is sent and settles its cost at the
// catalogue's price of the model it ran.

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/deepr-desktop/deepr/backend/cost"
	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/fakegemini"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/research"
	"github.com/deepr-desktop/deepr/backend/store"
)

const (
	helperAzureKey  = "azure-helper-key-000111222333444"
	helperGeminiKey = "AIza-helper-gemini-key-000111222"
)

// helperFleet is every helper-capable provider's fake and the environment
// that gives each its key.
type helperFleet struct {
	openai, azure *fakeopenai.Server
	gemini        *fakegemini.Server
	keys          map[string]map[string]string // provider -> its variables
}

func newHelperFleet(t *testing.T) helperFleet {
	f := helperFleet{
		openai: fakeopenai.New(fakeopenai.Options{APIKey: testKey}),
		azure:  fakeopenai.New(fakeopenai.Options{APIKey: helperAzureKey, Azure: true}),
		gemini: fakegemini.New(fakegemini.Options{APIKey: helperGeminiKey}),
	}
	t.Cleanup(f.openai.Close)
	t.Cleanup(f.azure.Close)
	t.Cleanup(f.gemini.Close)
	f.keys = map[string]map[string]string{
		"openai": {"OPENAI_API_KEY": testKey, "OPENAI_BASE_URL": f.openai.URL()},
		"azure":  {"AZURE_OPENAI_API_KEY": helperAzureKey, "AZURE_OPENAI_ENDPOINT": f.azure.Endpoint()},
		"gemini": {"GEMINI_API_KEY": helperGeminiKey, "GEMINI_BASE_URL": f.gemini.URL()},
	}
	return f
}

// calls is how many helper calls each fake answered.
func (f helperFleet) calls() map[string]int {
	return map[string]int{"openai": f.openai.HelperCreates(), "azure": f.azure.HelperCreates(), "gemini": len(f.gemini.GenerateRequests())}
}

// openHelperProc opens a process on data with the keys of providers and
// the extra variables (nothing else: no OpenAI key unless named).
func openHelperProc(t *testing.T, f helperFleet, data string, providers []string, extra map[string]string) *research.Service {
	t.Helper()
	vars := sharedEnv(data, f.openai.URL(), extra)
	delete(vars, "DEEPR_PRICES")
	for _, p := range providers {
		for k, v := range f.keys[p] {
			vars[k] = v
		}
	}
	l := logrus.New()
	l.SetOutput(io.Discard)
	svc, err := engine.Open(engine.Options{
		Getenv:  func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		WorkDir: t.TempDir(), Holder: "helper provider test", Log: l,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	return svc
}

// TestHelperRunsOnEveryProvider: with only one provider's key (auto), or
// with every key and that provider chosen, ask, clarify and brief run on
// that provider's fake, with its model, and each call's cost is settled at
// the catalogue's price of that model, nothing left reserved.
func TestHelperRunsOnEveryProvider(t *testing.T) {
	models := map[string]string{"openai": "gpt-4.1-mini", "azure": "gpt-4.1-mini", "gemini": "gemini-2.5-flash"}
	for _, prov := range []string{"openai", "azure", "gemini"} {
		for _, mode := range []string{"only its key", "chosen among all"} {
			t.Run(prov+" "+mode, func(t *testing.T) {
				f := newHelperFleet(t)
				data, id := sharedReport(t)
				keys, extra := []string{prov}, map[string]string{}
				if mode == "chosen among all" {
					keys, extra["DEEPR_HELPER_PROVIDER"] = []string{"openai", "azure", "gemini"}, prov
				}
				svc := openHelperProc(t, f, data, keys, extra)
				ctx := context.Background()
				price, ok := cost.Defaults().Lookup(prov, models[prov])
				if !ok {
					t.Fatalf("no catalogue price for %s/%s", prov, models[prov])
				}

				ask, err := svc.Ask(ctx, research.AskRequest{ID: id, Question: "Which tea is shade-grown?"})
				q := ask.Question
				if err != nil || !strings.Contains(q.Answer, "Which tea is shade-grown?") || q.Provider != prov || q.Model != models[prov] ||
					q.Usage.OutputTokens <= 0 || !near(ask.CostUSD, cost.Cost(price, q.Usage)) || ask.CostUSD <= 0 {
					t.Fatalf("Ask = %+v, %v; want %s's answer from %s costed at its price", ask, err, prov, models[prov])
				}
				cl, err := svc.Clarify(ctx, "Research the history of tea")
				if err != nil || len(cl.Questions) != 3 || cl.Model != models[prov] || cl.CostUSD <= 0 {
					t.Fatalf("Clarify = %+v, %v; want the fake's three questions from %s", cl, err, models[prov])
				}
				br, err := svc.Brief(ctx, research.BriefRequest{Prompt: "Research the history of tea", Answers: []research.Answer{{Question: "Where?", Answer: "Japan"}}})
				if err != nil || !strings.HasPrefix(br.Brief, "Research brief") || br.Model != models[prov] || br.CostUSD <= 0 {
					t.Fatalf("Brief = %+v, %v; want the fake's brief from %s", br, err, models[prov])
				}
				want := map[string]int{"openai": 0, "azure": 0, "gemini": 0}
				want[prov] = 3
				if got := f.calls(); got["openai"] != want["openai"] || got["azure"] != want["azure"] || got["gemini"] != want["gemini"] {
					t.Errorf("helper calls per provider = %v; want %v", got, want)
				}
				sp, err := svc.Costs(ctx, "")
				if err != nil || sp.ReservedUSD != 0 || !near(sp.SpentUSD, ask.CostUSD+cl.CostUSD+br.CostUSD) {
					t.Fatalf("spend = %+v, %v; want the three calls spent, nothing reserved", sp, err)
				}
				kinds := map[string]bool{}
				for _, js := range sp.Jobs {
					if js.Kind == store.KindResearch { // the report's own run
						continue
					}
					if js.Provider != prov || js.Model != models[prov] {
						t.Errorf("spend line %+v; want it on %s/%s", js, prov, models[prov])
					}
					kinds[js.Kind] = true
				}
				if !kinds[store.KindAsk] || !kinds[store.KindClarify] || !kinds[store.KindBrief] {
					t.Errorf("spend lines %+v; want an ask, a clarify and a brief", sp.Jobs)
				}
			})
		}
	}
}

// TestHelperSaysWhichKeyIsMissing: with no key of a provider that can run
// the helper, or with a chosen provider that has none, nothing is sent and
// the error names what to set.
func TestHelperSaysWhichKeyIsMissing(t *testing.T) {
	cases := []struct {
		name  string
		keys  []string
		extra map[string]string
		want  []string
	}{
		{"no helper key at all", nil, nil, []string{"OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "GEMINI_API_KEY", "Settings"}},
		{"gemini chosen, only openai", []string{"openai"}, map[string]string{"DEEPR_HELPER_PROVIDER": "gemini"}, []string{"Gemini", "GEMINI_API_KEY", "helper provider in Settings"}},
		{"azure chosen, only gemini", []string{"gemini"}, map[string]string{"DEEPR_HELPER_PROVIDER": "azure"}, []string{"Azure OpenAI", "AZURE_OPENAI_API_KEY"}},
		{"openai chosen, only azure", []string{"azure"}, map[string]string{"DEEPR_HELPER_PROVIDER": "openai"}, []string{"OpenAI", "OPENAI_API_KEY"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newHelperFleet(t)
			data, _ := sharedReport(t)
			svc := openHelperProc(t, f, data, c.keys, c.extra)
			_, err := svc.Clarify(context.Background(), "Research the history of tea")
			e := wantError(t, err, research.ErrProvider, "key")
			for _, w := range c.want {
				if !strings.Contains(e.Msg, w) {
					t.Errorf("message %q does not name %s", e.Msg, w)
				}
			}
			if got := f.calls(); got["openai"]+got["azure"]+got["gemini"] != 0 {
				t.Errorf("helper calls %v; want none sent", got)
			}
		})
	}
}

// TestSaveHelperEveryChoice: every choice the Settings window offers is
// saved, read back by the next process, and used; a value start-up would
// refuse is refused naming its field, and nothing is written.
func TestSaveHelperEveryChoice(t *testing.T) {
	f := newHelperFleet(t)
	data, _ := sharedReport(t)
	all := []string{"openai", "azure", "gemini"}
	svc := openHelperProc(t, f, data, all, nil)
	ctx := context.Background()
	choices := svc.Settings().Helper.Choices
	if len(choices) != 4 || choices[0].Value != "auto" {
		t.Fatalf("choices = %+v; want auto, then the three providers", choices)
	}
	for _, c := range choices {
		if !c.Ready || c.Label == "" {
			t.Errorf("choice %+v; want it labelled and ready with every key set", c)
		}
		v, err := svc.SaveHelper(ctx, research.HelperInput{Provider: c.Value, AzureDeployment: "gpt-4.1-mini-chat"})
		if err != nil || v.Helper.Provider != c.Value || v.Helper.AzureDeployment != "gpt-4.1-mini-chat" {
			t.Fatalf("SaveHelper(%s) = %+v, %v; want it in force", c.Value, v.Helper, err)
		}
		next := openHelperProc(t, f, data, all, nil)
		h := next.Settings().Helper
		want := map[string]string{"auto": "OpenAI", "openai": "OpenAI", "azure": "Azure OpenAI: gpt-4.1-mini-chat", "gemini": "Gemini: gemini-2.5-flash"}[c.Value]
		if h.Provider != c.Value || !strings.HasPrefix(h.InUse, want) {
			t.Errorf("after saving %s the next process has %+v; want it read back, %s in use", c.Value, h, want)
		}
		_ = next.Close()
	}
	if _, err := svc.SaveHelper(ctx, research.HelperInput{Provider: "perplexity"}); err == nil {
		t.Error("SaveHelper(perplexity) succeeded; want it refused")
	} else {
		wantError(t, err, research.ErrInvalid, "helper_provider")
	}
	if _, err := svc.SaveHelper(ctx, research.HelperInput{Provider: "gemini", AzureDeployment: "a b"}); err == nil {
		t.Error("SaveHelper with a bad deployment succeeded; want it refused")
	} else {
		wantError(t, err, research.ErrInvalid, "azure_helper_deployment")
	}
	if h := svc.Settings().Helper; h.Provider != "gemini" || h.AzureDeployment != "gpt-4.1-mini-chat" {
		t.Errorf("after refused saves: %+v; want the last good values kept", h)
	}
}
