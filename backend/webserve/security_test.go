package webserve

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNoSessionIs401(t *testing.T) {
	f := newFixture(t, nil)
	anon := &http.Client{}
	if code, body := f.call(anon, "Version", "[]"); code != http.StatusUnauthorized || strings.Contains(body, "1.2.3") {
		t.Errorf("a call without a session: %d %s, want 401", code, body)
	}
	_, resp, err := f.dial(anon, "")
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the event stream without a session: %v %v, want a 401 handshake", resp, err)
	}
	resp, err = anon.Get(f.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the app without a session: %d, want 401 (the sign-in page)", resp.StatusCode)
	}
	// A made-up cookie is no session either.
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(f.ts.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: cookieName, Value: "forged"}})
	if code, _ := f.call(&http.Client{Jar: jar}, "Version", "[]"); code != http.StatusUnauthorized {
		t.Errorf("a forged cookie: %d, want 401", code)
	}
	if code, body := f.call(f.user, "Version", "[]"); code != http.StatusOK || body != `"1.2.3"` {
		t.Errorf("a signed-in call: %d %s", code, body)
	}
}

func TestWrongTokenSignsNobodyIn(t *testing.T) {
	f := newFixture(t, nil)
	resp, err := http.Get(f.ts.URL + "/login?token=" + testToken + "x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Errorf("a wrong token: %d with cookies %v, want 401 and none", resp.StatusCode, resp.Cookies())
	}
}

func TestWrongTokensAreRateLimited(t *testing.T) {
	f := newFixture(t, nil)
	for i := 0; i < maxFailures; i++ {
		resp, _ := http.Get(f.ts.URL + "/login?token=wrong")
		resp.Body.Close()
	}
	resp, err := http.Get(f.ts.URL + "/login?token=" + testToken)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("after %d wrong tokens in a minute: %d, want 429 even for the right one", maxFailures, resp.StatusCode)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	for _, tls := range []bool{false, true} {
		f := newFixture(t, nil)
		if tls {
			f.srv.o.Plan.TLSCert, f.srv.o.Plan.TLSKey = "cert.pem", "key.pem" // only the cookie reads it here
		}
		resp, err := http.Get(f.ts.URL + "/login?token=" + testToken)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cs := resp.Cookies()
		if resp.StatusCode != http.StatusOK || len(cs) != 1 {
			t.Fatalf("tls=%v: %d with %d cookies, want a page setting one", tls, resp.StatusCode, len(cs))
		}
		ck := cs[0]
		if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure != tls || ck.Path != "/" {
			t.Errorf("tls=%v: cookie %+v, want HttpOnly, SameSite=Strict, Secure only with TLS", tls, ck)
		}
		if tls && ck.Name != tlsCookieName {
			t.Errorf("with TLS the cookie is %q, want %q", ck.Name, tlsCookieName)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("the sign-in answer may be cached: %q", resp.Header.Get("Cache-Control"))
		}
	}
}

func TestWrongHostRefused(t *testing.T) {
	f := newFixture(t, nil)
	for _, host := range []string{"evil.example", "evil.example:80", "127.0.0.1.nip.io"} {
		req, _ := http.NewRequest(http.MethodGet, f.ts.URL+"/login", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("Host %s: sign-in page %d, want 421", host, resp.StatusCode)
		}
	}
	// The API too, with a valid session (a rebinding page has the cookie's site).
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/api/call/Version", strings.NewReader("[]"))
	req.Host = "evil.example"
	resp, err := f.user.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("API under a foreign Host: %d, want 421", resp.StatusCode)
	}
	// --host adds a name.
	g := newFixture(t, func(o *Options) { o.Plan.Hosts = []string{"deepr.example.com"} })
	req, _ = http.NewRequest(http.MethodGet, g.ts.URL+"/login", nil)
	req.Host = "Deepr.Example.com:8710"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a --host name: %d, want 200", resp.StatusCode)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	f := newFixture(t, nil)
	cases := [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
		{"Sec-Fetch-Site", "", "Origin", "http://evil.example"},
	}
	for _, h := range cases {
		if code, body := f.call(f.user, "Version", "[]", h...); code != http.StatusForbidden {
			t.Errorf("cross-origin call %v: %d %s, want 403", h, code, body)
		}
	}
	// The sign-in form too (login CSRF).
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/login", strings.NewReader("token="+testToken))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site sign-in form: %d, want 403", resp.StatusCode)
	}
}

