package mcpserver_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/deepr-desktop/deepr/backend/engine"
	"github.com/deepr-desktop/deepr/backend/fakegemini"
	"github.com/deepr-desktop/deepr/backend/fakeopenai"
	"github.com/deepr-desktop/deepr/backend/fakeperplexity"
	"github.com/deepr-desktop/deepr/backend/mcpserver"
	"github.com/deepr-desktop/deepr/backend/research"
)

const (
	testKey   = "sk-test-mcp-0001"
	azureKey  = "azure-test-key-0001112223334445"
	geminiKey = "AIza-test-gemini-key-000111222"
	pplxKey   = "pplx-test-perplexity-key-000111"
)

// fixture is one Deepr process serving MCP to one client over the SDK's
// in-memory transport, against the in-repo fake of OpenAI.
type fixture struct {
	t    *testing.T
	ctx  context.Context
	fake *fakeopenai.Server
	svc  *research.Service
	cs   *mcp.ClientSession

	mu       sync.Mutex
	progress []*mcp.ProgressNotificationParams
	onProg   func(*mcp.ProgressNotificationParams)
}

type setupOpts struct {
	env  map[string]string
	poll bool // run the poller (takes the lease) for the test's life
	o    mcpserver.Options
}

func setup(t *testing.T, so setupOpts) *fixture {
	t.Helper()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:") // no keychain lookups
	// Perplexity's fake names its runs resp_fakeNNNNNN too: the OpenAI fakes get prefixes of their own.
	fake := fakeopenai.New(fakeopenai.Options{APIKey: testKey, StepsToFinish: 2, IDPrefix: "resp_openai"})
	az := fakeopenai.New(fakeopenai.Options{APIKey: azureKey, Azure: true, StepsToFinish: 2, IDPrefix: "resp_azure"})
	ge := fakegemini.New(fakegemini.Options{APIKey: geminiKey, StepsToFinish: 2})
	px := fakeperplexity.New(fakeperplexity.Options{APIKey: pplxKey, StepsToFinish: 2})
	for _, c := range []func(){fake.Close, az.Close, ge.Close, px.Close} {
		t.Cleanup(c)
	}
	data := t.TempDir()
	env := map[string]string{
		"DEEPR_DATA_DIR": data, "DEEPR_CONFIG_DIR": filepath.Join(data, "config"),
		"OPENAI_API_KEY": testKey, "OPENAI_BASE_URL": fake.URL(), "DEEPR_POLL_INTERVAL": "1",
		"AZURE_OPENAI_API_KEY": azureKey, "AZURE_OPENAI_ENDPOINT": az.Endpoint(),
		"GEMINI_API_KEY": geminiKey, "GEMINI_BASE_URL": ge.URL(),
		"PERPLEXITY_API_KEY": pplxKey, "PERPLEXITY_BASE_URL": px.URL(),
	}
	for k, v := range so.env {
		env[k] = v
	}
	feed := mcpserver.NewFeed()
	svc, err := engine.Open(engine.Options{Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok && v != "" },
		WorkDir: data, Holder: "mcp test", Events: feed})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	polled := make(chan struct{})
	if so.poll {
		go func() { defer close(polled); _ = svc.Run(ctx) }()
	} else {
		close(polled)
	}
	f := &fixture{t: t, ctx: ctx, fake: fake, svc: svc}
	srv := mcpserver.New(svc, feed, so.o)
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.MCP().Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "test-assistant", Version: "1"}, &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, r *mcp.ProgressNotificationClientRequest) {
			f.mu.Lock()
			f.progress = append(f.progress, r.Params)
			on := f.onProg
			f.mu.Unlock()
			if on != nil {
				on(r.Params)
			}
		}})
	cs, err := client.Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.cs = cs
	t.Cleanup(func() {
		_ = cs.Close()
		_ = ss.Wait()
		cancel()
		<-polled
		_ = svc.Close()
	})
	return f
}

// call calls a tool; a protocol error fails the test (tools answer errors
// as data).
func (f *fixture) call(name string, args map[string]any) *mcp.CallToolResult {
	f.t.Helper()
	return f.callWith(&mcp.CallToolParams{Name: name, Arguments: args})
}

func (f *fixture) callWith(p *mcp.CallToolParams) *mcp.CallToolResult {
	f.t.Helper()
	res, err := f.cs.CallTool(f.ctx, p)
	if err != nil {
		f.t.Fatalf("%s(%v): protocol error %v, want a tool result", p.Name, p.Arguments, err)
	}
	return res
}

// ok calls a tool that must succeed and decodes its structured content.
func ok[T any](f *fixture, name string, args map[string]any) T {
	f.t.Helper()
	res := f.call(name, args)
	if res.IsError {
		f.t.Fatalf("%s(%v) failed: %s", name, args, textOf(res))
	}
	return decode[T](f.t, res)
}

func decode[T any](t *testing.T, res *mcp.CallToolResult) T {
	t.Helper()
	var out T
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("structured content %s: %v", b, err)
	}
	return out
}

// failed is the error a failed tool call carries as data.
type failed struct {
	Error *research.ErrorView `json:"error"`
}

// refused calls a tool that must fail with a tool error of kind on field,
// and returns the error.
func (f *fixture) refused(name string, args map[string]any, kind, field string) research.ErrorView {
	f.t.Helper()
	res := f.call(name, args)
	if !res.IsError {
		f.t.Fatalf("%s(%v) = %s; want a tool error %s on %q", name, args, textOf(res), kind, field)
	}
	e := decode[failed](f.t, res).Error
	if e == nil {
		f.t.Fatalf("%s(%v): tool error %q carries no {kind, field, message}", name, args, textOf(res))
	}
	if e.Kind != kind || e.Field != field || e.Message == "" {
		f.t.Errorf("%s(%v): error %+v, want kind %s on field %q with a message", name, args, *e, kind, field)
	}
	return *e
}

func textOf(res *mcp.CallToolResult) string {
	var s string
	for _, c := range res.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			s += t.Text
		}
	}
	return s
}

// waitDone follows a job with get_research until it has ended.
func (f *fixture) waitDone(id string) mcpserver.GetOut {
	f.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		out := ok[mcpserver.GetOut](f, "get_research", map[string]any{"job_id": id, "wait_seconds": 30})
		if !out.Active {
			return out
		}
	}
	f.t.Fatalf("job %s did not end within a minute", id)
	return mcpserver.GetOut{}
}
