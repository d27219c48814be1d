package webserve

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

const testToken = "test-token-0123456789abcdef"

// fakeApp stands in for the window's App: a few bound methods of each shape.
type fakeApp struct{ hub *Hub }

type echoReq struct {
	Prompt string `json:"prompt"`
	N      int    `json:"n"`
}

func (f *fakeApp) Version() string { return "1.2.3" }
func (f *fakeApp) Echo(r echoReq, suffix string) (echoReq, error) {
	r.Prompt += suffix
	return r, nil
}
func (f *fakeApp) Fail(id string) error {
	return errors.New("job " + id + " was not found: list jobs first")
}
func (f *fakeApp) Emit(name string) error {
	f.hub.Emit(name, map[string]string{"id": name})
	return nil
}

// fixture is a Server behind httptest with its hub and a signed-in client.
type fixture struct {
	t    *testing.T
	srv  *Server
	hub  *Hub
	ts   *httptest.Server
	user *http.Client // signed in
}

func newFixture(t *testing.T, mod func(*Options)) *fixture {
	t.Helper()
	hub := NewHub()
	o := Options{
		Plan:    Plan{Listen: "127.0.0.1:0"},
		Token:   testToken,
		Methods: &fakeApp{hub: hub},
		Hub:     hub,
		Assets: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "<!doctype html><title>Deepr</title>")
		}),
	}
	if mod != nil {
		mod(&o)
	}
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	f := &fixture{t: t, srv: srv, hub: hub, ts: ts}
	f.user = f.signIn()
	return f
}

// signIn opens the printed URL in a new browser and returns it.
func (f *fixture) signIn() *http.Client {
	f.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(f.ts.URL + "/login?token=" + testToken)
	if err != nil {
		f.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `content="0;url=/"`) || len(resp.Cookies()) != 1 {
		f.t.Fatalf("signing in: %d %s, want a session and a page that moves on to the app", resp.StatusCode, b)
	}
	return c
}

// call POSTs a call as the same-origin page does.
func (f *fixture) call(c *http.Client, method, args string, hdr ...string) (int, string) {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/api/call/"+method, strings.NewReader(args))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// dial opens the event stream as the page does (its Origin is the server's).
func (f *fixture) dial(c *http.Client, query string) (*websocket.Conn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	u := "ws" + strings.TrimPrefix(f.ts.URL, "http") + "/api/events" + query
	h := http.Header{"Origin": {f.ts.URL}}
	return websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: c, HTTPHeader: h})
}

func read(t *testing.T, c *websocket.Conn) Frame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	var fr Frame
	if err := json.Unmarshal(b, &fr); err != nil {
		t.Fatal(err)
	}
	return fr
}
