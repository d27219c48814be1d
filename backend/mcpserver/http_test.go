package mcpserver_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/deepr-desktop/deepr/backend/mcpserver"
)

// bearer adds the token to every request.
type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// TestHTTP: over Streamable HTTP the same tools answer a client with the
// token; a request without it, addressed to another host (DNS rebinding)
// or from a web page is refused; only loopback addresses are served
// unless allowed.
func TestHTTP(t *testing.T) {
	f := setup(t, setupOpts{})
	feed := mcpserver.NewFeed()
	token, err := mcpserver.NewToken()
	if err != nil || len(token) != 64 {
		t.Fatalf("NewToken = %q, %v", token, err)
	}
	srv := httptest.NewServer(mcpserver.New(f.svc, feed, mcpserver.Options{}).HTTPHandler(token, false))
	t.Cleanup(srv.Close)
	url := srv.URL + mcpserver.MCPPath

	client := mcp.NewClient(&mcp.Implementation{Name: "http-test", Version: "1"}, nil)
	cs, err := client.Connect(f.ctx, &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: bearer{token}}}, nil)
	if err != nil {
		t.Fatalf("connecting with the token: %v", err)
	}
	defer cs.Close()
	res, err := cs.CallTool(f.ctx, &mcp.CallToolParams{Name: "list_research"})
	if err != nil || res.IsError {
		t.Fatalf("list_research over HTTP = %+v, %v", res, err)
	}

	body := `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`
	for _, c := range []struct {
		name         string
		host, origin string
		auth         string
		want         int
	}{
		{"no token", "", "", "", http.StatusUnauthorized},
		{"a wrong token", "", "", "Bearer " + strings.Repeat("0", 64), http.StatusUnauthorized},
		{"another host (DNS rebinding)", "attacker.example:80", "", "Bearer " + token, http.StatusForbidden},
		{"a web page", "", "https://attacker.example", "Bearer " + token, http.StatusForbidden},
	} {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if c.host != "" {
			req.Host = c.host
		}
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
		}
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: status %d, want %d", c.name, resp.StatusCode, c.want)
		}
	}

	for addr, ok := range map[string]bool{"127.0.0.1:8765": true, "[::1]:8765": true, "localhost:8765": true, "0.0.0.0:8765": false,
		"192.168.1.5:8765": false, "8765": false} {
		if err := mcpserver.CheckListen(addr, false); (err == nil) != ok {
			t.Errorf("CheckListen(%q) = %v, want ok %v", addr, err, ok)
		}
	}
	if err := mcpserver.CheckListen("0.0.0.0:8765", true); err != nil {
		t.Errorf("CheckListen(0.0.0.0:8765, allowed) = %v", err)
	}
}
