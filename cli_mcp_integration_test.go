package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// TestMCPOverStdio drives the built `deepr mcp` as an assistant's client
// would (the Go SDK's CommandTransport): stdout carries nothing but the
// protocol, and with no window open the server polls, so a run the
// terminal submitted and one the assistant submitted are followed to
// their end through get_research; `deepr costs` then shows what the
// assistant spent.
func TestMCPOverStdio(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 2})
	t.Cleanup(fake.Close)
	c := newCLIEnv(t, fake, "DEEPR_MCP_ALLOW_SPEND=true")
	id := strings.TrimSpace(c.ok("submit", "--model", "o4-mini-deep-research", "--max-tool-calls", "5", "History of green tea"))

	cmd := c.cmd("", "mcp")
	var stderr lockedBuffer // written by the process's copier while the test reads it
	cmd.Stderr = &stderr
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	client := mcp.NewClient(&mcp.Implementation{Name: "cli-test", Version: "1"}, nil)
	cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connecting to deepr mcp: %v\nstderr: %s", err, stderr.String())
	}
	defer cs.Close()
	if init := cs.InitializeResult(); init == nil || init.ServerInfo.Name != "deepr" {
		t.Errorf("server info = %+v, want deepr", init)
	}
	call := func(name string, args map[string]any) map[string]any {
		t.Helper()
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
		if err != nil || res.IsError {
			t.Fatalf("%s: %v %+v\nstderr: %s", name, err, res, stderr.String())
		}
		b, _ := json.Marshal(res.StructuredContent)
		var out map[string]any
		_ = json.Unmarshal(b, &out)
		return out
	}
	mine := call("submit_research", map[string]any{"prompt": "History of sencha", "model": "o4-mini-deep-research",
		"options": map[string]any{"max_tool_calls": 5}, "max_cost_usd": 5})["job_id"].(string)
	var cost float64
	for _, job := range []string{id, mine} {
		var out map[string]any
		for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline) && (out == nil || out["status"] != "completed"); {
			out = call("get_research", map[string]any{"job_id": job, "wait_seconds": 5})
		}
		if out["status"] != "completed" {
			t.Fatalf("job %s is %v after 90 s: deepr mcp did not poll\nstderr: %s", job, out["status"], stderr.String())
		}
		if job == mine {
			cost = out["cost_usd"].(float64)
		}
	}
	var sp struct {
		SpentUSD     float64 `json:"spent_usd"`
		AssistantUSD float64 `json:"assistant_usd"`
	}
	if err := json.Unmarshal([]byte(c.ok("costs", "--json")), &sp); err != nil || cost <= 0 || sp.AssistantUSD != cost || sp.SpentUSD <= cost {
		t.Errorf("costs --json = %+v (%v); want the assistant's $%v of more spent", sp, err, cost)
	}
	if out := c.ok("costs"); !strings.Contains(out, "asked for by AI assistants") || !strings.Contains(out, "(assistant)") {
		t.Errorf("deepr costs does not show what assistants spent:\n%s", out)
	}
	if !strings.Contains(stderr.String(), "deepr mcp: serving") {
		t.Errorf("stderr = %q, want the start line there (stdout is the protocol)", stderr.String())
	}
}

// bearerRT adds the token to every request.
type bearerRT struct{ token string }

func (b bearerRT) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// TestMCPOverHTTP: `deepr mcp --http 127.0.0.1:0` prints its address and
// a bearer token, and serves the tools to a client that sends it; an
// address other machines could reach is refused unless --allow-remote.
func TestMCPOverHTTP(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey})
	t.Cleanup(fake.Close)
	c := newCLIEnv(t, fake)
	if _, errOut, code := c.run("", "mcp", "--http", "0.0.0.0:8765"); code != 2 || !strings.Contains(errOut, "--allow-remote") {
		t.Errorf("deepr mcp --http 0.0.0.0:8765 = exit %d, %q; want a usage error naming --allow-remote", code, errOut)
	}
	cmd := c.cmd("", "mcp", "--http", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer // written by the process's copier while the test reads it
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	var url, token string
	for (url == "" || token == "") && lines.Scan() {
		if v, ok := strings.CutPrefix(lines.Text(), "url: "); ok {
			url = v
		}
		if v, ok := strings.CutPrefix(lines.Text(), "token: "); ok {
			token = v
		}
	}
	if url == "" || len(token) != 64 {
		t.Fatalf("deepr mcp --http printed url %q token %q\nstderr: %s", url, token, stderr.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := mcp.NewClient(&mcp.Implementation{Name: "http-cli-test", Version: "1"}, nil)
	cs, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: bearerRT{token}}}, nil)
	if err != nil {
		t.Fatalf("connecting to %s: %v\nstderr: %s", url, err, stderr.String())
	}
	defer cs.Close()
	tools, err := cs.ListTools(ctx, nil)
	if err != nil || len(tools.Tools) != 8 {
		t.Errorf("tools over HTTP = %v, %v; want the eight", tools, err)
	}
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	if err == nil {
		resp.Body.Close()
	}
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a request without the token = %v, %v; want 401", resp, err)
	}
}
