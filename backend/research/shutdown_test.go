package research_test

import (
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/research"
)

// modelInfo returns the offered model id of prov.
func modelInfo(t *testing.T, svc *research.Service, prov, id string) research.ModelInfo {
	t.Helper()
	for _, m := range svc.Models() {
		if m.Provider == prov && m.ID == id {
			return m
		}
	}
	t.Fatalf("%s/%s is not offered", prov, id)
	return research.ModelInfo{}
}

// TestKeyTestReadsShutdownDates: testing the OpenAI key reads the
// shutdown_date OpenAI publishes for its models, at most once a day (by
// the injected clock), and the models offered show it (deprecated, with
// the date and, within 30 days, a warning), also after a reload.
func TestKeyTestReadsShutdownDates(t *testing.T) {
	const model = "o4-mini-deep-research"
	oa := fakeopenai.New(fakeopenai.Options{APIKey: testKey, ShutdownDates: map[string]string{model: "2026-03-20"}})
	t.Cleanup(oa.Close)
	p := newBudgetProc(t, map[string]string{"OPENAI_BASE_URL": oa.URL()})
	if m := modelInfo(t, p.svc, "openai", model); m.ShutdownDate != "" {
		t.Fatalf("before any key test: %+v", m)
	}
	if kt := p.svc.TestKeyOf(p.ctx, "openai"); !kt.OK {
		t.Fatalf("key test: %+v", kt)
	}
	m := modelInfo(t, p.svc, "openai", model)
	if m.Lifecycle != "deprecated" || m.ShutdownDate != "2026-03-20" || m.Warning == "" {
		t.Errorf("after the key test: %+v; want deprecated, shut down on 2026-03-20, with a warning", m)
	}
	if o3 := modelInfo(t, p.svc, "openai", "o3-deep-research"); o3.ShutdownDate != "" || o3.Lifecycle == "deprecated" {
		t.Errorf("o3-deep-research (no shutdown_date): %+v", o3)
	}
	p.clock.advance(5 * time.Hour)
	p.svc.TestKeyOf(p.ctx, "openai")
	if n := oa.ModelGets(model); n != 1 {
		t.Errorf("two key tests in one day read the model %d times, want 1", n)
	}
	p.set("DEEPR_POLL_INTERVAL", "60") // a reload keeps what OpenAI said
	if m := modelInfo(t, p.svc, "openai", model); m.ShutdownDate != "2026-03-20" {
		t.Errorf("after a reload: %+v", m)
	}
	oa.SetShutdownDate(model, "2026-04-30")
	p.clock.advance(20 * time.Hour)
	p.svc.TestKeyOf(p.ctx, "openai")
	if n := oa.ModelGets(model); n != 2 {
		t.Errorf("a key test the next day: %d reads in all, want 2", n)
	}
	if m := modelInfo(t, p.svc, "openai", model); m.ShutdownDate != "2026-04-30" {
		t.Errorf("after OpenAI moved the date: %+v", m)
	}
	if kt := p.svc.TestKeyOf(p.ctx, "azure"); !kt.OK { // Azure has no shutdown dates to read
		t.Errorf("Azure key test: %+v", kt)
	}
}