func TestEventStreamChecksOrigin(t *testing.T) {
	f := newFixture(t, nil)
	for _, origin := range []string{"http://evil.example", "http://localhost:1"} {
		u := "ws" + strings.TrimPrefix(f.ts.URL, "http") + "/api/events"
		req, _ := http.NewRequest(http.MethodGet, strings.Replace(u, "ws", "http", 1), nil)
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "websocket")
		req.Header.Set("Sec-WebSocket-Version", "13")
		req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
		req.Header.Set("Origin", origin)
		resp, err := f.user.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("event stream from %s: %d, want 403", origin, resp.StatusCode)
		}
	}
	c, _, err := f.dial(f.user, "")
	if err != nil {
		t.Fatalf("same-origin event stream: %v", err)
	}
	c.CloseNow()
}

func TestSessionsPerTokenBounded(t *testing.T) {
	f := newFixture(t, nil) // the fixture's own user is the first session
	for i := 0; i < MaxSessions; i++ {
		f.signIn()
	}
	if code, _ := f.call(f.user, "Version", "[]"); code != http.StatusUnauthorized {
		t.Errorf("after %d more sign-ins the least recently used session still works (%d), want 401", MaxSessions, code)
	}
	if n := len(f.srv.sessions.live); n != MaxSessions {
		t.Errorf("%d live sessions, want %d", n, MaxSessions)
	}
}

func TestSessionsSurviveARestartWithTheSameToken(t *testing.T) {
	file := filepath.Join(t.TempDir(), "serve-sessions.json")
	now := func() time.Time { return time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC) }
	a := newSessions(testToken, file, now)
	v, err := a.login(testToken)
	if err != nil {
		t.Fatal(err)
	}
	if !newSessions(testToken, file, now).valid(v) {
		t.Error("a restart with the same token signed the browser out")
	}
	if newSessions(testToken+"-new", file, now).valid(v) {
		t.Error("a new token kept an old session")
	}
	later := func() time.Time { return now().Add(SessionTTL) }
	if newSessions(testToken, file, later).valid(v) {
		t.Error("a session outlived SessionTTL")
	}
}

func TestPlanCheck(t *testing.T) {
	cases := []struct {
		plan    Plan
		err     string
		warning string
	}{
		{Plan{Listen: "127.0.0.1:8710"}, "", ""},
		{Plan{Listen: "localhost:8710"}, "", ""},
		{Plan{Listen: "[::1]:8710"}, "", ""},
		{Plan{Listen: "0.0.0.0:8710"}, "needs TLS", ""},
		{Plan{Listen: ":8710"}, "needs TLS", ""},
		{Plan{Listen: "192.168.1.5:8710"}, "needs TLS", ""},
		{Plan{Listen: "0.0.0.0:8710", InsecureHTTP: true}, "", "unencrypted"},
		{Plan{Listen: "0.0.0.0:8710", TLSCert: "c", TLSKey: "k"}, "", "other computers"},
		{Plan{Listen: "127.0.0.1:8710", TLSCert: "c"}, "go together", ""},
		{Plan{Listen: "8710"}, "HOST:PORT", ""},
		{Plan{Listen: "127.0.0.1:8710", Hosts: []string{"https://x"}}, "not a host name", ""},
	}
	for _, c := range cases {
		w, err := c.plan.Check()
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%+v: error %v, want one with %q", c.plan, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%+v: %v", c.plan, err)
		case !strings.Contains(w, c.warning) || (c.warning == "" && w != ""):
			t.Errorf("%+v: warning %q, want %q", c.plan, w, c.warning)
		}
	}
}

func TestToken(t *testing.T) {
	env := func(v string) func(string) (string, bool) {
		return func(k string) (string, bool) { return v, k == TokenVariable && v != "" }
	}
	if tok, gen, err := Token(env("")); err != nil || !gen || len(tok) < 64 {
		t.Errorf("no variable: %q %v %v, want a new random token", tok, gen, err)
	}
	if tok, gen, err := Token(env("  a-long-enough-token-1234 ")); err != nil || gen || tok != "a-long-enough-token-1234" {
		t.Errorf("DEEPR_SERVE_TOKEN: %q %v %v", tok, gen, err)
	}
	if _, _, err := Token(env("short")); err == nil || !strings.Contains(err.Error(), TokenVariable) {
		t.Errorf("a short DEEPR_SERVE_TOKEN: %v, want a refusal naming it", err)
	}
}
