package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// Research as a conversation through the CLI binary: follow-ups that
// continue the parent's response, the fallback when it is gone, the thread
// and the bad input that sends nothing.

type threadJSON struct {
	jobJSON
	ParentID      string `json:"parent_id"`
	ParentContext string `json:"parent_context"`
	Thread        *struct {
		Root    string  `json:"root"`
		CostUSD float64 `json:"cost_usd"`
		Jobs    []struct {
			Job     jobJSON `json:"job"`
			Depth   int     `json:"depth"`
			CostUSD float64 `json:"cost_usd"`
		} `json:"jobs"`
	} `json:"thread"`
}

func (c *cliEnv) thread(id string) threadJSON {
	c.t.Helper()
	var j threadJSON
	if err := json.Unmarshal([]byte(c.ok("status", id, "--json")), &j); err != nil {
		c.t.Fatal(err)
	}
	return j
}

// createBody is the part of a create request these tests look at.
type createBody struct {
	Model      string          `json:"model"`
	Background *bool           `json:"background"`
	Previous   *string         `json:"previous_response_id"`
	Input      json.RawMessage `json:"input"`
	Metadata   map[string]string
}

func lastCreate(t *testing.T, fake *fakeopenai.Server, back int) createBody {
	t.Helper()
	reqs := fake.CreateRequests()
	var b createBody
	if err := json.Unmarshal(reqs[len(reqs)-1-back], &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCLIFollowUp(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	parent := c.runToReport(t, "heat pumps in cold climates", "--model", "o4-mini-deep-research")

	// The estimate of a follow-up counts the parent's report it reads.
	var plain, follow struct {
		Estimate struct {
			HighUSD float64 `json:"high_usd"`
			Basis   string  `json:"basis"`
		} `json:"estimate"`
	}
	_ = json.Unmarshal([]byte(c.ok("submit", "--dry-run", "--json", "--model", "o4-mini-deep-research", "go deeper on Norway")), &plain)
	_ = json.Unmarshal([]byte(c.ok("submit", "--dry-run", "--json", "--follow-up", parent.ID, "go deeper on Norway")), &follow)
	if !(follow.Estimate.HighUSD > plain.Estimate.HighUSD) || !strings.Contains(follow.Estimate.Basis, "earlier research") {
		t.Errorf("follow-up estimate %+v vs new research %+v: want it higher, counting the parent's context", follow.Estimate, plain.Estimate)
	}

	// A follow-up continues the parent's response (and its model).
	creates := fake.Creates()
	child := c.runToReport(t, "go deeper on Norway", "--follow-up", parent.ID[:6])
	body := lastCreate(t, fake, 0)
	if fake.Creates() != creates+1 || body.Previous == nil || *body.Previous != parent.ProviderJobID || string(body.Input) != `"go deeper on Norway"` {
		t.Fatalf("follow-up create = %+v (input %s), want previous_response_id %s and only the new prompt", body, body.Input, parent.ProviderJobID)
	}
	got := c.thread(child.ID)
	if got.ParentID != parent.ID || got.ParentContext != "previous_response" || got.Model != "o4-mini-deep-research" {
		t.Errorf("follow-up job: parent %q context %q model %q", got.ParentID, got.ParentContext, got.Model)
	}
	if got.Thread == nil || got.Thread.Root != parent.ID || len(got.Thread.Jobs) != 2 || got.Thread.Jobs[1].Depth != 1 ||
		math.Abs(got.Thread.CostUSD-(parent.CostUSD+child.CostUSD)) > 1e-9 {
		t.Fatalf("thread = %+v, want the parent then the follow-up costing $%v together", got.Thread, parent.CostUSD+child.CostUSD)
	}
	if out := c.ok("status", parent.ID); !strings.Contains(out, "Thread    2 jobs") || !strings.Contains(out, child.ID) {
		t.Errorf("status of the parent does not show its thread:\n%s", out)
	}

	// The provider no longer keeps the parent's response: the report goes
	// as context, and the job says so.
	fake.Expire(child.ProviderJobID)
	grand := c.runToReport(t, "and what about Sweden", "--follow-up", child.ID)
	refused, resent := lastCreate(t, fake, 1), lastCreate(t, fake, 0)
	if refused.Previous == nil || *refused.Previous != child.ProviderJobID {
		t.Errorf("first create of the fallback = %+v, want previous_response_id %s", refused, child.ProviderJobID)
	}
	var childReport jobJSON
	_ = json.Unmarshal([]byte(c.ok("show", child.ID, "--format", "json")), &childReport)
	if resent.Previous != nil || !strings.Contains(string(resent.Input), `"role":"assistant"`) ||
		!strings.Contains(string(resent.Input), "go deeper on Norway") || !strings.Contains(string(resent.Input), "and what about Sweden") ||
		!strings.Contains(string(resent.Input), jsonText(t, strings.Fields(childReport.Report)[3])) {
		t.Errorf("fallback create input = %s, want the parent's question and report, then the prompt", resent.Input)
	}
	g := c.thread(grand.ID)
	if g.ParentContext != "report_fallback" || g.Thread == nil || len(g.Thread.Jobs) != 3 || g.Thread.Jobs[2].Depth != 2 {
		t.Errorf("fallback job: context %q thread %+v", g.ParentContext, g.Thread)
	}
	if out := c.ok("status", grand.ID); !strings.Contains(out, "no longer kept") {
		t.Errorf("status does not say the report was sent instead:\n%s", out)
	}

	// Bad input: nothing sent, nothing queued.
	creates = fake.Creates()
	jobs := c.ok("list", "--json")
	if _, errOut, code := c.run("", "submit", "--follow-up", "nosuchjob", "deeper"); code != 1 || !strings.Contains(errOut, "no job with id") {
		t.Errorf("follow-up of an unknown job: exit %d %q", code, errOut)
	}
	if _, _, code := c.run("", "submit", "--follow-up", parent.ID, "   "); code != 1 {
		t.Errorf("empty follow-up: exit %d, want 1", code)
	}
	if _, _, code := c.run("", "submit", "--follow-up", parent.ID); code != 2 {
		t.Errorf("follow-up without a prompt: exit %d, want 2", code)
	}
	queued := strings.TrimSpace(c.ok("submit", "a question not sent yet")) // no poller runs
	if _, errOut, code := c.run("", "submit", "--follow-up", queued, "deeper"); code != 1 || !strings.Contains(errOut, "has not finished") {
		t.Errorf("follow-up of a queued job: exit %d %q", code, errOut)
	}
	c.ok("cancel", queued)
	if fake.Creates() != creates {
		t.Errorf("bad follow-ups made %d creates", fake.Creates()-creates)
	}
	var before, after []jobJSON
	_ = json.Unmarshal([]byte(jobs), &before)
	_ = json.Unmarshal([]byte(c.ok("list", "--json")), &after)
	if len(after) != len(before)+1 { // only the one queued on purpose
		t.Errorf("%d jobs before, %d after: a bad follow-up was queued", len(before), len(after))
	}
}

// jsonText is s as it appears inside a JSON string.
func jsonText(t *testing.T, s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Trim(string(b), `"`)
}

func TestCLIAsk(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	queued := strings.TrimSpace(c.ok("submit", "not sent yet"))
	if _, errOut, code := c.run("", "ask", queued, "what does it say?"); code != 1 || !strings.Contains(errOut, "not finished") {
		t.Errorf("ask about a queued job: exit %d %q", code, errOut)
	}
	c.ok("cancel", queued)
	rep := c.runToReport(t, "heat pumps in cold climates", "--model", "o4-mini-deep-research")
	spent := func() (float64, []map[string]any) {
		var sp struct {
			SpentUSD float64          `json:"spent_usd"`
			Jobs     []map[string]any `json:"jobs"`
		}
		if err := json.Unmarshal([]byte(c.ok("costs", "--json")), &sp); err != nil {
			t.Fatal(err)
		}
		return sp.SpentUSD, sp.Jobs
	}
	before, _ := spent()

	// Bad input: nothing sent, nothing billed.
	helpers, sent := fake.HelperCreates(), len(fake.CreateRequests())
	if _, errOut, code := c.run("", "ask", rep.ID, "  "); code != 1 || !strings.Contains(errOut, "question is empty") {
		t.Errorf("empty question: exit %d %q", code, errOut)
	}
	if _, _, code := c.run("", "ask", rep.ID); code != 2 {
		t.Errorf("ask without a question: exit %d, want 2", code)
	}
	if _, errOut, code := c.run("", "ask", "nosuchjob", "why?"); code != 1 || !strings.Contains(errOut, "no job") {
		t.Errorf("ask about an unknown job: exit %d %q", code, errOut)
	}
	unknown := &cliEnv{t: t, data: c.data, env: append(append([]string{}, c.env...), "DEEPR_HELPER_MODEL=gpt-nonexistent")}
	if _, errOut, code := unknown.run("", "ask", rep.ID, "why?"); code != 1 || !strings.Contains(errOut, "DEEPR_HELPER_MODEL") {
		t.Errorf("unknown helper model: exit %d %q", code, errOut)
	}
	// The budget applies: a helper call that could pass it is refused.
	dear := &cliEnv{t: t, data: c.data, env: append(append([]string{}, c.env...), "DEEPR_MONTHLY_BUDGET=5",
		`DEEPR_PRICES={"openai/gpt-4.1-mini": {"input_per_mtok": 50000, "output_per_mtok": 50000}}`)}
	if _, errOut, code := dear.run("", "ask", rep.ID, "why?"); code != 1 || !strings.Contains(errOut, "budget") {
		t.Errorf("ask over the budget: exit %d %q", code, errOut)
	}
	// A helper failure is reported and costs nothing.
	if _, errOut, code := c.run("", "ask", rep.ID, "[[fake:create503]] why?"); code != 1 || !strings.Contains(errOut, "did not answer") {
		t.Errorf("helper failure: exit %d %q", code, errOut)
	}
	if fake.HelperCreates() != helpers { // the 503 answered nothing
		t.Errorf("%d helper requests answered for bad input, want none", fake.HelperCreates()-helpers)
	}
	if n := len(fake.CreateRequests()) - sent; n != 1 {
		t.Errorf("%d requests sent for bad input and one failing helper call, want only that one", n)
	}
	if s, _ := spent(); s != before {
		t.Errorf("spend changed from %v to %v without an answer", before, s)
	}

	// A question: the helper answers from the report, the cost is counted.
	var res struct {
		Question struct {
			ID       string  `json:"id"`
			JobID    string  `json:"job_id"`
			Question string  `json:"question"`
			Answer   string  `json:"answer"`
			Model    string  `json:"model"`
			CostUSD  float64 `json:"cost_usd"`
		} `json:"question"`
		CostUSD float64 `json:"cost_usd"`
	}
	if err := json.Unmarshal([]byte(c.ok("ask", rep.ID[:6], "--json", "Which zeppelin models were compared?")), &res); err != nil {
		t.Fatal(err)
	}
	if res.Question.JobID != rep.ID || res.Question.Model != "gpt-4.1-mini" || res.CostUSD <= 0 || res.Question.CostUSD != res.CostUSD ||
		!strings.Contains(res.Question.Answer, "Which zeppelin models were compared?") {
		t.Fatalf("ask = %+v", res)
	}
	req := lastCreate(t, fake, 0)
	var full jobJSON
	_ = json.Unmarshal([]byte(c.ok("show", rep.ID, "--format", "json")), &full)
	words := strings.Fields(full.Report)
	if req.Model != "gpt-4.1-mini" || (req.Background != nil && *req.Background) || !strings.Contains(string(req.Input), jsonText(t, words[len(words)/2])) ||
		!strings.Contains(string(req.Input), "Sources") || !strings.Contains(string(req.Input), "zeppelin") {
		t.Errorf("helper request = model %s background %v input %s; want the helper model, no background, the report and the question",
			req.Model, req.Background, req.Input)
	}
	after, jobs := spent()
	if math.Abs(after-before-res.CostUSD) > 1e-12 {
		t.Errorf("spend went from %v to %v, want +%v", before, after, res.CostUSD)
	}
	found := false
	for _, j := range jobs {
		found = found || (j["kind"] == "ask" && j["about"] == rep.ID && j["job_id"] == res.Question.ID)
	}
	if !found {
		t.Errorf("costs --json does not list the question: %v", jobs)
	}
	// Saved with the report: shown, searchable, exported.
	if out := c.ok("show", rep.ID); !strings.Contains(out, "Questions about this report") || !strings.Contains(out, "Which zeppelin models") {
		t.Errorf("show lacks the question:\n%s", out)
	}
	if out := c.ok("show", rep.ID, "--format", "json"); !strings.Contains(out, `"questions"`) || !strings.Contains(out, "zeppelin") {
		t.Errorf("show --format json lacks the question")
	}
	if out := c.ok("search", "zeppelin", "--json"); !strings.Contains(out, rep.ID) {
		t.Errorf("the question is not searchable: %s", out)
	}
	file := t.TempDir() + "/r.md"
	c.ok("export", rep.ID, "--format", "md", "--output", file)
	if b, err := readFile(file); err != nil || !strings.Contains(b, "Which zeppelin models were compared?") {
		t.Errorf("the export lacks the question (%v)", err)
	}
	// The report folder and a library round trip keep it: export --all,
	// import into a fresh database, the question is there and searchable.
	if b, err := readFile(filepath.Join(full.ReportPath, "metadata.json")); err != nil || !strings.Contains(b, "Which zeppelin models were compared?") {
		t.Errorf("the report folder's metadata.json lacks the question (%v)", err)
	}
	lib := t.TempDir()
	c.ok("export", "--all", "--output", lib)
	fresh := newCLIEnv(t, fake)
	fresh.ok("import", lib)
	if out := fresh.ok("show", rep.ID); !strings.Contains(out, "Which zeppelin models were compared?") {
		t.Errorf("the imported report lacks the question:\n%s", out)
	}
	if out := fresh.ok("search", "zeppelin", "--json"); !strings.Contains(out, rep.ID) {
		t.Errorf("the imported question is not searchable: %s", out)
	}
}

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

func TestCLIClarify(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1})
	defer fake.Close()
	c := newCLIEnv(t, fake)

	var res struct {
		Questions []string `json:"questions"`
		CostUSD   float64  `json:"cost_usd"`
		Model     string   `json:"model"`
	}
	if err := json.Unmarshal([]byte(c.ok("clarify", "--json", "heat pumps")), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Questions) != 3 || res.CostUSD <= 0 || res.Model != "gpt-4.1-mini" {
		t.Fatalf("clarify --json = %+v", res)
	}
	var req struct {
		Model      string `json:"model"`
		Background *bool  `json:"background"`
		Text       struct {
			Format struct {
				Type, Name string
			} `json:"format"`
		} `json:"text"`
	}
	reqs := fake.CreateRequests()
	_ = json.Unmarshal(reqs[len(reqs)-1], &req)
	if req.Model != "gpt-4.1-mini" || req.Background != nil || req.Text.Format.Type != "json_schema" {
		t.Errorf("clarify request = %s", reqs[len(reqs)-1])
	}
	if out := c.ok("clarify", "heat pumps"); !strings.Contains(out, "1. ") || !strings.Contains(out, "3. ") {
		t.Errorf("clarify text:\n%s", out)
	}
	if _, _, code := c.run("", "clarify"); code != 2 {
		t.Errorf("clarify without a prompt: exit %d", code)
	}

	// Interactively: two answers, one skipped, then the brief is submitted.
	out, errOut, code := c.run("Norway and Sweden\n\nthe last five years\n\n", "submit", "--clarify", "--json", "heat pumps")
	if code != 0 {
		t.Fatalf("submit --clarify: exit %d\n%s\n%s", code, out, errOut)
	}
	var j jobJSON
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{fakeopenai.ClarifyingQuestions[0], "Research brief", "Submit this brief?"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.HasPrefix(j.Prompt, "Research brief") || !strings.Contains(j.Prompt, "Norway and Sweden") ||
		!strings.Contains(j.Prompt, "the last five years") || strings.Contains(j.Prompt, fakeopenai.ClarifyingQuestions[1]) {
		t.Errorf("submitted prompt = %q, want the brief with the two answers (the skipped question left out)", j.Prompt)
	}
	// Choosing the original prompt, and giving up.
	out, _, _ = c.run("Norway\n\n\no\n", "submit", "--clarify", "--json", "heat pumps in Norway")
	if err := json.Unmarshal([]byte(out), &j); err != nil || j.Prompt != "heat pumps in Norway" {
		t.Errorf("original chosen: %q (%v)", j.Prompt, err)
	}
	before := c.ok("list", "--json")
	if _, errOut, code := c.run("x\n\n\nn\n", "submit", "--clarify", "heat pumps"); code != 1 || !strings.Contains(errOut, "Nothing submitted") {
		t.Errorf("declined brief: exit %d %q", code, errOut)
	}
	if c.ok("list", "--json") != before {
		t.Errorf("a declined brief was submitted")
	}

	// Every helper call's cost is counted: 2 clarify, 3 questions asked
	// interactively, 2 briefs (the declined one was paid too).
	var sp struct {
		Jobs []struct {
			Kind    string  `json:"kind"`
			CostUSD float64 `json:"cost_usd"`
		} `json:"jobs"`
	}
	_ = json.Unmarshal([]byte(c.ok("costs", "--json")), &sp)
	kinds := map[string]int{}
	for _, e := range sp.Jobs {
		if e.CostUSD <= 0 && e.Kind != "research" {
			t.Errorf("a helper call with no cost: %+v", e)
		}
		kinds[e.Kind]++
	}
	if kinds["clarify"] != 5 || kinds["brief"] != 3 {
		t.Errorf("helper calls in costs: %v, want 5 clarify and 3 brief", kinds)
	}

	// A helper failure never blocks research: the prompt goes as it is.
	out, errOut, code = c.run("", "submit", "--clarify", "--json", "[[fake:create503]] heat pumps")
	if code != 0 || !strings.Contains(errOut, "sent as it is") {
		t.Fatalf("submit --clarify with a failing helper: exit %d %q", code, errOut)
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil || j.Prompt != "[[fake:create503]] heat pumps" {
		t.Errorf("after a helper failure the prompt is %q (%v)", j.Prompt, err)
	}
	if _, _, code := c.run("", "submit", "--clarify", "-"); code != 2 {
		t.Errorf("--clarify with the prompt on stdin: exit %d, want 2", code)
	}
}
