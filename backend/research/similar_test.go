package research_test

import (
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
)

// TestSimilarThreshold fixes the "researched before" threshold on real
// cases: the same subject reworded is shown, with the words that matched;
// a prompt that shares one common word (or two, of many) is not.
func TestSimilarThreshold(t *testing.T) {
	u := newUnit(t, nil)
	ids := map[string]string{}
	for name, md := range map[string]string{
		"heat":    "# Heat pumps in Norway\n\nCold-climate heat pumps keep their efficiency at -25 °C. The market grew in 2024.",
		"battery": "# The EU Battery Regulation\n\nRules on recycled content, carbon footprint and due diligence for batteries sold in the market.",
		"coffee":  "# Coffee prices in 2025\n\nArabica prices rose after the drought in Brazil.",
		"offices": "# Remote work and city centres\n\nOffice vacancy rose as remote work stayed.",
	} {
		ids[name] = u.finish(job.Completed, md, nil).ID
	}
	tests := []struct{ prompt, want, matched string }{
		{"What do we know about heat pumps in cold climates?", "heat", "heat pumps cold climates"},
		{"Battery recycling rules in the European Union", "battery", "battery recycling rules"},
		{"Arabica coffee price trends", "coffee", "arabica coffee price"},
		{"Market outlook for electric scooters", "", ""},
		{"Drought effects on European wheat harvests", "", ""},
		{"How does remote sensing track deforestation?", "", ""},
		{"Heat waves and their effect on city office workers", "", ""},
	}
	for _, tt := range tests {
		got, err := u.svc.Similar(u.ctx, tt.prompt)
		if err != nil {
			t.Fatalf("Similar(%q): %v", tt.prompt, err)
		}
		if tt.want == "" {
			if len(got) != 0 {
				t.Errorf("Similar(%q) = %s (matched %q); want nothing", tt.prompt, got[0].Job.Title(), got[0].Matched)
			}
			continue
		}
		if len(got) != 1 || got[0].Job.ID != ids[tt.want] || strings.Join(got[0].Matched, " ") != tt.matched {
			t.Errorf("Similar(%q) = %+v; want only the %s report, matched on %q", tt.prompt, got, tt.want, tt.matched)
		}
	}
}

func TestSimilarAtMostThree(t *testing.T) {
	u := newUnit(t, nil)
	for range 5 {
		u.finish(job.Completed, "# Heat pumps in Norway\n\nCold-climate heat pumps.", nil)
	}
	u.finish(job.Failed, "# Heat pumps in cold climates\n\nCold-climate heat pumps.", nil)
	got, err := u.svc.Similar(u.ctx, "heat pumps in cold climates")
	if err != nil || len(got) != 3 {
		t.Fatalf("Similar = %d reports, %v; want 3", len(got), err)
	}
	for _, p := range []string{"", "tea", `"unbalanced quote and ( parens`, "heat"} {
		if got, err := u.svc.Similar(u.ctx, p); err != nil || len(got) != 0 {
			t.Errorf("Similar(%q) = %+v, %v; want nothing and no error", p, got, err)
		}
	}
}
