package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/deepr-desktop/deepr/backend/fakeopenai"
)

// TestMCPOverStdio drives the built `deepr mcp` as an assistant's client
// would (the Go SDK's CommandTransport): stdout carries nothing but the
// protocol, and with no window open the server polls, so a run the
// terminal submitted is followed to its end through get_research.
func TestMCPOverStdio(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 2})
	t.Cleanup(fake.Close)
	c := newCLIEnv(t, fake)
	id := strings.TrimSpace(c.ok("submit", "--model", "o4-mini-deep-research", "--max-tool-calls", "5", "History of green tea"))

	cmd := c.cmd("", "mcp")
	var stderr bytes.Buffer
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
	var status string
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline) && status != "completed"; {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_research", Arguments: map[string]any{"job_id": id, "wait_seconds": 5}})
		if err != nil || res.IsError {
			t.Fatalf("get_research: %v %+v\nstderr: %s", err, res, stderr.String())
		}
		b, _ := json.Marshal(res.StructuredContent)
		var out struct{ Status string }
		_ = json.Unmarshal(b, &out)
		status = out.Status
	}
	if status != "completed" {
		t.Fatalf("the job is %q after 90 s: deepr mcp did not poll\nstderr: %s", status, stderr.String())
	}
	if !strings.Contains(stderr.String(), "deepr mcp: serving") {
		t.Errorf("stderr = %q, want the start line there (stdout is the protocol)", stderr.String())
	}
}
