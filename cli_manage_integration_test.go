package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// The use cases the CLI gained to match the window: delete, dismiss,
// adopt, check and key, and the actions in the job JSON.

func (c *cliEnv) actions(id string) []string {
	c.t.Helper()
	var j struct {
		Actions []string `json:"actions"`
	}
	if err := json.Unmarshal([]byte(c.ok("status", id, "--json")), &j); err != nil {
		c.t.Fatal(err)
	}
	return j.Actions
}

func TestCLIAdoptDismissDelete(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 1})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	id := strings.TrimSpace(c.ok("submit", "[[fake:create500]] paid but unanswered"))
	if out, _, code := c.run("", "wait", id, "--timeout", "60s"); code != 1 || !strings.Contains(out, "unconfirmed") {
		t.Fatalf("wait: exit %d %q, want unconfirmed", code, out)
	}
	if a := c.actions(id); !slices.Equal(a, []string{"resubmit", "edit", "adopt", "dismiss", "delete"}) {
		t.Fatalf("actions of an unconfirmed job = %v", a)
	}
	resp := fake.ResponseIDsFor(id)
	if len(resp) != 1 {
		t.Fatalf("the fake made %d responses for %s, want 1", len(resp), id)
	}
	// Refused: an id that does not exist, and one made for another job.
	if _, errOut, code := c.run("", "adopt", id, "resp_doesnotexist"); code != 1 || !strings.Contains(errOut, "no response") {
		t.Errorf("adopt with an unknown id: exit %d %q", code, errOut)
	}
	other := strings.TrimSpace(c.ok("submit", "another question"))
	if _, _, code := c.run("", "wait", other, "--timeout", "60s"); code != 0 {
		t.Fatalf("wait for the second job: exit %d", code)
	}
	otherResp := c.status(other).ProviderJobID
	if _, errOut, code := c.run("", "adopt", id, otherResp); code != 1 || !strings.Contains(errOut, "already tracked") {
		t.Errorf("adopt with an id tracked by another job: exit %d %q", code, errOut)
	}
	if _, _, code := c.run("", "adopt", id); code != 2 {
		t.Errorf("adopt without RESPONSE_ID: exit %d, want 2", code)
	}
	// The right id: tracked to the end, created once.
	c.ok("adopt", id, resp[0])
	if _, _, code := c.run("", "wait", id, "--timeout", "60s"); code != 0 {
		t.Fatalf("wait after adopt: exit %d", code)
	}
	if j := c.status(id); j.Status != "completed" || j.ProviderJobID != resp[0] || fake.CreatesFor(id) != 1 {
		t.Fatalf("adopted job: %+v (creates %d)", j, fake.CreatesFor(id))
	}
	if _, errOut, code := c.run("", "adopt", id, resp[0]); code != 1 || !strings.Contains(errOut, "only an unconfirmed job") {
		t.Errorf("adopting twice: exit %d %q", code, errOut)
	}
	// Delete removes job, report and folder; an unconfirmed job can be dismissed.
	folder := c.status(id).ReportPath
	c.ok("delete", id)
	if _, _, code := c.run("", "status", id); code != 1 {
		t.Errorf("status after delete: exit %d, want 1", code)
	}
	if folder == "" {
		t.Errorf("the completed job had no report folder")
	}
	lost := strings.TrimSpace(c.ok("submit", "[[fake:create500]] given up"))
	c.run("", "wait", lost, "--timeout", "60s")
	if out := c.ok("dismiss", lost); !strings.Contains(out, "cancelled") {
		t.Errorf("dismiss: %q", out)
	}
	if _, errOut, code := c.run("", "dismiss", other); code != 1 || !strings.Contains(errOut, "only unconfirmed") {
		t.Errorf("dismiss of a completed job: exit %d %q", code, errOut)
	}
}

func TestCLIKeySetTestClear(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	// No key in the environment: the key saved by `deepr key set` is used.
	var env []string
	for _, kv := range c.env {
		if !strings.HasPrefix(kv, "OPENAI_API_KEY=") {
			env = append(env, kv)
		}
	}
	c.env = env
	if _, _, code := c.run("", "key", "test"); code != 1 {
		t.Errorf("key test without a key: exit %d, want 1", code)
	}
	out, errOut, code := c.run(testKey+"\n", "key", "set")
	if code != 0 || !strings.Contains(out, "accepted") || strings.Contains(out+errOut, testKey) {
		t.Fatalf("key set: exit %d out %q err %q", code, out, errOut)
	}
	if out := c.ok("key", "test"); !strings.Contains(out, "accepted") {
		t.Errorf("key test after set: %q", out)
	}
	if _, errOut, code := c.run("short\n", "key", "set"); code != 1 || !strings.Contains(errOut, "too short") {
		t.Errorf("key set with a bad key: exit %d %q", code, errOut)
	}
	c.ok("key", "clear")
	if _, _, code := c.run("", "key", "test"); code != 1 {
		t.Errorf("key test after clear: exit %d, want 1", code)
	}
	if _, _, code := c.run("", "key", "rotate"); code != 2 {
		t.Errorf("key rotate: exit %d, want 2", code)
	}
}

func TestCLIListJSONCarriesActions(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	defer fake.Close()
	c := newCLIEnv(t, fake)
	id := strings.TrimSpace(c.ok("submit", "queued only"))
	var jobs []struct {
		ID      string   `json:"id"`
		Actions []string `json:"actions"`
	}
	if err := json.Unmarshal([]byte(c.ok("list", "--json")), &jobs); err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].ID != id || !slices.Equal(jobs[0].Actions, []string{"check", "cancel", "delete"}) {
		t.Fatalf("list --json: %+v", jobs)
	}
	if _, errOut, code := c.run("", "list", "--status", "bogus"); code != 2 || !strings.Contains(errOut, "unknown status") {
		t.Errorf("list --status bogus: exit %d %q", code, errOut)
	}
	c.ok("check", id)
	c.ok("delete", id)
}
