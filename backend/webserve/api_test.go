package webserve

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
)

func TestCallsTheBoundMethodsByName(t *testing.T) {
	f := newFixture(t, nil)
	cases := []struct {
		method, args string
		code         int
		body         string
	}{
		{"Version", `[]`, 200, `"1.2.3"`},
		{"Echo", `[{"prompt":"heat pumps","n":2}, "?"]`, 200, `{"prompt":"heat pumps?","n":2}`},
		{"Echo", `[null, "!"]`, 200, `{"prompt":"!","n":0}`},
		{"Fail", `["j1"]`, 422, `{"error":"job j1 was not found: list jobs first"}`},
		{"Emit", `["x"]`, 200, `null`},
		{"Nope", `[]`, 404, `there is no method`},
		{"serveCall", `[]`, 404, `there is no method`},
		{"Echo", `[{"prompt":1}, ""]`, 400, `argument 1 of Echo`},
		{"Echo", `[{}]`, 400, `takes 2 arguments, got 1`},
		{"Version", `{}`, 400, `JSON array`},
	}
	for _, c := range cases {
		code, body := f.call(f.user, c.method, c.args)
		if code != c.code || !strings.Contains(body, c.body) {
			t.Errorf("%s(%s): %d %s, want %d with %s", c.method, c.args, code, body, c.code, c.body)
		}
	}
}

func TestRequestBodiesBounded(t *testing.T) {
	f := newFixture(t, nil)
	big := `[{"prompt":"` + strings.Repeat("a", maxArgs) + `"}, ""]`
	if code, _ := f.call(f.user, "Echo", big); code != http.StatusRequestEntityTooLarge {
		t.Errorf("a body over %d bytes: %d, want 413", maxArgs, code)
	}
}

func TestOnlyGetServesTheApp(t *testing.T) {
	f := newFixture(t, nil)
	req, _ := http.NewRequest(http.MethodPut, f.ts.URL+"/index.html", strings.NewReader("x"))
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := f.user.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT on the app: %d, want 405", resp.StatusCode)
	}
	resp, err = f.user.Get(f.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("the app is served without %s", h)
		}
	}
}

func TestWebhooksNeedNoSessionButTheHost(t *testing.T) {
	got := 0
	f := newFixture(t, func(o *Options) {
		o.Webhooks = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got++ })
	})
	resp, err := http.Post(f.ts.URL+"/webhooks/openai", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || got != 1 {
		t.Errorf("a provider's webhook: %d, %d deliveries; want it handed to the receiver", resp.StatusCode, got)
	}
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/webhooks/openai", strings.NewReader("{}"))
	req.Host = "evil.example"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest || got != 1 {
		t.Errorf("a webhook under a foreign Host: %d, want 421", resp.StatusCode)
	}
}

func TestNoFolderListings(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		o.Assets = http.FileServerFS(fstest.MapFS{"index.html": {Data: []byte("app")}, "assets/app.js": {Data: []byte("js")}})
	})
	for path, want := range map[string]int{"/": 200, "/assets/app.js": 200, "/assets/": 404} {
		resp, err := f.user.Get(f.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}
