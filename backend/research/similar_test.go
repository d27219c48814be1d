package research_test

import (
	"testing"

	"github.com/deepr-desktop/deepr/backend/job"
)

func TestSimilarFindsSavedReportsOnTheSubject(t *testing.T) {
	u := newUnit(t, nil)
	done := u.finish(job.Completed, "# Heat pumps in Norway\n\nCold-climate heat pumps keep their efficiency at -25 °C.", nil)
	got, err := u.svc.Similar(u.ctx, "What do we know about heat pumps in cold climates?")
	if err != nil || len(got) != 1 || got[0].Job.ID != done.ID {
		t.Fatalf("Similar = %+v, %v; want the heat pump report", got, err)
	}
	for _, p := range []string{"", "tea", `"unbalanced quote and ( parens`} {
		if got, err := u.svc.Similar(u.ctx, p); err != nil || len(got) != 0 {
			t.Errorf("Similar(%q) = %+v, %v; want nothing and no error", p, got, err)
		}
	}
}
