package openai

import (
	"maps"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// TestShutdownDates: OpenAI's shutdown_date of each model is read with
// GET /v1/models/{id} (null: ""); a model OpenAI does not have is left
// out; Azure has no such endpoint and is not asked.
func TestShutdownDates(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey,
		ShutdownDates: map[string]string{"o4-mini-deep-research": "2027-03-01"}, GoneModels: []string{"o1-deep-research"}})
	t.Cleanup(fake.Close)
	p := New(Config{APIKey: testKey, BaseURL: fake.URL(), RequestTimeout: 10 * time.Second})
	got, err := p.ShutdownDates(t.Context(), []string{"o3-deep-research", "o4-mini-deep-research", "o1-deep-research"})
	want := map[string]string{"o3-deep-research": "", "o4-mini-deep-research": "2027-03-01"}
	if err != nil || !maps.Equal(got, want) {
		t.Errorf("ShutdownDates = %v, %v; want %v", got, err, want)
	}
	if n := fake.ModelGets("o4-mini-deep-research"); n != 1 {
		t.Errorf("%d GETs of the model, want 1", n)
	}

	az, rec, ap := azureSetup(t, Config{})
	got, err = ap.ShutdownDates(t.Context(), []string{"o3-deep-research"})
	if err != nil || got != nil || az.ModelGets("o3-deep-research") != 0 || len(rec.paths) != 0 {
		t.Errorf("Azure: %v, %v, %d GETs, paths %v; want nothing asked", got, err, az.ModelGets("o3-deep-research"), rec.paths)
	}
}
