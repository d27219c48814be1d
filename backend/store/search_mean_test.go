package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// meaningLibrary is a fixed library of reports written like real ones:
// word forms, letters that do not decompose, classical plurals, HTML
// blocks, CJK, and a report whose title is the subject among many that
// only mention it. Reports are finished an hour apart, in this order.
func meaningLibrary(t *testing.T) *env {
	e := setup(t)
	docs := []struct{ id, prompt, md string }{
		{"kierkegaard", "Søren Kierkegaard's reception in Łódź", "# Søren Kierkegaard in Łódź\n\nTwo **analyses** of his reception at the Straße café: the hypotheses, the criteria used and the phenomena observed.\n\n<div class=\"note\">Raw <b>HTML</b> footnote about Ærø and Þingvellir</div>"},
		{"battery", "Battery Regulation", "# Battery Regulation\n\nThe EU rules on batteries: due diligence, carbon footprint and recycled content."},
		{"pumps", "Heat pumps in cold climates", "## Heat pumps\n\nCold-climate heat pumps keep their efficiency at -25 °C; the pump market grew as prices fell."},
		{"hydrogen", "Green hydrogen outlook", "Electrolysers and hydrogen storage. Analytical methods for pricing hydrogen."},
		{"tokyo", "東京の研究", "東京タワーの高さは333メートルです。研究者が調べました。"},
		{"analysis", "Cost analysis of solar", "A cost analysis of rooftop solar, with one hypothesis and one criterion."},
	}
	for i := range 12 {
		docs = append(docs, struct{ id, prompt, md string }{fmt.Sprintf("mention%02d", i), fmt.Sprintf("Mining outlook %d", i),
			strings.Repeat("Mining for battery metals: batteries are regulated, battery regulations and more regulation of batteries. ", 6)})
	}
	for _, d := range docs {
		e.clock.Advance(time.Hour)
		j := e.create(job.Job{ID: d.id, Status: job.Running, Prompt: d.prompt})
		e.finish(j.ID, Report{Markdown: d.md})
	}
	return e
}

// TestSearchFindsWhatPeopleMean: queries as people type them, against
// meaningLibrary.
func TestSearchFindsWhatPeopleMean(t *testing.T) {
	e := meaningLibrary(t)
	tests := []struct{ name, q, want string }{
		{"plural finds the classical singular", "analyses ", "analysis,kierkegaard"},
		{"singular finds the classical plural", "analysis ", "analysis,kierkegaard"},
		{"hypothesis finds hypotheses", "hypothesis ", "analysis,kierkegaard"},
		{"criterion finds criteria", "criterion ", "analysis,kierkegaard"},
		{"criteria finds criterion", "criteria ", "analysis,kierkegaard"},
		{"phenomenon finds phenomena", "phenomenon ", "kierkegaard"},
		{"soren finds Søren", "soren ", "kierkegaard"},
		{"Søren as written", "Søren ", "kierkegaard"},
		{"lodz finds Łódź", "lodz ", "kierkegaard"},
		{"strasse finds Straße", "strasse ", "kierkegaard"},
		{"aero finds Ærø in an HTML block", "aero ", "kierkegaard"},
		{"thingvellir finds Þingvellir", "thingvellir ", "kierkegaard"},
		{"html tags are not words", "div ", ""},
		{"pump finds pumps", "pump ", "pumps"},
		{"battery finds batteries", "batteries ", "battery,mention11,mention10,mention09,mention08,mention07,mention06,mention05,mention04,mention03,mention02,mention01,mention00"},
		{"the title first", "battery regulation ", "battery,mention11,mention10,mention09,mention08,mention07,mention06,mention05,mention04,mention03,mention02,mention01,mention00"},
		{"typing: a prefix porter would stem", "analy", "analysis,hydrogen,kierkegaard"},
		{"typing: a prefix", "hydro", "hydrogen"},
		{"typing: a complete word", "climates", "pumps"},
		{"typing: last of two words", "heat pu", "pumps"},
		{"typing: a folded prefix", "kierk", "kierkegaard"},
		{"typing: a prefix of a folded letter", "strass", "kierkegaard"},
		{"quoted phrase", `"heat pumps"`, "pumps"},
		{"quoted phrase with a word form", `"heat pump"`, "pumps"},
		{"quoted words in another order", `"pumps heat"`, ""},
		{"priced finds prices", "priced ", "hydrogen,pumps"},
		{"cjk inside a sentence", "研究", "tokyo"},
		{"cjk two characters", "東京", "tokyo"},
		{"cjk with a number glued to it", "333", "tokyo"},
		{"exclusion", "hydrogen -storage", ""},
		{"or", "lodz OR tokyo", "kierkegaard"},
		{"unknown word", "zeppelin ", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(e.searchIDs(tt.q, SearchOptions{}), ","); got != tt.want {
			t.Errorf("%s: Search(%q) = %q, want %q", tt.name, tt.q, got, tt.want)
		}
	}
}

// TestSearchSnippetsAsWritten: snippets show the report as written, not as
// indexed (folded), and HTML blocks as their text.
func TestSearchSnippetsAsWritten(t *testing.T) {
	e := meaningLibrary(t)
	for _, tt := range []struct{ q, want string }{
		{"strasse ", "\x02Straße\x03"},
		{"analysis ", "Two \x02analyses\x03 of"},
		{"aero ", "Raw HTML footnote about \x02Ærø\x03 and"},
		{"lodz ", "\x02Łódź\x03"},
	} {
		res, err := e.st.Search(e.ctx, tt.q, SearchOptions{})
		if err != nil || len(res.Hits) == 0 {
			t.Fatalf("Search(%q) = %+v, %v", tt.q, res, err)
		}
		sn := ""
		for _, h := range res.Hits {
			if h.Job.ID == "kierkegaard" {
				sn = h.Snippet
			}
		}
		if !strings.Contains(sn, tt.want) || strings.Contains(sn, "<") {
			t.Errorf("Search(%q) snippet %q, want it to hold %q and no tags", tt.q, sn, tt.want)
		}
	}
}

// TestSearchTotal: each page says how many reports match in all.
func TestSearchTotal(t *testing.T) {
	e := meaningLibrary(t)
	for _, tt := range []struct {
		q           string
		o           SearchOptions
		hits, total int
	}{
		{"battery ", SearchOptions{Limit: 5}, 5, 13},
		{"battery ", SearchOptions{Limit: 5, Offset: 10}, 3, 13},
		{"battery ", SearchOptions{Limit: 5, Offset: 20}, 0, 13},
		{"", SearchOptions{Limit: 4}, 4, 18},
		{"", SearchOptions{Limit: 4, Offset: 30}, 0, 18},
		{"zeppelin", SearchOptions{}, 0, 0},
	} {
		res, err := e.st.Search(e.ctx, tt.q, tt.o)
		if err != nil || len(res.Hits) != tt.hits || res.Total != tt.total {
			t.Errorf("Search(%q, %+v) = %d hits of %d, %v; want %d of %d", tt.q, tt.o, len(res.Hits), res.Total, err, tt.hits, tt.total)
		}
	}
}
