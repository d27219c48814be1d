package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakegemini"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// TestCLIAskWithOnlyGemini: a user with a Gemini key and no other runs
// research to a report, asks it a question and gets clarifying questions:
// the helper model runs on Gemini's Flash model (generateContent), each
// call costed and counted in the month's spend.
func TestCLIAskWithOnlyGemini(t *testing.T) {
	oa := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer oa.Close()
	g := fakegemini.New(fakegemini.Options{APIKey: geminiKey, StepsToFinish: 2})
	defer g.Close()
	c := newCLIEnv(t, oa, "GEMINI_API_KEY="+geminiKey, "GEMINI_BASE_URL="+g.URL())
	c.env = slices.DeleteFunc(c.env, func(kv string) bool { return strings.HasPrefix(kv, "OPENAI_API_KEY=") })
	rep := c.runToReport(t, "hydrogen in Japan", "--provider", "gemini")

	var res struct {
		Question struct {
			ID       string `json:"id"`
			Answer   string `json:"answer"`
			Provider string `json:"provider"`
			Model    string `json:"model"`
		} `json:"question"`
		CostUSD float64 `json:"cost_usd"`
	}
	if err := json.Unmarshal([]byte(c.ok("ask", rep.ID, "Which city leads?", "--json")), &res); err != nil {
		t.Fatal(err)
	}
	q := res.Question
	if q.Provider != "gemini" || q.Model != "gemini-2.5-flash" || !strings.Contains(q.Answer, "Which city leads?") || res.CostUSD <= 0 {
		t.Fatalf("ask = %+v; want Gemini Flash's answer with its cost", res)
	}
	if out := c.ok("clarify", "Research the history of tea"); !strings.Contains(out, fakeopenai.ClarifyingQuestions[0]) {
		t.Errorf("clarify printed %q; want the helper's questions", out)
	}
	if n := len(g.GenerateRequests()); n != 2 || oa.HelperCreates() != 0 {
		t.Errorf("generateContent calls %d, OpenAI helper calls %d; want 2 on Gemini, none on OpenAI", n, oa.HelperCreates())
	}
	var sp struct {
		Jobs []struct {
			Kind, Provider, Model, About string
			CostUSD                      float64 `json:"cost_usd"`
		} `json:"jobs"`
	}
	if err := json.Unmarshal([]byte(c.ok("costs", "--json")), &sp); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, j := range sp.Jobs {
		found = found || (j.Kind == "ask" && j.About == rep.ID && j.Provider == "gemini" && j.Model == "gemini-2.5-flash" && j.CostUSD > 0)
	}
	if !found {
		t.Errorf("costs = %+v; want the ask listed on gemini-2.5-flash with its cost", sp.Jobs)
	}
}
